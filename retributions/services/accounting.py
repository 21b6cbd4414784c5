"""Journal entries for the association's books (DESIGN.md §11), exported as Paheko's
"simplifié" CSV import or as the FEC (*fichier des écritures comptables*, art. A47 A-1 du
LPF: 18 fields in order, tab-separated, file ``<SIREN>FEC<YYYYMMDD>.txt``).

For one calendar year:
- approved runs ending that year (as the desk counts them): each line with money is a charge
  by payee kind (member with a SIRET: 6226 *honoraires*; a place: 611 *sous-traitance
  générale*; a member paid without a SIRET: 604 *achats d'études et prestations de services*)
  against 401 *fournisseurs*, the payee as auxiliary account, dated the approval day;
- payments made that year (lines paid on a date of the year): 401 against 512 *banque*;
- the in-kind contributions of the year's validated hours at their valuation (ANC regulation
  2018-06, class 86/87): volunteer work 864 *personnel bénévole* / 875 *bénévolat*, staff made
  available by member places 862 *prestations* / 871 *prestations en nature*.
The project's slug, upper-cased, is the analytic code. Every entry is built of lines whose
debits equal their credits; :func:`entries_balance` checks it before any file is written.
The accounts come from ``NetworkSettings.account_mapping`` over :data:`DEFAULT_ACCOUNTS`.
"""
from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from contribbudget import exports
from contribbudget.models import NetworkSettings
from contribbudget.money import ZERO
from projects.models import Envelope

from ..models import RetributionLine, RetributionRun
from ..selectors.desk import in_kind_groups_of_year

DEFAULT_ACCOUNTS = {
    "charge_freelancer": ("6226", "Honoraires"),
    "charge_place": ("611", "Sous-traitance générale"),
    "charge_person": ("604", "Achats d'études et prestations de services"),
    "suppliers": ("401", "Fournisseurs"),
    "bank": ("512", "Banque"),
    "volunteer_use": ("864", "Personnel bénévole"),
    "volunteer_source": ("875", "Bénévolat"),
    "staff_use": ("862", "Prestations"),
    "staff_source": ("871", "Prestations en nature"),
}
ACCOUNT_LABELS = {
    "charge_freelancer": "Charge : membre avec SIRET",
    "charge_place": "Charge : lieu (structure)",
    "charge_person": "Charge : membre sans SIRET",
    "suppliers": "Fournisseurs",
    "bank": "Banque",
    "volunteer_use": "Bénévolat : emploi (86)",
    "volunteer_source": "Bénévolat : contribution (87)",
    "staff_use": "Mises à disposition : emploi (86)",
    "staff_source": "Mises à disposition : contribution (87)",
}
JOURNALS = {"HA": "Achats", "BQ": "Banque", "CV": "Contributions volontaires"}


def accounts() -> dict[str, tuple[str, str]]:
    """The network's mapping over the defaults: ``{key: (number, label)}``."""
    mapping = NetworkSettings.load().account_mapping or {}
    return {key: (str(mapping.get(key) or number), label)
            for key, (number, label) in DEFAULT_ACCOUNTS.items()}


@dataclass
class Line:
    account: str
    account_label: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    aux: str = ""
    aux_label: str = ""


@dataclass
class Entry:
    journal: str
    number: int
    date: datetime.date
    label: str
    reference: str
    analytic: str
    lines: list[Line] = field(default_factory=list)

    @property
    def debit(self) -> Decimal:
        return sum((x.debit for x in self.lines), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((x.credit for x in self.lines), ZERO)


def _analytic(project) -> str:
    return project.slug.upper().replace("-", "_")[:100]


def _payee(line: RetributionLine, acc) -> tuple[tuple[str, str], str, str]:
    """(charge account, auxiliary number, auxiliary label) of a line's payee."""
    if line.payee == RetributionLine.Payee.PLACE:
        place = line.payee_place or line.member.home_place
        return acc["charge_place"], f"L{place.pk if place else 0:05d}", place.name if place else ""
    kind = "charge_freelancer" if line.member.siret else "charge_person"
    return acc[kind], f"M{line.member_id:05d}", line.member.full_name


def year_entries(year: int) -> list[Entry]:
    """Every entry of the year, in date order, numbered from 1 (a handful of queries)."""
    acc = accounts()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    entries: list[Entry] = []
    lines = (RetributionLine.objects
             .filter(run__status=RetributionRun.Status.APPROVED, money__gt=0)
             .exclude(payee=RetributionLine.Payee.NONE)
             .select_related("member", "payee_place", "member__home_place",
                             "run__envelope__project").order_by("run_id", "pk"))
    by_run: dict[int, list[RetributionLine]] = {}
    for line in lines.filter(run__period_end__gte=start, run__period_end__lte=end):
        by_run.setdefault(line.run_id, []).append(line)
    for run_lines in by_run.values():
        run = run_lines[0].run
        entry = Entry("HA", 0, timezone.localdate(run.approved_at), f"Rétributions {run}",
                      f"CALCUL-{run.pk}", _analytic(run.envelope.project))
        for line in run_lines:
            (charge, charge_label), aux, aux_label = _payee(line, acc)
            entry.lines.append(Line(charge, charge_label, debit=line.money))
            entry.lines.append(Line(acc["suppliers"][0], acc["suppliers"][1], credit=line.money,
                                    aux=aux, aux_label=aux_label))
        entries.append(entry)
    for line in lines.filter(paid_on__gte=start, paid_on__lte=end):
        _charge, aux, aux_label = _payee(line, acc)
        entry = Entry("BQ", 0, line.paid_on, f"Paiement {aux_label} — {line.run}",
                      line.payment_reference or f"LIGNE-{line.pk}",
                      _analytic(line.run.envelope.project))
        entry.lines = [Line(*acc["suppliers"], debit=line.money, aux=aux, aux_label=aux_label),
                       Line(*acc["bank"], credit=line.money)]
        entries.append(entry)
    entries += _in_kind_entries(start, end, acc)
    entries.sort(key=lambda e: (e.date, e.journal, e.reference))
    for number, entry in enumerate(entries, 1):
        entry.number = number
    return entries


def _in_kind_entries(start, end, acc) -> list[Entry]:
    """One entry per project and kind (volunteer, staff made available), dated the year's
    last day (``start``..``end``: a calendar year), at the valuation the desk shows."""
    groups = in_kind_groups_of_year(end.year)  # the desk's: the same figures to the cent
    projects = {e.pk: e.project for e in Envelope.objects.filter(
        pk__in={g["envelope_id"] for g in groups}).select_related("project")}
    totals: dict[tuple, Decimal] = {}
    for g in groups:
        kind = "staff" if g["salaried"] else ("volunteer" if g["volunteer"] else None)
        if kind and g["valued"]:
            key = (projects[g["envelope_id"]].pk, kind)
            totals[key] = totals.get(key, ZERO) + g["valued"]
    by_pk = {p.pk: p for p in projects.values()}
    entries = []
    for (project_pk, kind), amount in sorted(totals.items()):
        project = by_pk[project_pk]
        label = ("Bénévolat valorisé" if kind == "volunteer" else "Mises à disposition valorisées")
        entry = Entry("CV", 0, end, f"{label} — {project.name}", f"CVN-{end.year}-{project.slug}"[:40],
                      _analytic(project))
        entry.lines = [Line(*acc[f"{kind}_use"], debit=amount),
                       Line(*acc[f"{kind}_source"], credit=amount)]
        entries.append(entry)
    return entries


def entries_balance(entries: list[Entry]) -> bool:
    return all(e.debit == e.credit for e in entries)


def _fr_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


FEC_FIELDS = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum",
              "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib",
              "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
              "Idevise"]


def fec_filename(year: int) -> str:
    network = NetworkSettings.load()
    # The SIREN entered for the treasury, else the first nine digits of the network's SIRET.
    siren = network.accounting_siren or (getattr(network, "siret", "") or "")[:9] or "000000000"
    return f"{siren}FEC{year}1231.txt"


def fec_export(year: int) -> tuple[str, str, bytes]:
    """The FEC of the year: header row, then one row per entry line, tab-separated."""
    entries = year_entries(year)
    assert entries_balance(entries)
    out = io.StringIO()
    writer = exports.DelimitedWriter(out, delimiter="\t", lineterminator="\r\n", quoting=csv.QUOTE_NONE,
                        escapechar="\\")
    writer.writerow(FEC_FIELDS)
    for e in entries:
        day = f"{e.date:%Y%m%d}"
        for x in e.lines:
            writer.writerow([e.journal, JOURNALS[e.journal], f"{e.journal}{e.number:06d}", day,
                             x.account, x.account_label, x.aux, x.aux_label, e.reference, day,
                             _clean(e.label), _fr_amount(x.debit), _fr_amount(x.credit), "", "",
                             day, "", ""])
    return fec_filename(year), "text/plain; charset=utf-8", out.getvalue().encode("utf-8")


def _clean(text: str) -> str:
    return " ".join(str(text).replace("\t", " ").split())[:200]


PAHEKO_COLUMNS = ["Numéro d'écriture", "Type", "Statut", "Libellé", "Date", "Remarques",
                  "Numéro pièce comptable", "Référence paiement", "Compte de débit",
                  "Compte de crédit", "Montant", "Projet analytique"]


def paheko_export(year: int) -> tuple[str, str, bytes]:
    """Paheko's "simplifié" import: one row per debit/credit pair (type *Avancé*), so each
    row balances by itself; an entry with several lines becomes one row per line pair."""
    entries = year_entries(year)
    assert entries_balance(entries)
    out = io.StringIO()
    writer = exports.DelimitedWriter(out, delimiter=",", lineterminator="\r\n")
    writer.writerow(PAHEKO_COLUMNS)
    for e in entries:
        debits = [x for x in e.lines if x.debit]
        credits = [x for x in e.lines if x.credit]
        # Entries are built as (debit, credit) pairs of equal amounts, or one debit against
        # one credit: pair them in order.
        for d, c in zip(debits, credits, strict=True):
            assert d.debit == c.credit
            writer.writerow([f"{e.journal}{e.number:06d}", "Avancé", "", _clean(e.label),
                             f"{e.date:%d/%m/%Y}", c.aux_label or d.aux_label, e.reference, "",
                             d.account, c.account, _fr_amount(d.debit), e.analytic])
    return f"ecritures-paheko-{year}.csv", "text/csv; charset=utf-8", out.getvalue().encode("utf-8")


def export(fmt: str, year: int) -> tuple[str, str, bytes, int]:
    """``(filename, content type, bytes, entry count)`` for ``fec`` or ``paheko``."""
    entries = len(year_entries(year))
    if fmt == "fec":
        return (*fec_export(year), entries)
    if fmt == "paheko":
        return (*paheko_export(year), entries)
    raise ValueError(fmt)
