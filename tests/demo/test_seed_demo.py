import pytest
from django.core.management import call_command
from django.db import models

from contribbudget.models import Member, Place
from contributions.models import Contribution
from projects.models import Adjustment, CoordinationGrain, Envelope, Funding, Project

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [("contributrice@demo.tiers-lieux.org", "demo-contrib-2026"),
               ("pilote@demo.tiers-lieux.org", "demo-pilote-2026"),
               ("tresorier@demo.tiers-lieux.org", "demo-tresor-2026"),
               ("coordination@demo.tiers-lieux.org", "demo-coord-2026")]


def _counts():
    return [m.objects.count() for m in (Member, Place, Project, Funding, Envelope, Adjustment,
                                        CoordinationGrain, Contribution)]


def test_seed_demo_builds_a_realistic_network_once():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert Place.objects.count() == 6 and Member.objects.count() == 30
    assert Project.objects.count() == 5
    assert set(Envelope.objects.values_list("kind", flat=True)) == set(Envelope.Kind.values)
    funders = " ".join(Funding.objects.values_list("funder", flat=True))
    assert "Région" in funders and "ANCT" in funders and "Fondation" in funders
    statuses = set(Contribution.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "validated", "rejected"} <= statuses


def test_demo_pilot_pilots_at_least_two_projects():
    call_command("seed_demo")
    pilot = Member.objects.get(user__email="pilote@demo.tiers-lieux.org")
    assert pilot.project_roles.filter(role="pilot").count() >= 2


@pytest.mark.parametrize("email,password", DEMO_LOGINS)
def test_each_demo_account_logs_in(client, email, password):
    call_command("seed_demo")
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_envelopes_never_exceed_the_budget_in_the_demo():
    from projects.selectors import projects_with_totals

    call_command("seed_demo")
    for project in projects_with_totals():
        assert project.allocated <= project.budget


def test_seed_demo_goes_through_the_services_and_writes_their_audit():
    from contribbudget.models import AuditEvent

    call_command("seed_demo")
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert list(actions).count("envelope.created") == Envelope.objects.count()
    assert list(actions).count("grain.created") == CoordinationGrain.objects.count()
    reviewed = Contribution.objects.filter(status__in=["validated", "retributed"]).count()
    assert list(actions).count("contribution.validated") >= reviewed
    assert list(actions).count("contribution.rejected") == (
        Contribution.objects.filter(status="rejected").count())
    # The rules hold in the demo: nobody validated their own work, every creative session
    # names who invited to it.
    assert not Contribution.objects.filter(validated_by=models.F("member")).exists()
    assert not Contribution.objects.filter(kind="creative", invited_by__isnull=True).exists()
