"""Rows of the exports (CSV / XLSX): the desk's contributions, envelopes and retribution
lines, the treasurer's payments. Reads like the pages' selectors (the same figures), streamed
where the table can be large; the views hand them to :func:`contribbudget.exports.export_response`."""
from __future__ import annotations

from django.utils.translation import gettext as _

from contribbudget.exports import Column
from contribbudget.money import format_date
from contributions.models import Contribution
from projects.models import Envelope, Project
from projects.selectors import envelopes_with_totals

from .. import selectors_runs as sel
from ..engine import valuation
from ..models import RetributionLine, RetributionRun
from .report import COUNTED


def contribution_rows(data: dict):
    """The desk's contribution export: counted (or ``status``) contributions of the filters,
    valued at their envelope's rate, streamed (one query)."""
    qs = Contribution.objects.all()
    qs = qs.filter(status=data["status"]) if data.get("status") else qs.filter(status__in=COUNTED)
    if data.get("project"):
        qs = qs.filter(project=data["project"])
    if data.get("date_from"):
        qs = qs.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(date__lte=data["date_to"])
    statuses = dict(Contribution.Status.choices)
    kinds = dict(Contribution.Kind.choices)
    rows = (qs.order_by("date", "pk").values_list(
        "date", "member__first_name", "member__last_name", "member__home_place__name",
        "project__name", "envelope__name", "kind", "hours", "salaried", "status", "description",
        "envelope__daily_rate", "envelope__hours_per_day").iterator(chunk_size=2000))
    for (date, first, last, place, project, envelope, kind, hours, salaried, status, description,
         rate, per_day) in rows:
        yield (date, f"{first} {last}", place or "", project, envelope, str(kinds.get(kind, kind)),
               hours, _("oui") if salaried else _("non"), str(statuses.get(status, status)),
               description, valuation(hours, rate, per_day) if status in COUNTED else None)


def envelope_rows(project: Project | None):
    """Every envelope (of ``project``) with the figures of its pages (one query)."""
    qs = Envelope.objects.select_related("project").order_by("project__name", "pk")
    if project is not None:
        qs = qs.filter(project=project)
    for e in envelopes_with_totals(qs):
        yield (e.project.name, e.name, e.get_kind_display(), e.get_rule_display(), e.daily_rate,
               e.amount, e.validated_hours, valuation(e.validated_hours, e.daily_rate, e.hours_per_day),
               e.distributed, e.amount - e.distributed)


def line_rows(project: Project | None, paid_only: bool, year: int | None):
    """Approved retribution lines (paid ones only for the payments export), streamed."""
    qs = (RetributionLine.objects.filter(run__status=RetributionRun.Status.APPROVED)
          .select_related("run__envelope__project", "member", "payee_place")
          .order_by("run__envelope__project__name", "run__period_start", "run", "member__last_name"))
    if project is not None:
        qs = qs.filter(run__envelope__project=project)
    if paid_only:
        qs = qs.filter(paid_on__isnull=False)
        if year:
            qs = qs.filter(paid_on__year=year)
    elif year:
        qs = qs.filter(run__period_end__year=year)
    payees = dict(RetributionLine.Payee.choices)
    for line in qs.iterator(chunk_size=2000):
        run = line.run
        if line.payee == RetributionLine.Payee.PLACE:
            place = line.payee_place
            payee, siret = (place.name, place.siret) if place else ("", "")
        elif line.payee == RetributionLine.Payee.SELF:
            payee, siret = line.member.full_name, line.member.siret
        else:
            payee, siret = str(payees[line.payee]), ""
        yield (run.envelope.project.name, run.envelope.name, run.period_start, run.period_end,
               line.member.full_name, line.hours, line.weighted_hours, line.valued, line.money,
               payee, siret, line.paid_on, line.payment_reference)


def payment_columns() -> list[Column]:
    """The payments export's columns, in the language of the request."""
    return [Column(_("Bénéficiaire")), Column(_("Type")), Column(_("SIRET")),
            Column(_("Adresse")), Column(_("Membre")), Column(_("Projet")),
            Column(_("Enveloppe")), Column(_("Période"), "text"), Column(_("Montant"), "money"),
            Column(_("Payée le"), "date"), Column(_("Référence du paiement"))]


def payment_rows(status: str) -> list[tuple]:
    """The payments of ``status`` (to pay, paid, all), grouped by payee."""
    lines = sel.payment_lines(status).order_by(
        "payee_place__name", "member__last_name", "member__first_name", "run__period_end", "pk")

    def payee(line):
        if line.payee == RetributionLine.Payee.PLACE and line.payee_place:
            return (line.payee_place.name, str(_("Lieu")), line.payee_place.siret,
                    line.payee_place.address)
        return (line.member.full_name, str(_("Personne")), line.member.siret,
                line.member.address)

    def rows():
        for line in lines.iterator(chunk_size=2000):
            run = line.run
            yield (*payee(line), line.member.full_name, run.envelope.project.name,
                   run.envelope.name,
                   f"{format_date(run.period_start)} – {format_date(run.period_end)}", line.money,
                   line.paid_on, line.payment_reference)

    # Grouped by payee: rows are sorted by payee so each payee's lines follow each other.
    return sorted(rows(), key=lambda r: (r[0].lower(), r[4]))
