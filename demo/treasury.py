"""Demo data for the treasury (issue 14), called by ``seed_demo`` after the network is built:
the network's bank account, valid test IBANs for the places and the payees (one payee left
without, so the batch page shows what is missing), and one member — the demo contributor when
she is paid in her own name — with a self-billing mandate and her issued invoice.

Everything goes through the services (payee checks, mandate, invoice issue)."""
from __future__ import annotations

import datetime

from django.utils import timezone
from schwifty import IBAN

from contribbudget.models import Member, NetworkSettings, Place
from retributions.models import RetributionLine, RetributionRun
from retributions.services import invoicing, mandates

DEMO_NETWORK_IBAN = "FR7630006000011234567890189"
DEMO_SIRET = "73282932000074"  # a SIRET whose check digit is valid (test value)


def _iban(bank: str, account: int) -> str:
    return IBAN.generate("FR", bank_code=bank, account_code=f"{account:011d}").compact


def seed_treasury(contributor_email: str = "contributrice@demo.tiers-lieux.org") -> dict:
    network = NetworkSettings.load()
    network.bank_iban, network.bank_bic, network.accounting_siren = (
        DEMO_NETWORK_IBAN, "AGRIFRPP", "732829320")
    network.save(update_fields=["bank_iban", "bank_bic", "accounting_siren"])
    for i, place in enumerate(Place.objects.order_by("pk"), 1):
        mandates.payee_update(target=place, actor=None, iban=_iban("30004", 1000 + i),
                              bic="BNPAFRPP", vat_status="vat" if i % 2 else "franchise",
                              vat_number="FR40303265045" if i % 2 else "")
    approved = RetributionLine.objects.filter(run__status=RetributionRun.Status.APPROVED,
                                              money__gt=0, payee=RetributionLine.Payee.SELF)
    payees = list(Member.objects.filter(pk__in=approved.values("member")).order_by("pk"))
    # The last payee keeps no IBAN: the batch page lists them apart, with what is missing.
    for i, member in enumerate(payees[:-1] if len(payees) > 1 else payees, 1):
        mandates.payee_update(target=member, actor=member.user, iban=_iban("20041", 5000 + i),
                              bic="PSSTFRPP", vat_status="franchise", vat_number="")
    holder = next((m for m in payees if m.user.email == contributor_email), payees[0] if payees else None)
    invoices = 0
    if holder is not None:
        mandates.payee_update(target=holder, actor=holder.user, siret=DEMO_SIRET,
                              iban=holder.iban or _iban("20041", 4999), bic="PSSTFRPP",
                              vat_status="franchise", vat_number="")
        if not holder.address:
            Member.objects.filter(pk=holder.pk).update(address="12 rue des Lilas\n35000 Rennes")
        first_run = (RetributionRun.objects.filter(status=RetributionRun.Status.APPROVED)
                     .order_by("approved_at").first())
        start = (timezone.localdate(first_run.approved_at) if first_run else timezone.localdate())
        mandates.mandate_accept(member=holder, actor=holder.user,
                                starts_on=start - datetime.timedelta(days=30))
        for run in RetributionRun.objects.filter(status=RetributionRun.Status.APPROVED):
            invoices += len(invoicing.invoices_issue_for_run(run=run))
    return {"IBAN": len(payees), "autofactures": invoices}
