"""Payment batches and their SEPA credit-transfer files (DESIGN.md §11, issue 14).

A batch gathers approved, unpaid lines whose payee has an IBAN: prepared → sent (the file
was downloaded) → confirmed (the bank executed it: every pending transfer is paid with the
batch's reference and execution date). A transfer the bank rejects is marked failed with a
reason, and its line is unpaid again. A line sits in at most one open batch: the partial
unique index ``batch_line_one_open_batch`` enforces it, the service turns a clash into a
French message.

Choices: one transfer per line (its end-to-end id names the line, so a rejection points at
one line); the file is built again at each download from the rows (same transfers, same
totals), with the batch reference as message id.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer

from contribbudget.models import AuditEvent, NetworkSettings
from contribbudget.money import ZERO, format_money
from contribbudget.services import audit_record

from ..models import PaymentBatch, PaymentBatchLine, RetributionLine, RetributionRun
from .report_data import forget_year_totals


@dataclass
class Payable:
    """A line ready to pay, or the reason it cannot be (``missing``)."""

    line: RetributionLine
    name: str
    iban: str
    bic: str
    missing: list[str]


def payable_lines():
    """Approved lines with money, unpaid, in no open batch (one query with its joins)."""
    in_open_batch = PaymentBatchLine.objects.filter(line=OuterRef("pk"), is_open=True)
    return (RetributionLine.objects
            .filter(run__status=RetributionRun.Status.APPROVED, money__gt=0, paid_on__isnull=True)
            .exclude(payee=RetributionLine.Payee.NONE)
            .annotate(in_batch=Exists(in_open_batch)).filter(in_batch=False)
            .select_related("member", "payee_place", "member__home_place", "run__envelope__project")
            .order_by("payee_place__name", "member__last_name", "member__first_name", "pk"))


def payee_details(line: RetributionLine) -> Payable:
    """Who a line pays and with which account; ``missing`` says what stops the transfer."""
    if line.payee == RetributionLine.Payee.PLACE:
        place = line.payee_place or line.member.home_place
        name = place.name if place else ""
        iban, bic = (place.iban, place.bic) if place else ("", "")
        missing = [] if place else [_("lieu bénéficiaire")]
        if place and not iban:
            missing.append(_("IBAN du lieu « %(place)s »") % {"place": place.name})
    else:
        name, iban, bic = line.member.full_name, line.member.iban, line.member.bic
        missing = [] if iban else [_("IBAN de %(name)s") % {"name": name}]
    return Payable(line, name, iban, bic, missing)


def payables() -> tuple[list[Payable], list[Payable]]:
    """(ready to pay, lacking bank details), each in payee order."""
    ready, lacking = [], []
    for line in payable_lines():
        payable = payee_details(line)
        (lacking if payable.missing else ready).append(payable)
    return ready, lacking


def group_by_payee(items: Iterable) -> list[dict]:
    """Rows grouped by payee name with their subtotal, for the pages."""
    groups: dict[str, dict] = {}
    for item in items:
        name = item.name if isinstance(item, Payable) else item.payee_name
        amount = item.line.money if isinstance(item, Payable) else item.amount
        group = groups.setdefault(name, {"name": name, "rows": [], "subtotal": ZERO})
        group["rows"].append(item)
        group["subtotal"] += amount
    return list(groups.values())


def _next_reference(today: datetime.date) -> str:
    prefix = f"VIR-{today:%Y%m%d}-"
    count = PaymentBatch.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


@transaction.atomic
def batch_prepare(*, actor, line_ids: Iterable[int] | None = None,
                  execution_date: datetime.date | None = None,
                  schema: str | None = None) -> PaymentBatch:
    """A batch of the given lines (all payable lines when ``None``). Lines without bank
    details are refused by name; lines already in an open batch, paid or not approved are
    refused too — nothing is created unless every asked line can go."""
    network = NetworkSettings.load()
    network = NetworkSettings.objects.select_for_update().get(pk=network.pk)
    today = timezone.localdate()
    execution_date = execution_date or today
    schema = schema or network.sepa_schema or PaymentBatch.Schema.PAIN_03
    errors: dict[str, str] = {}
    if not network.bank_iban:
        errors["lines"] = _("Le réseau n'a pas d'IBAN : renseignez-le dans Trésorerie ▸ "
                            "Paramètres avant de préparer un virement.")
    if schema not in PaymentBatch.Schema.values:
        errors["schema"] = _("Format de virement inconnu.")
    if execution_date < today:
        errors["execution_date"] = _("La date d'exécution ne peut pas être passée.")
    if errors:
        raise ValidationError(errors)
    wanted = None if line_ids is None else sorted({int(pk) for pk in line_ids})
    if wanted is not None and not wanted:
        raise ValidationError({"lines": _("Cochez au moins une ligne à payer.")})
    # Lock the asked lines (in pk order: two preparations never deadlock) then re-read
    # which are still payable: a concurrent batch that committed first has taken them.
    locked = RetributionLine.objects.select_for_update().order_by("pk")
    locked = locked.filter(pk__in=wanted) if wanted is not None else locked.filter(
        run__status=RetributionRun.Status.APPROVED, paid_on__isnull=True, money__gt=0)
    list(locked.values_list("pk", flat=True))
    candidates = payable_lines()
    if wanted is not None:
        candidates = candidates.filter(pk__in=wanted)
    items = [payee_details(line) for line in candidates]
    if wanted is not None and len(items) < len(wanted):
        raise ValidationError({"lines": _("%(n)s ligne(s) ne peuvent plus être payées : déjà "
                                          "dans un lot ouvert, déjà payées ou non approuvées. "
                                          "Rechargez la page.") % {"n": len(wanted) - len(items)}})
    lacking = [item for item in items if item.missing]
    if lacking and wanted is not None:
        raise ValidationError({"lines": _("Coordonnées bancaires manquantes : %(what)s.") % {
            "what": ", ".join(m for item in lacking for m in item.missing)}})
    items = [item for item in items if not item.missing]
    if not items:
        raise ValidationError({"lines": _("Aucune ligne à payer : aucune ligne approuvée et "
                                          "impayée n'a de coordonnées bancaires.")})
    total = sum((item.line.money for item in items), ZERO)
    batch = PaymentBatch.objects.create(
        reference=_next_reference(today), schema=schema, execution_date=execution_date,
        total=total, line_count=len(items), created_by=actor)
    try:
        with transaction.atomic():
            PaymentBatchLine.objects.bulk_create([
                PaymentBatchLine(batch=batch, line=item.line, amount=item.line.money,
                                 payee_name=item.name[:200], iban=item.iban, bic=item.bic,
                                 end_to_end_id=f"{batch.reference}-L{item.line.pk}"[:35])
                for item in items])
    except IntegrityError as exc:
        raise ValidationError({"lines": _("Une de ces lignes vient d'être mise dans un autre "
                                          "lot ouvert. Rechargez la page.")}) from exc
    audit_record(actor=actor, action=AuditEvent.Action.BATCH_PREPARED, obj=batch,
                 data={"reference": batch.reference, "total": str(total),
                       "lines": [item.line.pk for item in items]})
    return batch


def sepa_xml(batch: PaymentBatch) -> bytes:
    """The batch's SEPA credit-transfer file, validated by sepaxml against the official XSD
    it ships (``sepaxml/schemas/<schema>.xsd``, through xmlschema)."""
    network = NetworkSettings.load()
    config = {"name": network.name, "IBAN": network.bank_iban, "batch": True, "currency": "EUR"}
    if network.bank_bic:
        config["BIC"] = network.bank_bic
    sepa = SepaTransfer(config, schema=batch.schema, clean=True)
    # The group header is built by the constructor: name the message by the batch.
    sepa.msg_id = batch.reference
    sepa._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = batch.reference
    for row in batch.lines.exclude(status=PaymentBatchLine.Status.FAILED).select_related(
            "line__run__envelope__project").order_by("pk"):
        run = row.line.run
        payment = {
            "name": row.payee_name, "IBAN": row.iban,
            "amount": int(row.amount * 100),  # cents, exact: amounts have two decimals
            "execution_date": batch.execution_date,
            "description": f"{batch.reference} {run.envelope.project.name} "
                           f"{run.period_start:%d/%m/%Y}-{run.period_end:%d/%m/%Y}",
            "endtoend_id": row.end_to_end_id,
        }
        if row.bic:
            payment["BIC"] = row.bic
        sepa.add_payment(payment)
    return sepa.export(validate=True)


def sepa_filename(batch: PaymentBatch) -> str:
    return f"{batch.reference}-{batch.schema}.xml"


@transaction.atomic
def batch_mark_sent(*, batch: PaymentBatch, actor) -> PaymentBatch:
    """The file was downloaded: the batch is now with the bank (a second download changes
    nothing)."""
    updated = PaymentBatch.objects.filter(pk=batch.pk, status=PaymentBatch.Status.PREPARED).update(
        status=PaymentBatch.Status.SENT, sent_at=timezone.now())
    batch.refresh_from_db()
    if updated:
        audit_record(actor=actor, action=AuditEvent.Action.BATCH_SENT, obj=batch,
                     data={"reference": batch.reference})
    return batch


@transaction.atomic
def batch_confirm(*, batch: PaymentBatch, actor, executed_on: datetime.date | None) -> PaymentBatch:
    """The bank executed the batch: every pending transfer's line is paid on that date with
    the batch's reference. Confirming twice is refused (nothing is paid twice)."""
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == PaymentBatch.Status.CONFIRMED:
        raise ValidationError(_("Ce lot est déjà confirmé (le %(when)s) : ses lignes sont "
                                "payées.") % {"when": f"{batch.confirmed_on:%d/%m/%Y}"})
    if batch.status != PaymentBatch.Status.SENT:
        raise ValidationError(_("Téléchargez d'abord le fichier et transmettez-le à la banque, "
                                "puis confirmez quand elle l'a exécuté."))
    if executed_on is None:
        raise ValidationError({"executed_on": _("Indiquez la date d'exécution par la banque.")})
    if executed_on > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"executed_on": _("La date d'exécution ne peut pas être dans le futur.")})
    pending = batch.lines.select_for_update().filter(status=PaymentBatchLine.Status.PENDING)
    line_ids = list(pending.values_list("line_id", flat=True))
    RetributionLine.objects.filter(pk__in=line_ids, paid_on__isnull=True).update(
        paid_on=executed_on, payment_reference=batch.reference)
    pending.update(status=PaymentBatchLine.Status.PAID, is_open=False)
    batch.status = PaymentBatch.Status.CONFIRMED
    batch.confirmed_at = timezone.now()
    batch.confirmed_on = executed_on
    batch.save(update_fields=["status", "confirmed_at", "confirmed_on"])
    forget_year_totals()
    paid = batch.lines.filter(status=PaymentBatchLine.Status.PAID).aggregate(t=Sum("amount"))["t"]
    audit_record(actor=actor, action=AuditEvent.Action.BATCH_CONFIRMED, obj=batch,
                 data={"reference": batch.reference, "lines": line_ids,
                       "paid": str(paid or ZERO), "executed_on": executed_on.isoformat()})
    return batch


@transaction.atomic
def batch_line_fail(*, row: PaymentBatchLine, actor, reason: str) -> PaymentBatchLine:
    """The bank rejected one transfer: it is marked failed with the reason and its line is
    unpaid again (it may go in a later batch once the details are fixed)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du rejet (IBAN clos, compte "
                                           "inconnu…).")})
    row = PaymentBatchLine.objects.select_for_update().select_related("batch").get(pk=row.pk)
    if row.status == PaymentBatchLine.Status.FAILED:
        raise ValidationError(_("Ce virement est déjà marqué en échec."))
    was_paid = row.status == PaymentBatchLine.Status.PAID
    row.status = PaymentBatchLine.Status.FAILED
    row.failure_reason = reason[:300]
    row.is_open = False
    row.save(update_fields=["status", "failure_reason", "is_open"])
    if was_paid:
        RetributionLine.objects.filter(pk=row.line_id, payment_reference=row.batch.reference).update(
            paid_on=None, payment_reference="")
        forget_year_totals()
    audit_record(actor=actor, action=AuditEvent.Action.BATCH_LINE_FAILED, obj=row.batch,
                 reason=reason, data={"line": row.line_id, "amount": str(row.amount),
                                      "was_paid": was_paid})
    return row


def batch_summary_text(batch: PaymentBatch) -> str:
    return _("Lot %(ref)s : %(n)s virement(s), %(total)s.") % {
        "ref": batch.reference, "n": batch.line_count, "total": format_money(batch.total)}


def amount_available() -> Decimal | None:
    """What the network can pay is not known to the app (the bank balance lives at the
    bank): the pages show the batch total beside the year's approved-but-unpaid amount."""
    return RetributionLine.objects.filter(
        run__status=RetributionRun.Status.APPROVED, paid_on__isnull=True, money__gt=0
    ).aggregate(t=Sum("money"))["t"] or ZERO
