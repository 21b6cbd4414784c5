"""The demo's three months of work, through the services people use: contributions logged,
submitted, validated or refused by a pilot of the project (never by their author), then
retribution runs computed, one approved and paid in part, and a smoothing request.

The draws of the random generator are those of the demo from the start, so the demo keeps
the same people, hours and statuses; a draw that a rule refuses (a pilot's own work, a
creative session nobody invited to) is turned into what the rule allows, as a person would.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from contribbudget.models import Member
from contributions.services import (
    contribution_create,
    contribution_reject,
    contribution_validate,
)
from projects.models import CoordinationGrain, Envelope, Project, ProjectRole
from retributions.services.payments import payments_mark_paid
from retributions.services.runs import run_approve, run_compute, run_create
from retributions.services.smoothing import smoothing_request_create

from .data import DESCRIPTIONS
from .network import DemoNetwork

KINDS = [("production", "production", 6), ("coordination", "coordination", 2),
         ("support", "support_com", 2), ("support", "support_docu", 1),
         ("meeting", "production", 1), ("creative", "creative", 1)]
REJECTION = "Merci de préciser le livrable et la date exacte."


@dataclass
class Planned:
    """One contribution to log, and what becomes of it."""

    member: Member
    project: Project
    envelope: Envelope
    date: datetime.date
    hours: Decimal
    kind: str
    description: str
    status: str
    reviewer: Member | None = None
    comment: str = ""
    grain: CoordinationGrain | None = None
    invited_by: Member | None = None
    salaried: bool = False


def _planned(net: DemoNetwork) -> list[Planned]:
    """The demo's contributions, drawn as they always were (same generator, same order)."""
    rng = net.rng
    roles = ProjectRole.objects.select_related("project", "member")
    envelopes: dict[int, dict[str, Envelope]] = {}
    for envelope in Envelope.objects.all():
        envelopes.setdefault(envelope.project_id, {})[envelope.kind] = envelope
    grain_by_member = {g.member_id: g for g in net.grains}
    pilots: dict[int, list[Member]] = {}
    for role in roles.filter(role="pilot"):
        pilots.setdefault(role.project_id, []).append(role.member)
    weights = [k[2] for k in KINDS]
    coordinator = net.members["coordinator"]
    rows = []
    days = (net.today - net.start).days
    for role in roles:
        member, project = role.member, role.project
        busy = member in (net.members["contributor"], net.members["pilot"])
        activity = 18 if busy else rng.choice([3, 5, 8, 12, 20])
        for _ in range(activity):
            kind, envelope_kind, _w = rng.choices(KINDS, weights)[0]
            date = net.start + datetime.timedelta(days=rng.randrange(days + 1))
            if date.weekday() >= 5:
                date -= datetime.timedelta(days=2)
            hours = Decimal(rng.choice([1, 2, 3, 4, 6, 8, 12, 14, 16, 28])) / 4
            age = (net.today - date).days
            status = ("draft" if age < 6 and rng.random() < .6 else
                      "submitted" if age < 25 and rng.random() < .7 else
                      "rejected" if rng.random() < .05 else "validated")
            grain = grain_by_member.get(member.pk)
            validator = next((p for p in pilots.get(project.pk, []) if p.pk != member.pk), None)
            if status == "validated" and validator is None:
                status = "submitted"
            # The demo pilot's own work on the projects he pilots waits for his co-pilot
            # (nobody validates their own work): he has no share in their runs, so he
            # can approve them in the demo.
            if member == net.members["pilot"] and role.role == "pilot" and status in (
                    "validated", "rejected"):
                status = "submitted"
            reviewer = validator
            if status == "rejected" and reviewer is None and member != coordinator:
                reviewer = coordinator  # no other pilot: the coordination refuses it
            if status == "rejected" and reviewer is None:
                status = "submitted"
            description = rng.choice(DESCRIPTIONS["support" if kind == "support" else kind])
            salaried = (member.home_place_id == net.places[5].pk and kind == "production"
                        and rng.random() < .3)
            rows.append(Planned(
                member=member, project=project, envelope=envelopes[project.pk][envelope_kind],
                date=date, hours=hours, kind=kind, description=description, status=status, reviewer=reviewer,
                comment=REJECTION if status == "rejected" else "",
                grain=grain if kind == "coordination" and grain
                and grain.project_id == project.pk else None,
                # A creative session is paid on invitation: with no pilot to invite, it is
                # logged as production work.
                invited_by=validator if kind == "creative" else None, salaried=salaried))
            if kind == "creative" and validator is None:
                rows[-1].kind = "production"
                rows[-1].envelope = envelopes[project.pk]["production"]
    # The demo contributor always has one of each status to look at.
    c, p = net.members["contributor"], net.projects[0]
    for status, label, comment in (
            ("draft", "brouillon", ""), ("submitted", "soumise", ""),
            ("rejected", "refusée", "Doublon avec la saisie du mardi : à fusionner.")):
        rows.append(Planned(
            member=c, project=p, envelope=envelopes[p.pk]["production"],
            date=net.today - datetime.timedelta(days=3), hours=Decimal("2.5"),
            kind="production", description=f"Préparation de l'atelier ({label})",
            status=status, reviewer=net.members["pilot"], comment=comment))
    return rows


def log_contributions(net: DemoNetwork) -> int:
    """Log every planned contribution through the contribution services. A row a rule
    refuses (24 h in one day, a date outside the project) is left out, as the form would."""
    made = 0
    for row in _planned(net):
        try:
            contribution = contribution_create(
                member=row.member, actor=row.member.user, project=row.project,
                envelope=row.envelope, date=row.date, hours=row.hours, kind=row.kind,
                description=row.description, grain=row.grain, invited_by=row.invited_by,
                salaried=row.salaried, submit=row.status != "draft")
        except ValidationError:
            continue
        made += 1
        if row.status == "validated" and row.reviewer is not None:
            contribution_validate(contribution=contribution, actor=row.reviewer.user)
        elif row.status == "rejected" and row.reviewer is not None:
            contribution_reject(contribution=contribution, actor=row.reviewer.user,
                                comment=row.comment)
    return made


def retribute(net: DemoNetwork) -> int:
    """One approved run on the Légumerie's production envelope with two lines paid, one
    draft run on its communication envelope, and one smoothing request, so the demo shows
    every status. Computed in-process (the task that the services also enqueue finds the
    run computed and does nothing)."""
    pilot, treasurer = net.members["pilot"].user, net.members["treasurer"].user
    legumerie = net.projects[2]
    made = 0
    plans = [("production", net.start, net.today - datetime.timedelta(days=35), True),
             ("support_com", net.start, net.today, False)]
    for kind, start, end, approve in plans:
        envelope = legumerie.envelopes.get(kind=kind)
        try:
            run = run_create(actor=pilot, envelope=envelope, period_start=start, period_end=end)
        except ValidationError:
            continue  # no validated work in that window with this seed: skip
        computed = run_compute(run_id=run.pk)
        made += 1
        if approve and computed is not None and computed.status == "draft":
            run_approve(actor=pilot, run=computed)
            paid = list(computed.lines.filter(money__gt=0).order_by("member__last_name")
                        .values_list("pk", flat=True)[:2])
            payments_mark_paid(actor=treasurer, line_ids=paid,
                               paid_on=net.today - datetime.timedelta(days=7),
                               reference=f"VIR-{net.today:%Y%m}-001")
    demo = [net.members[r].pk for r in ("contributor", "pilot", "treasurer", "coordinator")]
    asker = (Member.objects.filter(contributions__project=legumerie).exclude(pk__in=demo)
             .order_by("pk").first())
    if asker is not None:
        smoothing_request_create(
            member=asker, project=legumerie, period_start=net.year_start,
            period_end=datetime.date(net.today.year, 12, 31),
            reason="Beaucoup de préparation des ateliers non déclarée en heures.")
    return made
