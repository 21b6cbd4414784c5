"""Closing a project (DESIGN.md §10): a checklist, then what remains in each envelope goes
where the surplus policy says — the commons fund, the smoothing reserve, or split between
them — through the envelope transfer service, and logging stops (phase *closed*: the
contribution service refuses every new row).

Work still to validate and runs not yet approved block the closing (nobody could finish
them afterwards); drafts and unpaid lines are shown but do not block (drafts die with the
project, the treasurer still pays approved lines)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, NetworkSettings
from contribbudget.money import ZERO, format_money, to_cents
from contribbudget.permissions import ensure_can_steer
from contribbudget.services import audit_record
from contributions.models import Contribution
from retributions.models import RetributionLine, RetributionRun

from . import services
from .models import Envelope, Project
from .montage import lock_project
from .selectors import project_envelopes

POLICIES = (Envelope.SurplusPolicy.COMMONS, Envelope.SurplusPolicy.RESERVE,
            Envelope.SurplusPolicy.SPLIT)
FUND_KINDS = (Envelope.Kind.COMMONS, Envelope.Kind.RESERVE)


@dataclass
class Move:
    source: Envelope
    target_kind: str
    amount: Decimal


def default_policy() -> tuple[str, int]:
    """The network's default surplus policy (a network setting); *carry* makes no sense
    for a project that ends, so it falls back to a half-and-half split."""
    network = NetworkSettings.load()
    policy = network.default_surplus_policy
    if policy not in POLICIES:
        policy = Envelope.SurplusPolicy.SPLIT
    return policy, int(network.default_surplus_commons_percent)


def closing_checklist(project: Project) -> dict:
    """What stands between the project and its closing (four aggregate queries)."""
    counts = Contribution.objects.filter(project=project).aggregate(
        submitted=Count("pk", filter=Q(status=Contribution.Status.SUBMITTED)),
        drafts=Count("pk", filter=Q(status__in=(Contribution.Status.DRAFT,
                                                Contribution.Status.REJECTED))))
    open_runs = RetributionRun.objects.filter(envelope__project=project,
                                              status__in=RetributionRun.OPEN_STATUSES).count()
    unpaid = RetributionLine.objects.filter(
        run__envelope__project=project, run__status=RetributionRun.Status.APPROVED,
        paid_on__isnull=True, money__gt=0).aggregate(n=Count("pk"), total=Sum("money"))
    envelopes = project_envelopes(project)
    blockers = []
    if counts["submitted"]:
        blockers.append(_("%(n)d contribution(s) attendent encore validation : validez-les ou "
                          "refusez-les d'abord.") % {"n": counts["submitted"]})
    if open_runs:
        blockers.append(_("%(n)d calcul(s) de rétribution ne sont pas approuvés : approuvez-les "
                          "ou relancez-les d'abord.") % {"n": open_runs})
    return {"submitted": counts["submitted"], "drafts": counts["drafts"],
            "open_runs": open_runs, "unpaid_count": unpaid["n"],
            "unpaid_total": unpaid["total"] or ZERO, "envelopes": envelopes,
            "remaining": sum((e.available for e in envelopes if e.kind not in FUND_KINDS), ZERO),
            "blockers": blockers}


def closing_moves(envelopes: list[Envelope], policy: str, commons_percent: int) -> list[Move]:
    """Where each envelope's remaining amount goes. Under *commons* everything (the reserve
    too: no smoothing round follows a closing) goes to the commons fund; under *reserve*
    everything but the reserve goes to it; under *split* each working envelope's remainder is
    split ``commons_percent`` % (half-up to the cent) to the commons, the rest to the
    reserve, and the two funds keep what they hold."""
    moves: list[Move] = []
    for e in envelopes:
        if e.available <= 0:
            continue
        if policy == Envelope.SurplusPolicy.COMMONS and e.kind != Envelope.Kind.COMMONS:
            moves.append(Move(e, Envelope.Kind.COMMONS, e.available))
        elif policy == Envelope.SurplusPolicy.RESERVE and e.kind != Envelope.Kind.RESERVE:
            moves.append(Move(e, Envelope.Kind.RESERVE, e.available))
        elif policy == Envelope.SurplusPolicy.SPLIT and e.kind not in FUND_KINDS:
            commons = to_cents(e.available * commons_percent / Decimal(100))
            moves += [Move(e, kind, amount) for kind, amount in
                      ((Envelope.Kind.COMMONS, commons),
                       (Envelope.Kind.RESERVE, e.available - commons)) if amount > 0]
    return moves


def _fund(project: Project, kind: str, actor) -> Envelope:
    existing = project.envelopes.filter(kind=kind).order_by("pk").first()
    if existing is not None:
        return existing
    name = str(Envelope.Kind(kind).label)
    if project.envelopes.filter(name=name).exists():
        name = f"{name} ({project.pk})"
    rule = Envelope.Rule.BALANCED if kind == Envelope.Kind.RESERVE else Envelope.Rule.MANUAL
    return services.envelope_create(project=project, author=actor, name=name, kind=kind,
                                    rule=rule)


@transaction.atomic
def project_close(*, project: Project, actor, policy: str, commons_percent: int = 50,
                  reason: str = "") -> Project:
    """Close ``project``: refused while work waits for validation or a run is not approved;
    otherwise the remainders move by ``policy`` and the phase becomes *closed*."""
    ensure_can_steer(actor, project)
    project = lock_project(project.pk)
    if project.phase == Project.Phase.CLOSED:
        raise ValidationError(_("Ce projet est déjà clos."))
    errors: dict[str, list[str]] = {}
    if policy not in POLICIES:
        errors["policy"] = [_("Choisissez où va ce qui reste : fonds des communs, réserve de "
                              "lissage ou partage.")]
    if commons_percent is None or not 0 <= commons_percent <= 100:
        errors["commons_percent"] = [_("Un pourcentage est compris entre 0 et 100.")]
    checklist = closing_checklist(project)
    if checklist["blockers"]:
        errors["__all__"] = checklist["blockers"]
    if errors:
        raise ValidationError(errors)
    reason = (reason or "").strip() or _("Clôture du projet")
    moved: list[dict] = []
    funds: dict[str, Envelope] = {}
    for move in closing_moves(checklist["envelopes"], policy, commons_percent):
        if move.target_kind not in funds:
            funds[move.target_kind] = _fund(project, move.target_kind, actor)
        services.envelope_transfer(source=move.source, target=funds[move.target_kind],
                                   amount=move.amount, reason=reason, author=actor)
        moved.append({"from": move.source.pk, "to": funds[move.target_kind].pk,
                      "amount": str(move.amount)})
    project.phase = Project.Phase.CLOSED
    project.is_open = False
    project.save(update_fields=["phase", "is_open"])
    audit_record(actor=actor, action=AuditEvent.Action.PROJECT_CLOSED, obj=project,
                 project=project, reason=reason,
                 data={"policy": policy, "commons_percent": commons_percent, "moves": moved,
                       "total": str(sum((Decimal(m["amount"]) for m in moved), ZERO)),
                       "drafts_left": checklist["drafts"],
                       "unpaid_lines": checklist["unpaid_count"]})
    return project


def describe_moves(moves: list[Move]) -> list[str]:
    labels = {Envelope.Kind.COMMONS: _("fonds des communs"),
              Envelope.Kind.RESERVE: _("réserve de lissage")}
    return [_("%(amount)s de « %(source)s » → %(target)s") % {
        "amount": format_money(m.amount), "source": m.source.name,
        "target": labels[m.target_kind]} for m in moves]
