"""One length per text field, enforced on every path (issue 12, point 7): the quick log,
the week grid, imports and the services refuse the same too-long description; adjustment
reasons, refusal comments and addresses have their limit; a payment date is plausible."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contribbudget import limits
from contributions import services as contribution_services
from contributions.forms import ContributionForm
from contributions.models import Contribution
from projects import services as project_services
from projects.models import Adjustment

from .. import factories

pytestmark = pytest.mark.django_db
TOO_LONG = "x" * (limits.DESCRIPTION + 1)
HUGE = "é" * 100_000


def test_the_description_limit_is_one_number_for_the_model_and_the_form(world):
    assert Contribution._meta.get_field("description").max_length == limits.DESCRIPTION
    assert ContributionForm(member=world.contributor).fields["description"].max_length \
        == limits.DESCRIPTION


def test_the_service_refuses_a_description_over_the_limit(world):
    with pytest.raises(ValidationError) as error:
        contribution_services.contribution_create(
            member=world.contributor, actor=world.contributor.user, project=world.project,
            envelope=world.envelope, date=datetime.date.today(), hours=Decimal("1"),
            kind="production", description=TOO_LONG)
    message = " ".join(error.value.message_dict["description"]).replace("\xa0", " ")
    assert "2 000 caractères au plus" in message
    assert not Contribution.objects.exists()


@time_machine.travel(datetime.datetime(2026, 11, 20, 18, 0), tick=False)
def test_the_week_grid_refuses_a_huge_description_and_writes_nothing(world, client_for):
    response = client_for(world.contributor).post(reverse("contributions:week"), {
        "week": "2026-W47", "rows": "1", "r0-envelope": world.envelope.pk,
        "r0-kind": "production", "r0-description": HUGE, "r0-d0": "2", "action": "draft"})
    assert response.status_code == 422
    assert "caractères" in response.content.decode()
    assert not Contribution.objects.exists()


def test_an_import_row_with_a_too_long_description_is_named_in_the_preview(world, client_for):
    body = ("email;date;hours;project;envelope;kind;description\n"
            f"{world.contributor.user.email};05/10/2026;2;legumerie;Production;production;"
            f"{TOO_LONG}\n")
    client = client_for(world.pilot)
    response = client.post(reverse("contributions:import"),
                           {"file": SimpleUploadedFile("passe.csv", body.encode())})
    page = client.get(response["Location"]).content.decode()
    assert "caractères" in page
    assert "Importer 1 contribution" not in page


def test_an_adjustment_reason_over_the_limit_is_refused(world):
    before = Adjustment.objects.count()
    with pytest.raises(ValidationError) as error:
        project_services.envelope_adjust(envelope=world.envelope, delta=Decimal("10.00"),
                                         reason=HUGE, author=world.pilot.user)
    assert "reason" in error.value.message_dict
    assert Adjustment.objects.count() == before


def test_a_refusal_comment_over_the_limit_is_refused(world):
    row = factories.contribution(world.contributor, world.envelope, status="submitted")
    with pytest.raises(ValidationError):
        contribution_services.contribution_reject(contribution=row, actor=world.pilot.user,
                                                  comment=HUGE)
    row.refresh_from_db()
    assert row.status == "submitted"


def test_a_huge_billing_address_is_refused_and_kept_in_the_form(world, client_for):
    response = client_for(world.contributor).post(reverse("contributions:preferences"), {
        "preference": "money_self", "address": HUGE, "siret": "", "symbolic_text": "",
        "expected_daily_rate": ""})
    assert response.status_code == 200
    assert "caractères" in response.content.decode()
    world.contributor.refresh_from_db()
    assert world.contributor.address == ""


def test_a_place_address_has_the_same_limit(world):
    place = factories.place()
    place.address = HUGE
    with pytest.raises(ValidationError):
        place.full_clean()


def test_the_place_page_refuses_a_huge_address_and_keeps_the_form(world, client_for):
    place = factories.place(name="La Ruche")
    response = client_for(world.coordinator).post(
        reverse("network:place", args=[place.pk]),
        {"name": "La Ruche", "siret": "", "address": HUGE, "city": "", "email": ""})
    assert response.status_code in (200, 400)
    assert "caractères" in response.content.decode()
    place.refresh_from_db()
    assert place.address != HUGE
