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


def test_a_place_changed_on_its_page_is_audited_and_the_page_shows_its_history(world, client_for):
    place = factories.place(name="La Ruche")
    client = client_for(world.coordinator)
    url = reverse("network:place", args=[place.pk])
    response = client.post(url, {"name": "La Ruche", "siret": "", "address": "",
                                 "city": "Tours-Nord", "email": ""})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_type="contribbudget.place",
                                     object_id=str(place.pk)).exists()
    body = client.get(url).content.decode()
    assert 'data-testid="history"' in body and "Lieu modifié" in body


def test_a_project_changed_in_the_admin_is_audited_with_what_changed(world, admin_client,
                                                                     admin_user):
    url = reverse("admin:projects_project_change", args=[world.project.pk])
    data = admin_form(admin_client, url)
    data["description"] = "Une légumerie partagée"
    _post(admin_client, url, data)
    event = AuditEvent.objects.get(action="project.changed")
    assert event.actor == admin_user and event.project == world.project
    assert event.data["changes"]["description"][1] == "Une légumerie partagée"


def test_a_projects_role_and_funding_changes_appear_in_the_project_history(world, client_for):
    from projects.fundings import funding_update
    from projects.teams import team_set_role

    team_set_role(project=world.project, actor=world.pilot.user, member=world.outsider,
                  role=ProjectRole.Role.CONTRIBUTOR)
    funding = Funding.objects.get(project=world.project)
    funding_update(funding=funding, author=world.coordinator.user, amount=Decimal("25000.00"))
    actions = {e.action for e in history_of(world.project)}
    assert {"role.changed", "funding.changed"} <= actions
    body = client_for(world.contributor).get(
        reverse("projects:detail", args=[world.project.slug])).content.decode()
    assert "Rôle modifié" in body and "Financement modifié" in body


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
