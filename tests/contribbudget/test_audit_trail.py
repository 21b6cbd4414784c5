"""Audit gaps (issue 12, point 9): changes of places, fields of action, members, projects,
their roles and fundings write an audit record in the same transaction as the change,
whatever path makes them (here the admin, the only path for these so far); each object's
page shows its history through the shared include."""
from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from contribbudget.models import AuditEvent
from contribbudget.services import history_of
from projects.models import Funding, ProjectRole

from .. import factories

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The values a browser would post back from an admin change form, as shown."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.lstrip("\n") if not self.data[self._textarea][0] else data


def admin_form(client, url) -> dict:
    parser = _Form()
    parser.feed(client.get(url).content.decode())
    return {k: v if len(v) != 1 else v[0] for k, v in parser.data.items() if k != "csrfmiddlewaretoken"}


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_changing_a_place_in_the_admin_is_audited_with_the_change(world, admin_client, admin_user):
    place = factories.place(name="La Ruche")
    url = reverse("admin:contribbudget_place_change", args=[place.pk])
    data = admin_form(admin_client, url)
    data["city"] = "Tours-Nord"
    _post(admin_client, url, data)
    event = AuditEvent.objects.get(action="place.changed", object_id=str(place.pk))
    assert event.actor == admin_user
    assert event.data["changes"]["city"][1] == "Tours-Nord"


def test_changing_a_field_of_action_and_a_member_is_audited(world, admin_client):
    field = world.project.field
    url = reverse("admin:contribbudget_fieldofaction_change", args=[field.pk])
    data = admin_form(admin_client, url)
    data["name"] = "Alimentation durable"
    _post(admin_client, url, data)
    assert AuditEvent.objects.filter(action="field.changed", object_id=str(field.pk)).exists()

    url = reverse("admin:contribbudget_member_change", args=[world.contributor.pk])
    data = admin_form(admin_client, url)
    data["last_name"] = "Roux"
    _post(admin_client, url, data)
    event = AuditEvent.objects.get(action="member.changed", object_id=str(world.contributor.pk))
    assert event.data["changes"]["last_name"][1] == "Roux"


def test_a_projects_roles_and_fundings_changed_in_the_admin_are_audited_and_shown(
        world, admin_client, client_for):
    url = reverse("admin:projects_project_change", args=[world.project.pk])
    data = admin_form(admin_client, url)
    funding = Funding.objects.get(project=world.project)
    prefix_f = next(k[:-len("-id")] for k, v in data.items()
                    if k.endswith("-id") and v == str(funding.pk))
    data[prefix_f + "-amount"] = "25000.00"
    role = ProjectRole.objects.get(project=world.project, member=world.contributor)
    prefix_r = next(k[:-len("-id")] for k, v in data.items()
                    if k.endswith("-id") and v == str(role.pk) and "role" in k)
    data[prefix_r + "-role"] = "pilot"
    _post(admin_client, url, data)
    funding_event = AuditEvent.objects.get(action="funding.changed")
    assert funding_event.project == world.project
    assert funding_event.data["changes"]["amount"][1] == str(Decimal("25000.00"))
    role_event = AuditEvent.objects.get(action="role.changed", object_id=str(role.pk))
    assert role_event.data["changes"]["role"] == ["contributor", "pilot"]
    assert {e.action for e in history_of(world.project)} >= {"funding.changed", "role.changed"}


def test_deleting_a_funding_in_the_admin_is_audited(world, admin_client):
    funding = Funding.objects.create(project=world.project, funder="ANCT", reference="X-1",
                                     amount=Decimal("100.00"), start=world.project.start,
                                     end=world.project.end)
    response = admin_client.post(reverse("admin:projects_funding_delete", args=[funding.pk]),
                                 {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="funding.changed", object_id=str(funding.pk))
    assert event.data["deleted"] is True and event.project == world.project


def test_a_contributions_page_shows_its_history_through_the_shared_include(world, client_for):
    from contributions import services

    row = factories.contribution(world.contributor, world.envelope, status="submitted")
    services.contribution_reject(contribution=row, actor=world.pilot.user, comment="Doublon")
    page = client_for(world.contributor).get(reverse("contributions:detail", args=[row.pk]))
    body = page.content.decode()
    assert 'data-testid="history"' in body
    assert "Contribution refusée" in body and "« Doublon »" in body


def test_project_grain_and_run_pages_show_their_history(world, admin_client, client_for):
    from retributions.services import runs as run_services

    from ..retributions.runs_support import computed_run, validated

    url = reverse("admin:projects_project_change", args=[world.project.pk])
    data = admin_form(admin_client, url)
    data["description"] = "Une légumerie partagée"
    _post(admin_client, url, data)
    client = client_for(world.pilot)
    body = client.get(reverse("projects:detail", args=[world.project.slug])).content.decode()
    assert 'data-testid="history"' in body and "Projet modifié" in body

    grain = factories.grain(world.pilot, world.envelope)
    AuditEvent.objects.create(action="grain.created", object_type="projects.coordinationgrain",
                              object_id=str(grain.pk), project=world.project)
    body = client.get(reverse("projects:grain_detail", args=[grain.pk])).content.decode()
    assert 'data-testid="history"' in body and "Grain de coordination créé" in body

    validated(world.contributor, world.envelope, "7.00")
    run = computed_run(world)
    run_services.run_cancel(actor=world.pilot.user, run=run)
    body = client.get(reverse("retributions:run_detail", args=[run.pk])).content.decode()
    assert 'data-testid="history"' in body and "Calcul de rétribution abandonné" in body
