"""Every treasury page per role (contributor, pilot, treasurer, coordinator, outsider, an
account without a member profile), payee identity checked with French messages and nothing
saved on bad input, IBANs masked except to their owner and treasurers."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from contribbudget.models import AuditEvent, NetworkSettings
from retributions.models import PaymentBatch, SelfBillingMandate
from retributions.services import batches

from .treasury_support import CAMILLE_IBAN, NADIA_IBAN, SIRET, approved_run, bank_network, with_iban

pytestmark = pytest.mark.django_db

ROLES = ("contributor", "pilot", "treasurer", "coordinator", "outsider")


def _status(client, url):
    return client.get(url).status_code


@pytest.fixture
def batch(world):
    bank_network()
    with_iban(world.contributor, CAMILLE_IBAN)
    with_iban(world.copilot, NADIA_IBAN)
    approved_run(world)
    return batches.batch_prepare(actor=world.treasurer.user)


@pytest.mark.parametrize("name,expected", [
    ("batch_list", {"treasurer": 200}),
    ("treasury_settings", {"treasurer": 200, "coordinator": 200}),
    ("place_bank_list", {"treasurer": 200, "coordinator": 200}),
    ("my_payee", dict.fromkeys(ROLES, 200)),
])
def test_network_pages_per_role(world, client_for, name, expected):
    url = reverse(f"retributions:{name}")
    for role in ROLES:
        assert _status(client_for(getattr(world, role)), url) == expected.get(role, 403), role
    nobody = get_user_model().objects.create_user("nobody@example.org", "nobody@example.org", "x")
    c = Client()
    c.force_login(nobody)
    assert _status(c, url) == 404


def test_batch_pages_and_file_are_for_treasurers_only(world, batch, client_for):
    for url in (reverse("retributions:batch_detail", args=[batch.pk]),
                reverse("retributions:batch_download", args=[batch.pk])):
        for role in ROLES:
            assert _status(client_for(getattr(world, role)), url) == (200 if role == "treasurer" else 403)
    confirm = reverse("retributions:batch_confirm", args=[batch.pk])
    assert client_for(world.coordinator).post(confirm, {"executed_on": "2026-01-01"}).status_code == 403
    fail = reverse("retributions:batch_line_fail", args=[batch.lines.first().pk])
    assert client_for(world.pilot).post(fail, {"reason": "x"}).status_code == 403
    page = client_for(world.treasurer).get(reverse("retributions:batch_detail", args=[batch.pk]))
    assert "FR76 3000 6000 0000 0112 3456 786" in page.content.decode()  # full, for the treasurer


def test_place_page_and_books_export_per_role(world, client_for):
    place = world.contributor.home_place
    url = reverse("retributions:place_bank", args=[place.pk])
    books = reverse("retributions:books_export") + "?format=fec&annee=2026"
    for role in ROLES:
        expected = 200 if role in ("treasurer", "coordinator") else 403
        assert _status(client_for(getattr(world, role)), url) == expected
        assert _status(client_for(getattr(world, role)), books) == expected


def test_member_enters_iban_siret_and_vat_and_bad_input_keeps_the_form_and_saves_nothing(world, client_for):
    client = client_for(world.contributor)
    url = reverse("retributions:my_payee")
    response = client.post(url, {"action": "payee", "iban": "FR76 3000 6000 0112 3456 7890 180",
                                 "bic": "XX", "siret": "12345678901234", "vat_status": "vat",
                                 "vat_number": "FR00123"})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("IBAN invalide", "BIC invalide", "SIRET invalide",
                    "Numéro de TVA intracommunautaire invalide"):
        assert message in page
    assert "FR76 3000 6000 0112 3456 7890 180" in page  # what was typed stays
    world.contributor.refresh_from_db()
    assert world.contributor.iban == "" and world.contributor.siret == ""
    response = client.post(url, {"action": "payee", "iban": "fr76 3000 6000 0112 3456 7890 189",
                                 "bic": "agrifrpp", "siret": SIRET, "vat_status": "franchise",
                                 "vat_number": ""})
    assert response.status_code == 302
    world.contributor.refresh_from_db()
    assert (world.contributor.iban, world.contributor.bic) == ("FR7630006000011234567890189", "AGRIFRPP")
    assert AuditEvent.objects.filter(action="payee.updated").count() == 1
    # The owner sees the IBAN in full; a coordinator on the places page sees IBANs masked.
    assert "FR76 3000 6000 0112 3456 7890 189" in client.get(url).content.decode()


def test_vat_registered_needs_a_vat_number(world, client_for):
    response = client_for(world.contributor).post(reverse("retributions:my_payee"), {
        "action": "payee", "iban": "", "bic": "", "siret": "", "vat_status": "vat", "vat_number": ""})
    assert response.status_code == 400 and "indiquez votre numéro de TVA" in response.content.decode()


def test_place_iban_is_masked_for_coordinators_and_full_for_treasurers(world, client_for):
    place = world.contributor.home_place
    response = client_for(world.treasurer).post(reverse("retributions:place_bank", args=[place.pk]), {
        "siret": SIRET, "iban": NADIA_IBAN, "bic": "", "vat_status": "vat",
        "vat_number": "FR40303265045"})
    assert response.status_code == 302
    listing = reverse("retributions:place_bank_list")
    assert "FR76 •••• 4506" in client_for(world.coordinator).get(listing).content.decode()
    assert "FR76 2004 1000 0000 0000 1234 506" in client_for(world.treasurer).get(listing).content.decode()


def test_member_accepts_and_revokes_a_mandate_in_the_app(world, client_for):
    with_iban(world.contributor, CAMILLE_IBAN, siret=SIRET, vat_status="franchise")
    client = client_for(world.contributor)
    url = reverse("retributions:my_payee")
    assert client.post(url, {"action": "mandate", "duration_months": "12",
                             "contest_days": "15"}).status_code == 400  # not ticked: refused
    assert client.post(url, {"action": "mandate", "duration_months": "12", "contest_days": "15",
                             "accept": "on"}).status_code == 302
    mandate = SelfBillingMandate.objects.get()
    assert "mandate-active" in client.get(url).content.decode()
    assert client.post(url, {"action": "revoke", "mandate": mandate.pk}).status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None


def test_treasury_settings_check_the_network_iban_and_save_the_mapping(world, client_for):
    client = client_for(world.coordinator)
    url = reverse("retributions:treasury_settings")
    data = {"bank_iban": "FR76 0000", "bank_bic": "", "accounting_siren": "123",
            "sepa_schema": "pain.001.001.03",
            **{f"account_{k}": v[0] for k, v in __import__(
                "retributions.services.accounting", fromlist=["x"]).DEFAULT_ACCOUNTS.items()}}
    response = client.post(url, data)
    assert response.status_code == 400 and "IBAN invalide" in response.content.decode()
    assert NetworkSettings.load().bank_iban == ""
    data.update(bank_iban="FR7630006000011234567890189", accounting_siren="732829320",
                account_charge_place="6110")
    assert client.post(url, data).status_code == 302
    network = NetworkSettings.load()
    assert network.bank_iban == "FR7630006000011234567890189"
    assert network.account_mapping["charge_place"] == "6110"
    assert not PaymentBatch.objects.exists()
