"""Changing a project's fundings after setup: locked, audited, and refused when the
envelopes would hold more than the budget (a French message saying what to do, nothing
written, the form keeping what was typed)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contribbudget.models import AuditEvent
from projects import fundings
from projects.models import Funding

pytestmark = pytest.mark.django_db


@pytest.fixture
def funding(world):
    # Légumerie: 20 000 € of fundings, 10 000 € in its production envelope.
    return world.project.fundings.get()


def test_raising_a_funding_changes_the_budget_with_audit(world, funding):
    fundings.funding_update(funding=funding, author=world.coordinator.user,
                            amount=Decimal("25000.00"))
    assert Funding.objects.get(pk=funding.pk).amount == Decimal("25000.00")
    event = AuditEvent.objects.get(action=AuditEvent.Action.FUNDING_CHANGED)
    assert event.data == {"amount": ["20000.00", "25000.00"]} and event.project == world.project


def test_lowering_a_funding_below_what_the_envelopes_hold_is_refused(world, funding):
    with pytest.raises(ValidationError) as error:
        fundings.funding_update(funding=funding, author=world.pilot.user,
                                amount=Decimal("9000.00"))
    message = error.value.message_dict["amount"][0]
    assert "totalisent 10\u00a0000,00\u00a0€" in message
    assert "Baissez d'abord les enveloppes de 1\u00a0000,00\u00a0€" in message
    assert Funding.objects.get(pk=funding.pk).amount == Decimal("20000.00")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FUNDING_CHANGED).exists()


def test_removing_the_only_funding_of_a_project_with_envelopes_is_refused(world, funding):
    with pytest.raises(ValidationError) as error:
        fundings.funding_delete(funding=funding, author=world.pilot.user)
    assert "Baissez d'abord les enveloppes" in error.value.messages[0]
    assert Funding.objects.filter(pk=funding.pk).exists()


def test_removing_a_funding_that_is_not_needed_is_audited(world):
    extra = fundings.funding_create(project=world.project, author=world.pilot.user,
                                    funder="Fondation", reference="FDN-1",
                                    amount=Decimal("3000.00"), start=world.project.start,
                                    end=world.project.end)
    fundings.funding_delete(funding=extra, author=world.pilot.user)
    assert not Funding.objects.filter(reference="FDN-1").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FUNDING_CHANGED).count() == 2


def test_a_funding_period_outside_the_project_or_a_duplicate_reference_is_refused(world, funding):
    with pytest.raises(ValidationError) as error:
        fundings.funding_create(project=world.project, author=world.pilot.user,
                                funder="Fondation", reference=funding.reference,
                                amount=Decimal("100.00"), start=datetime.date(2025, 1, 1),
                                end=world.project.end)
    assert "déjà la référence" in error.value.message_dict["reference"][0]
    assert "sort de la période du projet" in error.value.message_dict["end"][0]


def test_the_edit_page_keeps_what_was_typed_when_refused(world, client_for, funding):
    url = reverse("projects:funding_edit", args=[funding.pk])
    data = {"funder": "Région Centre", "reference": funding.reference, "amount": "9000.00",
            "start": "2026-01-01", "end": "2027-12-31"}
    response = client_for(world.pilot).post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Baissez d&#x27;abord les enveloppes" in body and 'value="Région Centre"' in body
    assert Funding.objects.get(pk=funding.pk).funder == "Région"


def test_the_project_page_links_to_adding_and_editing_fundings_for_pilots(world, client_for,
                                                                          funding):
    url = reverse("projects:detail", args=[world.project.slug])
    body = client_for(world.pilot).get(url).content.decode()
    assert reverse("projects:funding_edit", args=[funding.pk]) in body
    assert reverse("projects:funding_create", args=[world.project.slug]) in body
    other = client_for(world.contributor).get(url).content.decode()
    assert reverse("projects:funding_edit", args=[funding.pk]) not in other


@pytest.mark.parametrize("who,status", [("contributor", 403), ("pilot", 200),
                                        ("treasurer", 403), ("coordinator", 200),
                                        ("outsider", 403)])
@pytest.mark.parametrize("page", ["funding_edit", "funding_delete", "funding_create"])
def test_funding_pages_per_role(world, client_for, funding, who, status, page):
    arg = world.project.slug if page == "funding_create" else funding.pk
    assert client_for(getattr(world, who)).get(
        reverse(f"projects:{page}", args=[arg])).status_code == status


def test_an_unknown_funding_is_404(world, client_for):
    assert client_for(world.pilot).get(
        reverse("projects:funding_edit", args=[999999])).status_code == 404
