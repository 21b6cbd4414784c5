"""Self-billed invoices (*autofacturation*, DESIGN.md §11): for each approved run, one invoice
per payee holding an active mandate, numbered in the payee's own series without gaps (the
series row is locked while a number is taken), rendered by WeasyPrint as PDF/A-3 with its
Factur-X XML (EN 16931 profile, CII syntax) embedded and checked against the official XSD by
the ``factur-x`` library. A contest within the period cancels the invoice with a credit note
and issues a corrected invoice (with the payee's identity as it is now; a different amount
needs a new run). Payees without a mandate keep the invoice request."""
from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from facturx import generate_from_binary, xml_check_xsd
from lxml import etree

from contribbudget import payee as checks
from contribbudget.models import AuditEvent, Member, NetworkSettings
from contribbudget.money import format_money
from contribbudget.services import audit_record

from ..models import (
    InvoiceSeries,
    RetributionLine,
    RetributionRun,
    SelfBilledInvoice,
    SelfBillingMandate,
)
from .documents import render_pdf

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"}
EN16931 = "urn:cen.eu:en16931:2017"
# UNTDID 1001: 389 self-billed invoice, 261 self-billed credit note.
TYPE_CODES = {SelfBilledInvoice.Kind.INVOICE: "389", SelfBilledInvoice.Kind.CREDIT_NOTE: "261"}


def _allocate_number(member: Member) -> str:
    """The payee's next number: the series row is locked until the transaction ends, so
    two issues for one payee get consecutive numbers and a rollback gives its number back."""
    InvoiceSeries.objects.get_or_create(member=member)
    series = InvoiceSeries.objects.select_for_update().get(member=member)
    number = series.next_number
    series.next_number = number + 1
    series.save(update_fields=["next_number"])
    return f"AUTO-{member.pk:05d}-{number:04d}"


def _seller_snapshot(member: Member) -> dict:
    return {"name": member.full_name, "siret": member.siret, "address": member.address,
            "vat_status": member.vat_status, "vat_number": member.vat_number, "iban": member.iban}


def _create(*, line: RetributionLine, mandate, kind: str, corrects=None) -> SelfBilledInvoice:
    today = timezone.localdate()
    invoice = SelfBilledInvoice.objects.create(
        kind=kind, number=_allocate_number(line.member), member=line.member, line=line,
        mandate=mandate, corrects=corrects, amount=line.money, issued_on=today,
        contest_until=today + datetime.timedelta(days=mandate.contest_days),
        seller_snapshot=_seller_snapshot(line.member))
    audit_record(actor=None, action=AuditEvent.Action.INVOICE_ISSUED, obj=invoice,
                 project=line.run.envelope.project,
                 data={"number": invoice.number, "kind": kind, "amount": str(line.money),
                       "line": line.pk})
    _enqueue_render(invoice)
    return invoice


def _enqueue_render(invoice: SelfBilledInvoice) -> None:
    """The one seam to the task (defined below, beside its service: no import cycle)."""
    render_invoice.delay_on_commit(invoice.pk)


def invoices_issue_for_run(*, run: RetributionRun) -> list[SelfBilledInvoice]:
    """Inside the approval's transaction: an invoice for each line paid to a member in their
    own name who holds an active mandate on the approval day. Others (no mandate, revoked,
    not in franchise) keep the invoice request. Issuing twice issues nothing new."""
    day = timezone.localdate(run.approved_at) if run.approved_at else timezone.localdate()
    issued = []
    # Only lines whose member holds an unrevoked mandate (one query, whatever the run's size).
    mandates = {m.member_id: m for m in SelfBillingMandate.objects.filter(
        revoked_at__isnull=True, member__retribution_lines__run=run)}
    if not mandates:
        return issued
    lines = (run.lines.filter(money__gt=0, payee=RetributionLine.Payee.SELF,
                              member_id__in=mandates)
             .exclude(self_billed_invoices__isnull=False)
             .select_related("member", "run__envelope__project"))
    for line in lines:
        mandate = mandates[line.member_id]
        if not mandate.covers(day) or not line.member.siret or line.member.vat_status != checks.FRANCHISE:
            continue
        issued.append(_create(line=line, mandate=mandate, kind=SelfBilledInvoice.Kind.INVOICE))
    return issued


@transaction.atomic
def invoice_contest(*, invoice: SelfBilledInvoice, actor, reason: str) -> tuple[SelfBilledInvoice, SelfBilledInvoice]:
    """The payee contests within the period: a credit note cancels the invoice and a corrected
    invoice follows (returned as ``(credit note, corrected invoice)``)."""
    invoice = SelfBilledInvoice.objects.select_for_update().select_related(
        "member", "mandate", "line__run__envelope__project").get(pk=invoice.pk)
    reason = (reason or "").strip()
    if getattr(actor, "pk", None) != invoice.member.user_id:
        raise ValidationError(_("Seul·e la personne au nom de qui la facture est émise peut la "
                                "contester."))
    if invoice.kind != SelfBilledInvoice.Kind.INVOICE or invoice.status != SelfBilledInvoice.Status.ISSUED:
        raise ValidationError(_("Cette facture n'est plus contestable (déjà contestée ou annulée)."))
    if timezone.localdate() > invoice.contest_until:
        raise ValidationError(_("Le délai de contestation est passé (jusqu'au %(date)s) : la "
                                "facture est réputée acceptée. Contactez la trésorerie.")
                              % {"date": f"{invoice.contest_until:%d/%m/%Y}"})
    if not reason:
        raise ValidationError({"reason": _("Dites ce qui est à corriger.")})
    invoice.status = SelfBilledInvoice.Status.CANCELLED
    invoice.contest_reason = reason
    invoice.save(update_fields=["status", "contest_reason"])
    audit_record(actor=actor, action=AuditEvent.Action.INVOICE_CONTESTED, obj=invoice,
                 project=invoice.line.run.envelope.project, reason=reason,
                 data={"number": invoice.number})
    credit = _create(line=invoice.line, mandate=invoice.mandate,
                     kind=SelfBilledInvoice.Kind.CREDIT_NOTE, corrects=invoice)
    corrected = _create(line=invoice.line, mandate=invoice.mandate,
                        kind=SelfBilledInvoice.Kind.INVOICE, corrects=invoice)
    return credit, corrected


# --- Rendering -----------------------------------------------------------------------------

def _el(parent, tag: str, text: str | None = None, **attrs):
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
    if text is not None:
        node.text = text
    return node


def _date(parent, tag: str, day: datetime.date) -> None:
    _el(_el(parent, tag), "udt:DateTimeString", f"{day:%Y%m%d}", format="102")


def _party(parent, tag: str, *, name: str, legal_id: str, address: str, vat_number: str = "") -> None:
    party = _el(parent, tag)
    _el(party, "ram:Name", name[:200] or "—")
    if legal_id:
        # 0002: the SIREN (ISO 6523 scheme of the French business register).
        _el(_el(party, "ram:SpecifiedLegalOrganization"), "ram:ID", legal_id[:9], schemeID="0002")
    postal = _el(party, "ram:PostalTradeAddress")
    lines = [x.strip() for x in (address or "").splitlines() if x.strip()]
    if lines:
        _el(postal, "ram:LineOne", lines[0][:100])
    _el(postal, "ram:CountryID", "FR")
    if vat_number:
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", vat_number, schemeID="VA")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def network_identity() -> dict:
    """The buyer: the network (its legal identity fields are the network settings' when the
    network settings page provides them, else the SIREN entered for the treasury)."""
    network = NetworkSettings.load()
    siret = getattr(network, "siret", "") or ""
    return {"name": getattr(network, "legal_name", "") or network.name,
            "siren": (siret[:9] or network.accounting_siren),
            "siret": siret, "address": getattr(network, "address", "") or "",
            "iban": network.bank_iban}


def facturx_xml(invoice: SelfBilledInvoice) -> bytes:
    """The invoice's CII XML at the EN 16931 profile, checked against the Factur-X XSD."""
    seller = invoice.seller_snapshot
    buyer = network_identity()
    run = invoice.line.run
    amount = _amount(invoice.amount)
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    doc = _el(root, "rsm:ExchangedDocument")
    _el(doc, "ram:ID", invoice.number)
    _el(doc, "ram:TypeCode", TYPE_CODES[invoice.kind])
    _date(doc, "ram:IssueDateTime", invoice.issued_on)
    _el(_el(doc, "ram:IncludedNote"), "ram:Content", "Autofacturation")
    _el(_el(doc, "ram:IncludedNote"), "ram:Content", checks.FRANCHISE_MENTION)
    trade = _el(root, "rsm:SupplyChainTradeTransaction")
    item = _el(trade, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", "1")
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", description(invoice)[:200])
    _el(_el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice"),
        "ram:ChargeAmount", amount)
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", "1", unitCode="C62")
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", "E")
    _el(tax, "ram:RateApplicablePercent", "0")
    _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount", amount)
    agreement = _el(trade, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", name=seller.get("name", ""),
           legal_id=(seller.get("siret") or "")[:9], address=seller.get("address", ""))
    _party(agreement, "ram:BuyerTradeParty", name=buyer["name"], legal_id=buyer["siren"],
           address=buyer["address"])
    delivery = _el(trade, "ram:ApplicableHeaderTradeDelivery")
    _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime",
          run.period_end)
    header = _el(trade, "ram:ApplicableHeaderTradeSettlement")
    _el(header, "ram:InvoiceCurrencyCode", "EUR")
    if seller.get("iban"):
        means = _el(header, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", seller["iban"])
    tax = _el(header, "ram:ApplicableTradeTax")
    _el(tax, "ram:CalculatedAmount", "0.00")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:ExemptionReason", checks.FRANCHISE_MENTION)
    _el(tax, "ram:BasisAmount", amount)
    _el(tax, "ram:CategoryCode", "E")
    _el(tax, "ram:RateApplicablePercent", "0")
    period = _el(header, "ram:BillingSpecifiedPeriod")
    _date(period, "ram:StartDateTime", run.period_start)
    _date(period, "ram:EndDateTime", run.period_end)
    _el(_el(header, "ram:SpecifiedTradePaymentTerms"), "ram:Description",
        _("Paiement par virement SEPA par %(network)s.") % {"network": buyer["name"]})
    totals = _el(header, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", amount)
    _el(totals, "ram:TaxBasisTotalAmount", amount)
    _el(totals, "ram:TaxTotalAmount", "0.00", currencyID="EUR")
    _el(totals, "ram:GrandTotalAmount", amount)
    _el(totals, "ram:DuePayableAmount", amount)
    if invoice.corrects_id:
        ref = _el(header, "ram:InvoiceReferencedDocument")
        _el(ref, "ram:IssuerAssignedID", invoice.corrects.number)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    xml_check_xsd(xml, flavor="factur-x", level="en16931")
    return xml


def description(invoice: SelfBilledInvoice) -> str:
    run = invoice.line.run
    return _("Contribution au projet %(project)s (%(envelope)s), du %(start)s au %(end)s") % {
        "project": run.envelope.project.name, "envelope": run.envelope.name,
        "start": f"{run.period_start:%d/%m/%Y}", "end": f"{run.period_end:%d/%m/%Y}"}


def invoice_html(invoice: SelfBilledInvoice) -> str:
    with translation.override("fr"):
        return render_to_string("pdf/invoice.html", {
            "title": f"{invoice.get_kind_display()} {invoice.number}", "invoice": invoice,
            "seller": invoice.seller_snapshot, "buyer": network_identity(),
            "description": description(invoice), "mention": checks.FRANCHISE_MENTION,
            "amount": format_money(invoice.amount, "fr"), "generated_at": timezone.localtime(),
            "header_left": NetworkSettings.load().name, "header_right": invoice.number})


def invoice_pdf(invoice: SelfBilledInvoice) -> bytes:
    """PDF/A-3 from WeasyPrint, then the Factur-X XML attached (``factur-x.xml``) with the
    XMP metadata the profile needs — both by the ``factur-x`` library."""
    pdf, _pages = render_pdf(invoice_html(invoice), pdf_variant="pdf/a-3b")
    return generate_from_binary(pdf, facturx_xml(invoice), flavor="factur-x", level="en16931",
                                check_xsd=True, lang="fr-FR")


def invoice_render(invoice_id: int) -> SelfBilledInvoice:
    """Render and store an issued invoice's file (after the issuing transaction commits).
    Rendering is idempotent: a file already stored is kept (issued documents never change)."""
    invoice = SelfBilledInvoice.objects.select_related(
        "member", "corrects", "line__run__envelope__project").get(pk=invoice_id)
    if invoice.file:
        return invoice
    pdf = invoice_pdf(invoice)
    invoice.file.save(f"{invoice.number}.pdf", ContentFile(pdf), save=False)
    invoice.checksum = hashlib.sha256(pdf).hexdigest()
    invoice.save(update_fields=["file", "checksum"])
    return invoice


@shared_task(name="retributions.tasks.render_invoice", bind=True, acks_late=True)
def render_invoice(self, invoice_id: int) -> dict:
    """Render one issued invoice on the ``pdf`` queue (see CELERY_TASK_ROUTES)."""
    invoice = invoice_render(invoice_id)
    return {"invoice": invoice.pk, "file": invoice.file.name}
