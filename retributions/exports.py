"""The network-wide tables treasurers export (from the desk and the payments page): the
network's contributions, envelopes, retribution lines and payments.

Each is a :class:`contribbudget.export_jobs.TableExport` registered by name: its rows are
read from JSON-safe filters (``project`` slug, ``status``, ``date_from``/``date_to`` as ISO
dates, ``annee``, ``payments``), streamed from the database in chunks. The CSV streams from
the request; the XLSX is built by a Celery task. The payment export exists once: the desk's
"payments" button and the payments page both use :data:`PAYMENTS`.
"""
from __future__ import annotations

import datetime

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contribbudget.export_jobs import TableExport, register
from contribbudget.exports import Column as C
from contribbudget.permissions import is_treasurer, sees_all_finances
from contributions.models import Contribution
from projects.models import Envelope, Project
from projects.selectors import envelopes_with_totals

from . import selectors_runs as sel
from .engine import valuation
from .models import RetributionLine, RetributionRun
from .selectors.report import COUNTED

CONTRIBUTION_COLUMNS = [
    C(gettext_lazy("Date"), "date"), C(gettext_lazy("Membre")), C(gettext_lazy("Lieu d'attache")),
    C(gettext_lazy("Projet")), C(gettext_lazy("Enveloppe")), C(gettext_lazy("Type")),
    C(gettext_lazy("Heures"), "hours"), C(gettext_lazy("Temps salarié")),
    C(gettext_lazy("Statut")), C(gettext_lazy("Description")),
    C(gettext_lazy("Valorisation"), "money"),
]
ENVELOPE_COLUMNS = [
    C(gettext_lazy("Projet")), C(gettext_lazy("Enveloppe")), C(gettext_lazy("Type")),
    C(gettext_lazy("Règle")), C(gettext_lazy("Coût journalier"), "money"),
    C(gettext_lazy("Montant"), "money"), C(gettext_lazy("Heures validées"), "hours"),
    C(gettext_lazy("Valorisation"), "money"), C(gettext_lazy("Distribué"), "money"),
    C(gettext_lazy("Disponible"), "money"),
]
LINE_COLUMNS = [
    C(gettext_lazy("Projet")), C(gettext_lazy("Enveloppe")),
    C(gettext_lazy("Début de période"), "date"), C(gettext_lazy("Fin de période"), "date"),
    C(gettext_lazy("Membre")), C(gettext_lazy("Heures"), "hours"),
    C(gettext_lazy("Heures pondérées"), "hours"), C(gettext_lazy("Valorisation"), "money"),
    C(gettext_lazy("Part"), "money"), C(gettext_lazy("Bénéficiaire")), C(gettext_lazy("SIRET")),
    C(gettext_lazy("Payée le"), "date"), C(gettext_lazy("Référence du paiement")),
]
PAYMENT_COLUMNS = [
    C(gettext_lazy("Bénéficiaire")), C(gettext_lazy("Type")), C(gettext_lazy("SIRET")),
    C(gettext_lazy("Adresse")), C(gettext_lazy("Membre")), C(gettext_lazy("Projet")),
    C(gettext_lazy("Enveloppe")), C(gettext_lazy("Début de période"), "date"),
    C(gettext_lazy("Fin de période"), "date"), C(gettext_lazy("Montant"), "money"),
    C(gettext_lazy("Payée le"), "date"), C(gettext_lazy("Référence du paiement")),
]


def _project(params: dict) -> Project | None:
    slug = params.get("project")
    return Project.objects.filter(slug=slug).first() if slug else None


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _stamp(name: str):
    return lambda params: f"{name}-{datetime.date.today():%Y-%m-%d}"


# --- Contributions ---------------------------------------------------------------------------

def _contributions(params: dict):
    qs = Contribution.objects.all()
    qs = qs.filter(status=params["status"]) if params.get("status") else qs.filter(status__in=COUNTED)
    if params.get("project"):
        qs = qs.filter(project__slug=params["project"])
    if params.get("date_from"):
        qs = qs.filter(date__gte=_date(params["date_from"]))
    if params.get("date_to"):
        qs = qs.filter(date__lte=_date(params["date_to"]))
    return qs


def _contribution_rows(params: dict):
    statuses = dict(Contribution.Status.choices)
    kinds = dict(Contribution.Kind.choices)
    rows = (_contributions(params).order_by("date", "pk").values_list(
        "date", "member__first_name", "member__last_name", "member__home_place__name",
        "project__name", "envelope__name", "kind", "hours", "salaried", "status", "description",
        "envelope__daily_rate", "envelope__hours_per_day").iterator(chunk_size=2000))
    for (date, first, last, place, project, envelope, kind, hours, salaried, status, description,
         rate, per_day) in rows:
        yield (date, f"{first} {last}", place or "", project, envelope, str(kinds.get(kind, kind)),
               hours, _("oui") if salaried else _("non"), str(statuses.get(status, status)),
               description, valuation(hours, rate, per_day) if status in COUNTED else None)


CONTRIBUTIONS = register(TableExport(
    name="network-contributions", columns=CONTRIBUTION_COLUMNS, rows=_contribution_rows,
    count=lambda params: _contributions(params).count(), basename=_stamp("contributions"),
    allowed=sees_all_finances))


# --- Envelopes -------------------------------------------------------------------------------

def _envelopes(params: dict):
    qs = Envelope.objects.select_related("project").order_by("project__name", "pk")
    if params.get("project"):
        qs = qs.filter(project__slug=params["project"])
    return qs


def _envelope_rows(params: dict):
    for e in envelopes_with_totals(_envelopes(params)):
        yield (e.project.name, e.name, e.get_kind_display(), e.get_rule_display(), e.daily_rate,
               e.amount, e.validated_hours, valuation(e.validated_hours, e.daily_rate, e.hours_per_day),
               e.distributed, e.amount - e.distributed)


ENVELOPES = register(TableExport(
    name="network-envelopes", columns=ENVELOPE_COLUMNS, rows=_envelope_rows,
    count=lambda params: _envelopes(params).count(), basename=_stamp("enveloppes"),
    allowed=sees_all_finances))


# --- Retribution lines -----------------------------------------------------------------------

def _lines(params: dict):
    qs = (RetributionLine.objects.filter(run__status=RetributionRun.Status.APPROVED)
          .select_related("run__envelope__project", "member", "payee_place")
          .order_by("run__envelope__project__name", "run__period_start", "run", "member__last_name",
                    "pk"))
    if params.get("project"):
        qs = qs.filter(run__envelope__project__slug=params["project"])
    if params.get("annee"):
        qs = qs.filter(run__period_end__year=params["annee"])
    return qs


def _line_rows(params: dict):
    payees = dict(RetributionLine.Payee.choices)
    for line in _lines(params).iterator(chunk_size=2000):
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


LINES = register(TableExport(
    name="network-lines", columns=LINE_COLUMNS, rows=_line_rows,
    count=lambda params: _lines(params).count(), basename=_stamp("lignes-de-retribution"),
    allowed=sees_all_finances))


# --- Payments (one export, for the desk and the payments page) -------------------------------

def _payments(params: dict):
    """Approved lines with money (``status``: unpaid, paid or all — paid by default), of a
    project, paid in a year (``annee``), grouped by payee: the database sorts by the payee's
    name so each payee's lines follow each other, whatever their number."""
    lines = sel.payment_lines(params.get("status") or "paid")
    if params.get("project"):
        lines = lines.filter(run__envelope__project__slug=params["project"])
    if params.get("annee"):
        lines = lines.filter(Q(paid_on__year=params["annee"]))
    payee_name = Case(When(payee=RetributionLine.Payee.PLACE, payee_place__isnull=False,
                           then=F("payee_place__name")),
                      default=Concat("member__first_name", Value(" "), "member__last_name"))
    return lines.annotate(payee_name=Lower(payee_name)).order_by(
        "payee_name", "member__last_name", "member__first_name", "run__period_end", "pk")


def _payment_rows(params: dict):
    for line in _payments(params).iterator(chunk_size=2000):
        run = line.run
        if line.payee == RetributionLine.Payee.PLACE and line.payee_place:
            payee = (line.payee_place.name, _("Lieu"), line.payee_place.siret,
                     line.payee_place.address)
        else:
            payee = (line.member.full_name, _("Personne"), line.member.siret, line.member.address)
        yield (*payee, line.member.full_name, run.envelope.project.name, run.envelope.name,
               run.period_start, run.period_end, line.money, line.paid_on, line.payment_reference)


def _payments_name(params: dict) -> str:
    return f"paiements-{params.get('status') or 'paid'}-{datetime.date.today():%Y-%m-%d}"


PAYMENTS = register(TableExport(
    name="network-payments", columns=PAYMENT_COLUMNS, rows=_payment_rows,
    count=lambda params: _payments(params).count(), basename=_payments_name,
    allowed=lambda user: is_treasurer(user) or sees_all_finances(user)))
