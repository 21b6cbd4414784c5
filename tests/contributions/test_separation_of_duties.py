"""Separation of duties (issue 12, points 1 and 14): whoever logs or imports hours on
someone else's behalf never validates them, and one rule decides who may validate a row —
the queue, the bulk actions, the services, the detail page and the home badge agree."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contribbudget.permissions import can_validate_contribution
from contributions import selectors, services
from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db


def _import_for_colleague(world, client, django_capture_on_commit_callbacks):
    body = ("email;date;hours;project;envelope;kind;description\n"
            f"{world.contributor.user.email};05/10/2026;8;legumerie;Production;production;Chantier\n")
    response = client.post(reverse("contributions:import"),
                           {"file": SimpleUploadedFile("passe.csv", body.encode())})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    return Contribution.objects.get(member=world.contributor)


def test_a_pilot_who_imported_a_colleagues_hours_cannot_validate_them(
        world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.pilot)
    row = _import_for_colleague(world, client, django_capture_on_commit_callbacks)
    assert row.created_by == world.pilot

    assert not can_validate_contribution(world.pilot.user, row)
    with pytest.raises(PermissionDenied):
        services.contribution_validate(contribution=row, actor=world.pilot.user)
    # The queue does not list it, the bulk action refuses it, the page offers no button.
    assert row not in selectors.validation_queue(world.pilot.user)
    response = client.post(reverse("contributions:validate_bulk"),
                           {"ids": [row.pk], "action": "validate"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == "submitted"
    page = client.get(reverse("contributions:detail", args=[row.pk])).content.decode()
    assert 'value="validate"' not in page
    # The other pilot can.
    services.contribution_validate(contribution=row, actor=world.copilot.user)
    row.refresh_from_db()
    assert row.status == "validated"


def test_an_imported_row_shows_who_imported_it(world, client_for,
                                               django_capture_on_commit_callbacks):
    row = _import_for_colleague(world, client_for(world.pilot), django_capture_on_commit_callbacks)
    page = client_for(world.copilot).get(reverse("contributions:detail", args=[row.pk]))
    assert "Importée par" in page.content.decode()
    assert world.pilot.full_name in page.content.decode()


def test_a_row_logged_by_its_own_member_records_them_as_author(world):
    row = services.contribution_create(
        member=world.contributor, actor=world.contributor.user, project=world.project,
        envelope=world.envelope, date=factories.timezone.localdate(), hours=Decimal("2"), kind="production",
        description="Atelier", submit=True)
    assert row.created_by == world.contributor
    assert can_validate_contribution(world.pilot.user, row)


def test_the_pilots_home_badge_counts_what_the_queue_lists(world, client_for):
    factories.contribution(world.pilot, world.envelope, status="submitted")
    factories.contribution(world.pilot, world.envelope, status="submitted")
    factories.contribution(world.contributor, world.envelope, status="submitted")
    factories.contribution(world.contributor, world.envelope, status="submitted",
                           created_by=world.pilot)
    queue = selectors.validation_queue(world.pilot.user)
    assert queue.count() == 1
    page = client_for(world.pilot).get("/").content.decode()
    assert "1 contribution à valider" in page
    assert "contributions à valider" not in page


def test_the_queue_shows_who_imported_a_row(world, client_for, django_capture_on_commit_callbacks):
    _import_for_colleague(world, client_for(world.pilot), django_capture_on_commit_callbacks)
    body = client_for(world.copilot).get(reverse("contributions:validation")).content.decode()
    assert f"importée par {world.pilot.full_name}" in body


def test_the_pilots_digest_counts_what_they_may_validate(world, client_for,
                                                         django_capture_on_commit_callbacks):
    from contributions.reminders import waiting_per_pilot

    _import_for_colleague(world, client_for(world.pilot), django_capture_on_commit_callbacks)
    waiting = waiting_per_pilot()
    assert world.pilot.pk not in waiting  # they imported it: not theirs to validate
    assert waiting[world.copilot.pk]["projects"][0][1] == 1
