"""Helpers shared by the treasury tests: a network with a bank account, payees with valid
test IBANs, and an approved run paying them."""
from __future__ import annotations

from contribbudget.models import NetworkSettings, Preference
from retributions.services import mandates
from retributions.services import runs as run_services

from .runs_support import END, computed_run, validated

NETWORK_IBAN = "FR7630006000011234567890189"
CAMILLE_IBAN = "FR7630006000000001123456786"
NADIA_IBAN = "FR7620041000000000001234506"
SIRET = "73282932000074"


def bank_network(siren: str = "732829320") -> NetworkSettings:
    network = NetworkSettings.load()
    network.bank_iban, network.bank_bic, network.accounting_siren = NETWORK_IBAN, "AGRIFRPP", siren
    network.save()
    return network


def with_iban(member, iban: str, **extra):
    for key, value in {"iban": iban, **extra}.items():
        setattr(member, key, value)
    member.save()
    return member


def freelancer(member):
    """A member invoicing in their own name under franchise en base, with a mandate."""
    with_iban(member, CAMILLE_IBAN, siret=SIRET, vat_status="franchise",
              address="12 rue des Lilas\n35000 Rennes", preference=Preference.MONEY_SELF)
    return mandates.mandate_accept(member=member, actor=member.user)


def approved_run(world, *, hours=(("contributor", "7.00"), ("copilot", "3.50")), **kw):
    day = kw.get("end") or END
    for who, h in hours:
        validated(getattr(world, who), world.envelope, h, date=day)
    run = computed_run(world, **kw)
    return run_services.run_approve(actor=world.pilot.user, run=run)
