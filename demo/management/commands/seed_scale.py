"""``python manage.py seed_scale``: a network at federation scale, for benchmarks.

    python manage.py seed_scale --members 3000 --projects 300 --contributions 1000000 --seed 42

PostgreSQL only (it is the benchmark's tool). Fast: small tables with ``bulk_create``,
contributions generated inside PostgreSQL by ``INSERT … SELECT generate_series`` (1 M rows
in about 15 s), then ``VACUUM ANALYZE``.
Realistic: member activity follows a heavy-tailed (Pareto) law — a few very active members,
many occasional ones —; every envelope kind exists in every project; every status appears;
the oldest validated production work is retributed by one approved run per project.
Reproducible: everything derives from ``--seed``. Refuses to run on a database that already
has contributions unless ``--force`` is given (it only adds rows; it never deletes).
"""
from __future__ import annotations

import datetime
import itertools
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from contribbudget.models import FieldOfAction, Member, Place, Preference
from contribbudget.money import to_cents
from contributions.models import Contribution
from projects.models import Adjustment, Envelope, Funding, Project, ProjectRole
from retributions.models import RetributionRun

KINDS = [k.value for k in Envelope.Kind]
CONTRIBUTION_KINDS = ["production"] * 6 + ["support"] * 2 + ["coordination", "meeting", "creative"]
ENVELOPE_FOR_KIND = {"production": "production", "support": "support_com",
                     "coordination": "coordination", "meeting": "production",
                     "creative": "creative"}
# Drafts and submitted work are the last few weeks of three years: a small share of all rows.
STATUSES = (["validated"] * 70 + ["retributed"] * 20 + ["submitted"] * 3 + ["draft"] * 2
            + ["rejected"] * 5)
QUARTERS = 16  # a contribution lasts a quarter of an hour to 4 h (2 h on average)
MAX_TEAMS = 12  # projects a member works on at most
# Inside a team, activity is skewed: member k of n gets a share ∝ the gaps of (k/n)^TEAM_SKEW.
TEAM_SKEW = 1.5
PREFERENCES = ([Preference.MONEY_SELF] * 70 + [Preference.MONEY_PLACE] * 15
               + [Preference.VOLUNTEER] * 10 + [Preference.SYMBOLIC] * 5)


class Command(BaseCommand):
    help = "Crée un réseau à l'échelle d'une fédération (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=3000)
        parser.add_argument("--projects", type=int, default=300)
        parser.add_argument("--contributions", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--prefix", default="scale", help="préfixe des identifiants créés")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale a besoin de PostgreSQL (DATABASE_URL=postgres://…) : "
                               "c'est l'outil des benchmarks.")
        if opts["members"] < 2 or opts["projects"] < 1 or opts["contributions"] < 0:
            raise CommandError("Il faut au moins 2 membres, 1 projet et 0 contribution.")
        if Contribution.objects.exists() and not opts["force"]:
            raise CommandError("La base contient déjà des contributions : ajoutez --force "
                               "pour ajouter le jeu de données à l'échelle.")
        started = time.perf_counter()
        builder = ScaleBuilder(random.Random(opts["seed"]), opts["prefix"], self.stdout)
        with transaction.atomic():
            builder.network(opts["members"], opts["projects"])
        builder.contributions(opts["contributions"])
        with transaction.atomic():
            builder.approved_runs()
        if connection.vendor == "postgresql":
            # VACUUM sets the visibility map, as autovacuum would in a living database: without
            # it no index-only scan happens and a fresh benchmark measures a state no real
            # network is in.
            vacuum_started = time.perf_counter()
            with connection.cursor() as cursor:  # VACUUM cannot run inside a transaction
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
            builder.timings["vacuum analyze"] = time.perf_counter() - vacuum_started
        builder.timings["total"] = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            "seed_scale: " + ", ".join(f"{k} {v:.1f} s" for k, v in builder.timings.items())))


class ScaleBuilder:
    def __init__(self, rng: random.Random, prefix: str, out):
        self.rng = rng
        self.prefix = prefix
        self.out = out
        self.timings: dict[str, float] = {}
        self.today = timezone.localdate()
        self.first_day = self.today - datetime.timedelta(days=3 * 365)

    def _timed(self, name: str, started: float) -> None:
        self.timings[name] = time.perf_counter() - started
        self.out.write(f"  {name}: {self.timings[name]:.1f} s")

    def network(self, n_members: int, n_projects: int) -> None:
        started = time.perf_counter()
        rng, p = self.rng, self.prefix
        User = get_user_model()
        places = Place.objects.bulk_create([
            Place(name=f"{p} lieu {i}", slug=f"{p}-lieu-{i}", siret=f"{i:014d}",
                  address=f"{i} rue du Test", city="Tours") for i in range(max(2, n_members // 50))])
        users = User.objects.bulk_create([
            User(username=f"{p}-{i}@example.org", email=f"{p}-{i}@example.org", password="!")
            for i in range(n_members)], batch_size=2000)
        self.members = Member.objects.bulk_create([
            Member(user=u, first_name=f"Membre{i}", last_name=p.capitalize(),
                   home_place=places[i % len(places)],
                   preference=PREFERENCES[i % len(PREFERENCES)])
            for i, u in enumerate(users)], batch_size=2000)
        # A heavy tail: Pareto weights, the first members are the most active.
        self.activity = [1.0 / (i + 1) ** 0.9 for i in range(n_members)]
        fields = FieldOfAction.objects.bulk_create([
            FieldOfAction(name=f"{p} champ {i}", slug=f"{p}-champ-{i}", start=self.first_day)
            for i in range(10)])
        self.projects = Project.objects.bulk_create([
            Project(field=fields[i % 10], name=f"{p} projet {i}", slug=f"{p}-projet-{i}",
                    start=self.first_day, phase="production", is_open=True)
            for i in range(n_projects)])
        fundings, envelopes = [], []
        for project in self.projects:
            budget = Decimal(rng.randrange(20, 400)) * 1000
            fundings.append(Funding(project=project, funder="Région", reference=f"{project.slug}-R",
                                    amount=budget, start=self.first_day, end=self.today))
            for kind in KINDS:
                envelopes.append(Envelope(project=project, name=kind.capitalize(), kind=kind,
                                          daily_rate=Decimal("250.00")))
        Funding.objects.bulk_create(fundings)
        self.envelopes = Envelope.objects.bulk_create(envelopes, batch_size=2000)
        author = users[0]
        share = Decimal(1) / Decimal(len(KINDS) + 1)
        budgets = {f.project_id: f.amount for f in fundings}
        Adjustment.objects.bulk_create([
            Adjustment(envelope=e, delta=to_cents(budgets[e.project_id] * share),
                       reason="Enveloppe initiale", author=author) for e in self.envelopes],
            batch_size=2000)
        self.envelope_of = {(e.project_id, e.kind): e.pk for e in self.envelopes}
        # Teams: 2 pilots and ~20 contributors a project, drawn by activity. Nobody sits on
        # more than MAX_TEAMS projects (a real person's week has an end), and each team's
        # order is shuffled, so the most active member of one project is not the most active
        # of all: the busiest member logs a few thousand contributions, not a fifth of all.
        roles, self.teams = [], {}
        teams_of, size = [0] * n_members, min(22, n_members)
        # Cumulated once (choices() would redo it on every draw); same draws as weights=.
        everyone, cumulative = range(n_members), list(itertools.accumulate(self.activity))
        free = n_members  # members still under MAX_TEAMS; below a team's size, anyone goes
        for project in self.projects:
            team: list[int] = []
            while len(team) < size:
                index = rng.choices(everyone, cum_weights=cumulative)[0]
                if index not in team and (teams_of[index] < MAX_TEAMS or free < size):
                    team.append(index)
                    teams_of[index] += 1
                    free -= teams_of[index] == MAX_TEAMS
            rng.shuffle(team)
            self.teams[project.pk] = team
            for j, index in enumerate(team):
                roles.append(ProjectRole(project=project, member=self.members[index],
                                         role="pilot" if j < 2 else "contributor"))
        ProjectRole.objects.bulk_create(roles, batch_size=5000)
        self._timed("network", started)

    def contributions(self, n: int) -> None:
        started = time.perf_counter()
        self._contributions_sql(n)
        self._timed(f"contributions ({n})", started)

    def _contributions_sql(self, n: int) -> None:
        """Generate the rows inside PostgreSQL (``INSERT … SELECT generate_series``): no
        Python per row. ``setseed`` and a serial plan make ``random()`` reproducible."""
        teams = [(pk, [self.members[i].pk for i in team]) for pk, team in self.teams.items()]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            # Generated references are valid by construction: skip the per-row foreign-key
            # triggers when allowed (superuser, as in benchmarks), else keep them.
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: keep the checks
                pass
            cursor.execute("SELECT setseed(%s)", [(self.rng.random() * 2) - 1])
            # Dropped at commit; also dropped here for a second run in one transaction (tests).
            cursor.execute("DROP TABLE IF EXISTS scale_team, scale_envelope")
            cursor.execute("CREATE TEMP TABLE scale_team (idx int, project_id bigint, "
                           "members bigint[]) ON COMMIT DROP")
            cursor.executemany("INSERT INTO scale_team VALUES (%s, %s, %s)",
                               [(i, pk, members) for i, (pk, members) in enumerate(teams)])
            cursor.execute("CREATE TEMP TABLE scale_envelope (project_id bigint, kind text, "
                           "envelope_id bigint) ON COMMIT DROP")
            cursor.executemany("INSERT INTO scale_envelope VALUES (%s, %s, %s)",
                               [(p, k, e) for (p, k), e in self.envelope_of.items()])
            cursor.execute("CREATE INDEX ON scale_envelope (project_id, kind)")
            kinds = "ARRAY[" + ",".join(f"'{k}'" for k in CONTRIBUTION_KINDS) + "]"
            statuses = "ARRAY[" + ",".join(f"'{k}'" for k in STATUSES) + "]"
            mapping = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in ENVELOPE_FOR_KIND.items())
            cursor.execute(f"""
                WITH draws AS (
                    SELECT g,
                           floor(power(random(), 2) * %(projects)s)::int AS project_idx,
                           random() AS member_draw,
                           ({kinds})[1 + floor(random() * {len(CONTRIBUTION_KINDS)})::int] AS kind,
                           ({statuses})[1 + floor(random() * {len(STATUSES)})::int] AS status,
                           random() AS age_draw,
                           1 + floor(random() * {QUARTERS})::int AS quarters
                    FROM generate_series(1, %(n)s) AS g
                )
                INSERT INTO contributions_contribution
                    (member_id, project_id, envelope_id, date, hours, kind, description,
                     deliverable_url, salaried, status, rejection_comment, coefficient_reason,
                     created_at, updated_at)
                SELECT t.members[1 + floor(power(d.member_draw, %(skew)s) * array_length(t.members, 1))::int],
                       t.project_id, e.envelope_id,
                       %(today)s::date - CASE WHEN d.status IN ('draft', 'submitted')
                                              THEN floor(d.age_draw * 30)::int
                                              ELSE floor(%(span)s * power(d.age_draw, 0.7))::int END,
                       d.quarters / 4.0, d.kind, 'Contribution générée', '', d.g %% 37 = 0,
                       d.status, CASE WHEN d.status = 'rejected' THEN 'Hors périmètre' ELSE '' END,
                       '', now(), now()
                FROM draws d
                JOIN scale_team t ON t.idx = d.project_idx
                JOIN scale_envelope e ON e.project_id = t.project_id
                     AND e.kind = CASE d.kind {mapping} END
            """, {"projects": len(teams), "n": n, "today": self.today, "skew": TEAM_SKEW,
                  "span": (self.today - self.first_day).days})

    def approved_runs(self) -> None:
        """One approved run a project over its retributed production work, with lines
        aggregated by the database (INSERT … SELECT … GROUP BY)."""
        started = time.perf_counter()
        author = self.members[0].user
        runs = RetributionRun.objects.bulk_create([
            RetributionRun(envelope_id=self.envelope_of[(pr.pk, "production")], rule="time_rate",
                           period_start=self.first_day, period_end=self.today,
                           status="approved", created_by=author, approved_by=author,
                           approved_at=timezone.now(), available=Decimal("0"),
                           distributed=Decimal("0"), surplus=Decimal("0"))
            for pr in self.projects])
        run_ids = [run.pk for run in runs]
        with connection.cursor() as cursor:
            # Retributed work outside the production envelopes goes back to validated; the
            # production work is tied to its project's approved run.
            cursor.execute(
                "UPDATE contributions_contribution SET status = 'validated' "
                "WHERE status = 'retributed' AND envelope_id NOT IN "
                "(SELECT envelope_id FROM retributions_retributionrun WHERE id = ANY(%s))",
                [run_ids])
            cursor.execute(
                "UPDATE contributions_contribution c SET retributed_in_id = r.id "
                "FROM retributions_retributionrun r "
                "WHERE r.envelope_id = c.envelope_id AND c.status = 'retributed' "
                "AND r.id = ANY(%s)", [run_ids])
            cursor.execute("""
                INSERT INTO retributions_retributionline
                    (run_id, member_id, hours, weighted_hours, hours_by_kind, valued,
                     computed_money, money, override_reason, preference, payee, non_financial,
                     explanation, explanation_parts, payment_reference)
                SELECT c.retributed_in_id, c.member_id, SUM(c.hours), SUM(c.hours), '{}',
                       ROUND(SUM(c.hours) * 250 / 7, 2), ROUND(SUM(c.hours) * 250 / 7, 2),
                       ROUND(SUM(c.hours) * 250 / 7, 2), '', 'money_self', 'self', '', '', '[]',
                       ''
                FROM contributions_contribution c
                WHERE c.retributed_in_id = ANY(%s)
                GROUP BY c.retributed_in_id, c.member_id""", [run_ids])
            cursor.execute("""
                UPDATE retributions_retributionrun r SET distributed = COALESCE(
                    (SELECT SUM(money) FROM retributions_retributionline l WHERE l.run_id = r.id), 0)
                WHERE r.id = ANY(%s)""", [run_ids])
        self._timed("approved runs", started)
