"""The coordinators' network pages: settings (audited before/after, SIRET, logo, envelope
template), places and fields (duplicates, archive), members (roles, last coordinator,
deactivation). Every bad input is refused in French and writes nothing."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from contribbudget.models import AuditEvent, FieldOfAction, Member, NetworkSettings, Place
from contributions.models import Contribution
from network.forms import InvitationForm

from .. import factories

pytestmark = pytest.mark.django_db
VALID_SIRET = "73282932000074"


def settings_post(**overrides):
    network = NetworkSettings.load()
    data = {"name": "Réseau des tiers-lieux de Touraine", "legal_name": "Association TL37",
            "siret": VALID_SIRET, "address": "1 place du Marché\n37000 Tours",
            "hours_per_fte_year": "1607", "hours_per_day": "7", "reference_daily_rate": "260.00",
            "daily_rate_outlier_factor": "2", "invoice_prefix": "AF",
            "default_surplus_policy": "split", "default_surplus_commons_percent": "50",
            "site_url": ""}
    rows = network.envelope_template
    data.update({"tpl-TOTAL_FORMS": str(len(rows) + 1), "tpl-INITIAL_FORMS": str(len(rows)),
                 "tpl-MIN_NUM_FORMS": "0", "tpl-MAX_NUM_FORMS": "30"})
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"tpl-{i}-{key}"] = value
    data.update(overrides)
    return data


def png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0b7a63").save(buffer, "PNG")
    return buffer.getvalue()


def test_default_envelope_template_follows_the_networks_practice(db):
    template = NetworkSettings.load().envelope_template
    kinds = [row["kind"] for row in template]
    assert kinds == ["production", "coordination", "support_admin", "support_coop",
                     "support_com", "support_docu", "creative", "commons", "reserve"]
    assert sum(Decimal(row["share"]) for row in template) == 100
    assert set(template[0]) == {"kind", "name", "share", "rule", "daily_rate"}


def test_coordinator_saves_settings_and_the_change_is_audited_before_after(world, client_for):
    client = client_for(world.coordinator)
    data = settings_post(**{"tpl-0-share": "50", "tpl-9-kind": "production",
                            "tpl-9-name": "Prototype", "tpl-9-share": "5", "tpl-9-rule": "prorata",
                            "tpl-9-daily_rate": "300"})
    data["logo"] = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = client.post(reverse("network:settings"), data)
    assert response.status_code == 302
    network = NetworkSettings.load()
    assert network.siret == VALID_SIRET and network.reference_daily_rate == Decimal("260.00")
    assert network.default_surplus_policy == "split" and network.logo.name.startswith("network/")
    assert network.envelope_template[0]["share"] == "50"
    assert network.envelope_template[-1] == {"kind": "production", "name": "Prototype",
                                             "share": "5", "rule": "prorata", "daily_rate": "300.00"}
    event = AuditEvent.objects.get(action="network.settings_updated")
    assert event.actor == world.coordinator.user
    assert event.data["before"]["reference_daily_rate"] == "250.00"
    assert event.data["after"]["reference_daily_rate"] == "260.00"
    assert event.data["after"]["name"] == "Réseau des tiers-lieux de Touraine"
    page = client.get(reverse("network:settings")).content.decode()
    assert "Association TL37" in page and "network/" in page


def test_template_row_can_be_removed(world, client_for):
    client_for(world.coordinator).post(reverse("network:settings"),
                                       settings_post(**{"tpl-8-DELETE": "on"}))
    assert [r["kind"] for r in NetworkSettings.load().envelope_template][-1] == "commons"


@pytest.mark.parametrize("overrides, message", [
    ({"siret": "73282932000075"}, "clé de contrôle incorrecte"),
    ({"siret": "1234"}, "exactement 14 chiffres"),
    ({"tpl-0-share": "95"}, "totalisent 140 %"),
    ({"tpl-1-name": "Production"}, "le nom « Production » est déjà pris"),
    ({"tpl-0-share": "-3"}, "supérieure ou égale à 0"),
    ({"hours_per_fte_year": "abc"}, "Saisissez un nombre"),
    ({"invoice_prefix": "A F!"}, "Lettres et chiffres seulement"),
])
def test_bad_settings_are_refused_in_french_keep_the_input_and_write_nothing(
        world, client_for, overrides, message):
    response = client_for(world.coordinator).post(reverse("network:settings"),
                                                  settings_post(**overrides))
    body = response.content.decode().replace("&#x27;", "'").replace("\u202f", " ")
    assert response.status_code == 200
    assert message in body, body[body.find("form-errors"):][:600]
    assert "Réseau des tiers-lieux de Touraine" in body  # what was typed is kept
    assert NetworkSettings.load().name == "Réseau des tiers-lieux"
    assert not AuditEvent.objects.filter(action="network.settings_updated").exists()


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("logo.png", b"not an image", content_type="image/png"),
     "pas une image PNG ou JPEG lisible"),
    (SimpleUploadedFile("big.png", b"\0" * (1024 * 1024 + 1), content_type="image/png"),
     "dépasse 1024 Ko"),
])
def test_bad_logo_is_refused(world, client_for, upload, message):
    data = settings_post()
    data["logo"] = upload
    response = client_for(world.coordinator).post(reverse("network:settings"), data)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not NetworkSettings.load().logo


def test_network_identity_is_printed_on_the_funder_report_and_invoice_request(world):
    from retributions.services.documents import funder_report_html

    network = NetworkSettings.load()
    network.legal_name, network.siret = "Association TL37", VALID_SIRET
    network.address = "1 place du Marché, 37000 Tours"
    network.save()
    html = funder_report_html(project=world.project)
    assert "Association TL37" in html and "732 829 320 00074" in html
    assert "1 place du Marché" in html


# --- Places and fields -----------------------------------------------------------------------

def test_coordinator_creates_edits_and_archives_a_place(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(reverse("network:place_create"), {
        "name": "Le Bocal", "siret": "732 829 320 00074", "city": "Tours"})
    assert response.status_code == 302
    place = Place.objects.get(name="Le Bocal")
    assert place.slug == "le-bocal" and place.siret == VALID_SIRET
    client.post(reverse("network:place", args=[place.pk]), {"name": "Le Bocal", "city": "Joué"})
    place.refresh_from_db()
    assert place.city == "Joué"
    client.post(reverse("network:place_archive", args=[place.pk]), {"archived": "1"})
    place.refresh_from_db()
    assert place.archived_at is not None
    assert place not in InvitationForm().fields["home_place"].queryset
    assert 'data-place="Le Bocal"' not in client.get(reverse("network:places")).content.decode()
    assert 'data-place="Le Bocal"' in client.get(reverse("network:places") + "?archives=1").content.decode()
    actions = list(AuditEvent.objects.filter(object_type="contribbudget.place",
                                             object_id=str(place.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["place.archived", "place.created", "place.updated"]
    client.post(reverse("network:place_archive", args=[place.pk]), {"archived": "0"})
    place.refresh_from_db()
    assert place.archived_at is None


def test_archived_home_place_stays_on_its_members(world, client_for):
    home = world.contributor.home_place
    client_for(world.coordinator).post(reverse("network:place_archive", args=[home.pk]),
                                       {"archived": "1"})
    world.contributor.refresh_from_db()
    assert world.contributor.home_place == home
    body = client_for(world.coordinator).get(
        reverse("network:member", args=[world.contributor.pk])).content.decode()
    assert home.name in body


@pytest.mark.parametrize("data, message", [
    ({"name": "la fabrique"}, "Un lieu s'appelle déjà « la fabrique »"),
    ({"name": "Nouveau", "siret": "12345678901234"}, "clé de contrôle incorrecte"),
    ({"name": ""}, "Ce champ est obligatoire"),
    ({"name": "Nouveau", "email": "pas-un-courriel"}, "adresse de courriel valide"),
])
def test_bad_place_is_refused_in_french_and_nothing_is_written(world, client_for, data, message):
    count = Place.objects.count()
    response = client_for(world.coordinator).post(reverse("network:place_create"), data)
    body = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and message in body
    assert Place.objects.count() == count
    assert not AuditEvent.objects.filter(action="place.created").exists()


def test_coordinator_creates_a_field_and_duplicates_or_bad_periods_are_refused(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(reverse("network:field_create"), {
        "name": "Alimentation", "start": "2026-01-01", "end": "2026-12-31"})
    assert response.status_code == 302
    field = FieldOfAction.objects.get(name="Alimentation")
    response = client.post(reverse("network:field_create"), {"name": "ALIMENTATION",
                                                             "start": "2026-01-01"})
    assert "Un champ d'action s'appelle déjà" in response.content.decode().replace("&#x27;", "'")
    response = client.post(reverse("network:field", args=[field.pk]), {
        "name": "Alimentation", "start": "2026-06-01", "end": "2026-01-01"})
    assert "La fin ne peut pas précéder le début" in response.content.decode()
    field.refresh_from_db()
    assert field.start.isoformat() == "2026-01-01"
    assert FieldOfAction.objects.filter(name__iexact="alimentation").count() == 1
    client.post(reverse("network:field_archive", args=[field.pk]), {"archived": "1"})
    assert not FieldOfAction.objects.active().filter(pk=field.pk).exists()


def test_archiving_twice_is_refused_with_a_message(world, client_for):
    client = client_for(world.coordinator)
    place = world.contributor.home_place
    client.post(reverse("network:place_archive", args=[place.pk]), {"archived": "1"})
    response = client.post(reverse("network:place_archive", args=[place.pk]), {"archived": "1"},
                           follow=True)
    assert "déjà archivé" in response.content.decode()


# --- Members ---------------------------------------------------------------------------------

def test_directory_searches_and_shows_places_roles_and_projects(world, client_for):
    client = client_for(world.coordinator)
    body = client.get(reverse("network:members") + "?q=camille").content.decode()
    assert world.contributor.full_name in body and "La Fabrique" in body and "Légumerie" in body
    assert world.pilot.full_name not in body
    body = client.get(reverse("network:members") + "?role=treasurer").content.decode()
    assert world.treasurer.full_name in body and world.contributor.full_name not in body


def test_directory_query_count_does_not_grow_with_members(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.coordinator)
    client.get(reverse("network:members"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("network:members"))
    for _ in range(30):
        m = factories.member("Zed", home_place=world.contributor.home_place)
        factories.role(world.other_project, m)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("network:members"))
    assert len(large) == len(small)


def test_coordinator_gives_the_treasurer_role_with_an_audit_record(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("network:member", args=[world.contributor.pk]),
        {"home_place": world.contributor.home_place.pk, "is_treasurer": "on", "reason": "AG"})
    assert response.status_code == 302
    world.contributor.refresh_from_db()
    assert world.contributor.is_treasurer
    event = AuditEvent.objects.get(action="role.changed", object_id=str(world.contributor.pk))
    assert event.data["after"]["is_treasurer"] is True and event.reason == "AG"


def test_nobody_changes_their_own_roles(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("network:member", args=[world.coordinator.pk]),
        {"is_coordinator": "on", "is_treasurer": "on"})
    assert "Vous ne pouvez pas modifier vos propres rôles" in response.content.decode()
    world.coordinator.refresh_from_db()
    assert not world.coordinator.is_treasurer


def test_removing_the_last_coordinator_is_refused(world, client_for):
    other = factories.member("Lou", is_coordinator=True)
    # Other steps down (allowed: Sacha stays), then Sacha cannot be removed by anyone left.
    client_for(world.coordinator).post(reverse("network:member", args=[other.pk]), {})
    other.refresh_from_db()
    assert not other.is_coordinator
    from django.core.exceptions import ValidationError

    from network.services import member_update

    with pytest.raises(ValidationError, match="dernière personne de la coordination"):
        member_update(actor=other.user, member=world.coordinator, home_place=None,
                      is_treasurer=False, is_coordinator=False)
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_coordinator


def test_deactivated_member_cannot_log_in_and_their_work_stays(world, client_for):
    factories.contribution(world.contributor, world.envelope)
    open_session = client_for(world.contributor)
    assert open_session.get("/").status_code == 200
    response = client_for(world.coordinator).post(
        reverse("network:member_set_active", args=[world.contributor.pk]),
        {"active": "0", "reason": "a quitté le réseau"}, follow=True)
    assert "ne peut plus se connecter" in response.content.decode()
    world.contributor.user.refresh_from_db()
    assert not world.contributor.user.is_active
    assert Contribution.objects.filter(member=world.contributor).count() == 1
    assert Member.objects.filter(pk=world.contributor.pk).exists()
    login = Client().post(reverse("account_login"), {"login": world.contributor.user.email,
                                                     "password": factories.PASSWORD})
    assert login.status_code != 302 or "inactive" in login["Location"]
    assert AuditEvent.objects.filter(action="member.deactivated", reason="a quitté le réseau").exists()
    # A session opened before is over too.
    assert open_session.get("/").status_code == 302
    # Back again.
    client_for(world.coordinator).post(
        reverse("network:member_set_active", args=[world.contributor.pk]), {"active": "1"})
    world.contributor.user.refresh_from_db()
    assert world.contributor.user.is_active


def test_deactivating_yourself_or_the_last_coordinator_is_refused(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("network:member_set_active", args=[world.coordinator.pk]), {"active": "0"},
        follow=True)
    assert "votre propre compte" in response.content.decode()
    from django.core.exceptions import ValidationError

    from network.services import member_set_active

    with pytest.raises(ValidationError, match="dernière personne de la coordination"):
        member_set_active(actor=world.treasurer.user, member=world.coordinator, active=False)
    world.coordinator.user.refresh_from_db()
    assert world.coordinator.user.is_active
    assert not AuditEvent.objects.filter(action="member.deactivated").exists()


def test_logo_and_identity_are_in_the_rendered_pdfs(world):
    """Rendered for real by WeasyPrint: the logo is an image of the PDF, the legal identity
    is on the funder report and on the invoice request."""
    import pdfplumber

    from retributions.services.documents import funder_report_html, render_pdf

    network = NetworkSettings.load()
    network.legal_name, network.siret = "Association TL37", VALID_SIRET
    network.address = "1 place du Marché, 37000 Tours"
    network.logo.save("logo.png", io.BytesIO(png((200, 100))), save=True)
    pdf, _pages = render_pdf(funder_report_html(project=world.project))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0]
        text = first.extract_text()
        assert "Association TL37" in text and "732 829 320 00074" in text
        assert len(first.images) >= 1


def test_a_place_with_an_old_unchecked_siret_can_still_be_edited(world, client_for):
    place = factories.place(name="Ancien", siret="00000000000001")
    response = client_for(world.coordinator).post(reverse("network:place", args=[place.pk]), {
        "name": "Ancien", "siret": "00000000000001", "city": "Blois"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.city == "Blois"
    response = client_for(world.coordinator).post(reverse("network:place", args=[place.pk]), {
        "name": "Ancien", "siret": "00000000000002", "city": "Blois"})
    assert "clé de contrôle incorrecte" in response.content.decode()


def test_a_places_departement_is_set_on_its_page_and_a_bad_one_is_refused(world, client_for):
    """The département decides the public holidays of the place's members (Alsace-Moselle,
    overseas): a coordinator sets it in the app, not only in the admin."""
    client = client_for(world.coordinator)
    place = factories.place(name="La Forge")
    url = reverse("network:place", args=[place.pk])
    response = client.post(url, {"name": "La Forge", "city": "Metz", "department": "57"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.department == "57"
    response = client.post(url, {"name": "La Forge", "city": "Metz", "department": "999"})
    assert response.status_code == 200 and "Un numéro de département" in response.content.decode()
    place.refresh_from_db()
    assert place.department == "57"
