"""``seed_scale``'s plan, pure Python: how many contributions each member logs on each project.

The rows themselves are generated inside PostgreSQL (``demo.scale_load``) from this plan: one
entry a (project, member) with its exact count. Planning the counts here rather than drawing
a member per row in SQL is what keeps a federation physically possible: the old per-row draw
gave the busiest member 10,890 contributions at 1 M rows (65 h in one day) and would have
given ~23,000 at 10 M. Here the shape is the same — projects by the law of
``floor(random()² × P)``, inside a team member *k* of *n* by the gaps of (k/n)^(1/TEAM_SKEW),
a heavy (Pareto) tail across members — but a member's total is capped (their hours must fit
in their days, see ``member_cap``) and larger projects have larger teams.
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

MAX_TEAMS = 12  # projects a member works on at most
BASE_TEAM = 22  # 2 pilots and ~20 contributors
ROWS_PER_SEAT = 800  # a project with more work than BASE_TEAM × this has a larger team
TEAM_SKEW = 1.5  # inside a team, member k of n gets a share ∝ the gaps of (k/n)^(1/TEAM_SKEW)
RECENT_DAYS = 30  # drafts and submitted work: the last month
RECENT_SHARE = 0.05  # … a twentieth of each member's work
SLOTS_PER_DAY = 6  # a contribution lasts 4 h at most: 6 in a day make 24 h at most


def member_cap(span_days: int) -> int:
    """Most contributions one member can log so that no day of theirs exceeds 24 h, given how
    ``demo.scale_load`` places them: each in its own slot (6 a day), the recent ones evenly
    over the last RECENT_DAYS, the settled ones by the age law (span × u^0.7, whose slope is
    ≥ 0.7, hence distinct slots while the settled count ≤ 0.7 × slots)."""
    recent_slots = RECENT_DAYS * SLOTS_PER_DAY
    settled_slots = (span_days - RECENT_DAYS) * SLOTS_PER_DAY
    return min(int(recent_slots / RECENT_SHARE), int(0.7 * settled_slots / (1 - RECENT_SHARE)) - 1)


@dataclass(frozen=True)
class Entry:
    project: int  # index in the projects list
    member: int  # index in the members list
    count: int  # contributions
    base: int  # rank of this entry's first contribution among the member's (see scale_load)


def project_counts(n_rows: int, n_projects: int) -> list[int]:
    """Rows a project, by the law of floor(random()² × P), rounded to sum to ``n_rows``."""
    shares = [math.sqrt((k + 1) / n_projects) - math.sqrt(k / n_projects) for k in range(n_projects)]
    return _round_to_total([n_rows * s for s in shares], n_rows)


def _round_to_total(values: list[float], total: int) -> list[int]:
    """Largest remainder rounding (ties by position): deterministic, sums to ``total``."""
    floors = [math.floor(v) for v in values]
    order = sorted(range(len(values)), key=lambda i: (floors[i] - values[i], i))
    for i in order[:total - sum(floors)]:
        floors[i] += 1
    return floors


def draw_teams(rng: random.Random, n_members: int, sizes: list[int]) -> list[list[int]]:
    """Teams drawn by activity (Pareto weights, the first members the most active). Nobody
    sits on more than MAX_TEAMS projects, and each team's order is shuffled, so the most active
    member of one project is not the most active of all."""
    activity = [1.0 / (i + 1) ** 0.9 for i in range(n_members)]
    teams_of = [0] * n_members
    # Cumulated once (choices() would redo it on every draw); same draws as weights=.
    everyone, cumulative = range(n_members), list(itertools.accumulate(activity))
    free = n_members  # members still under MAX_TEAMS; below a team's size, anyone goes
    teams = []
    for size in sizes:
        team: list[int] = []
        members: set[int] = set()
        while len(team) < size:
            index = rng.choices(everyone, cum_weights=cumulative)[0]
            if index not in members and (teams_of[index] < MAX_TEAMS or free < size):
                team.append(index)
                members.add(index)
                teams_of[index] += 1
                free -= teams_of[index] == MAX_TEAMS
        rng.shuffle(team)
        teams.append(team)
    return teams


def team_sizes(counts: list[int], n_members: int) -> list[int]:
    return [min(n_members, max(BASE_TEAM, math.ceil(c / ROWS_PER_SEAT))) for c in counts]


def plan(counts: list[int], teams: list[list[int]], n_members: int, cap: int) -> list[Entry]:
    """Each project's rows shared in its team by the skewed law, no member above ``cap``
    (their excess goes to the team members with room, in proportion to their shares)."""
    if n_members * cap < sum(counts):
        raise ValueError(f"{sum(counts)} contributions need at least "
                         f"{math.ceil(sum(counts) / cap)} members ({cap} each at most)")
    exponent = 1 / TEAM_SKEW
    weights = [[((j + 1) / len(t)) ** exponent - (j / len(t)) ** exponent for j in range(len(t))]
               for t in teams]
    quotas = [[c * w for w in ws] for c, ws in zip(counts, weights, strict=True)]
    soft = cap - MAX_TEAMS * 2  # room for the rounding below
    for _ in range(50):
        totals = [0.0] * n_members
        for team, q in zip(teams, quotas, strict=True):
            for m, v in zip(team, q, strict=True):
                totals[m] += v
        if max(totals) <= soft:
            break
        for p, (team, q) in enumerate(zip(teams, quotas, strict=True)):
            excess = 0.0
            for j, m in enumerate(team):
                if totals[m] > soft:
                    cut = q[j] * (1 - soft / totals[m])
                    q[j] -= cut
                    excess += cut
            room = [(j, weights[p][j]) for j, m in enumerate(team) if totals[m] < soft]
            weight = sum(w for _, w in room)
            if excess and weight:
                for j, w in room:
                    q[j] += excess * w / weight
            elif excess:  # a full team keeps its work (the cap check below says so)
                q[:] = [v + excess / len(q) for v in q]
    entries, next_base = [], [0] * n_members
    for p, (team, q) in enumerate(zip(teams, quotas, strict=True)):
        for m, n in zip(team, _round_to_total(q, counts[p]), strict=True):
            if n:
                entries.append(Entry(project=p, member=m, count=n, base=next_base[m]))
                next_base[m] += n
    if max(next_base) > cap:
        raise ValueError(f"a member would log {max(next_base)} contributions (cap {cap}): "
                         "add members or projects")
    return entries


def spread(total: int) -> int:
    """A multiplier coprime with ``total``: rank × it mod total permutes a member's ranks, so
    one project's contributions are spread over the member's three years, not in one block."""
    step = max(1, round(total * 0.618034))
    while math.gcd(step, total) != 1:
        step += 1
    return step
