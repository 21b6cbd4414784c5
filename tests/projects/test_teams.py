"""Teams and open periods: pilots and coordinators manage the team (audited, nobody raises
their own role, the last pilot of a project with a draft run stays); anyone logs on an
open project and joins its team by doing so; a closed period accepts only the team, in the
contribution service itself."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contribbudget.models import AuditEvent
from contributions import services as contribution_services
from contributions.models import Contribution
from projects import teams
from projects.models import OpenPeriod, ProjectRole
from retributions.models import RetributionRun

from .. import factories

pytestmark = pytest.mark.django_db
QUICK = reverse("contributions:quick_log")
WEEK = reverse("contributions:week")
TODAY = datetime.datetime(2026, 11, 20, 18, 0)


def draft_run(envelope, author):
    return RetributionRun.objects.create(
        envelope=envelope, period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31), status=RetributionRun.Status.DRAFT,
        rule=envelope.rule, created_by=author.user)


def role_of(project, member):
    return ProjectRole.objects.filter(project=project, member=member).values_list(
        "role", flat=True).first()


def test_pilot_adds_a_member_and_names_a_pilot_with_audit(world):
    newcomer = factories.member("Inès")
    teams.team_set_role(project=world.project, actor=world.pilot.user, member=newcomer,
                        role="contributor")
    teams.team_set_role(project=world.project, actor=world.pilot.user, member=world.contributor,
                        role="pilot")
    assert role_of(world.project, newcomer) == "contributor"
    assert role_of(world.project, world.contributor) == "pilot"
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED)
    assert [e.data["after"] for e in events.order_by("pk")] == ["contributor", "pilot"]


def test_nobody_names_themselves_pilot(world):
    with pytest.raises(ValidationError) as error:
        teams.team_set_role(project=world.project, actor=world.coordinator.user,
                            member=world.coordinator, role="pilot")
    assert "vous nommer pilote vous-même" in error.value.messages[0]
    assert role_of(world.project, world.coordinator) is None


def test_a_contributor_cannot_manage_the_team(world):
    with pytest.raises(PermissionDenied):
        teams.team_set_role(project=world.project, actor=world.contributor.user,
                            member=world.outsider, role="contributor")


def test_removing_the_last_pilot_of_a_project_with_a_draft_run_is_refused(world):
    teams.team_remove(project=world.project, actor=world.pilot.user, member=world.copilot)
    draft_run(world.envelope, world.pilot)
    with pytest.raises(ValidationError) as error:
        teams.team_remove(project=world.project, actor=world.coordinator.user,
                          member=world.pilot)
    assert "dernière personne pilote" in error.value.messages[0]
    assert "nommez d'abord un·e autre pilote" in error.value.messages[0]
    assert role_of(world.project, world.pilot) == "pilot"
    with pytest.raises(ValidationError):  # nor demoted
        teams.team_set_role(project=world.project, actor=world.coordinator.user,
                            member=world.pilot, role="contributor")


def test_removing_a_pilot_when_another_remains_is_fine_even_with_a_draft_run(world):
    draft_run(world.envelope, world.pilot)
    teams.team_remove(project=world.project, actor=world.pilot.user, member=world.copilot)
    assert role_of(world.project, world.copilot) is None


def test_team_actions_from_the_project_page(world, client_for):
    client = client_for(world.pilot)
    newcomer = factories.member("Inès")
    response = client.post(reverse("projects:team_set", args=[world.project.slug]),
                           {"member": newcomer.pk, "role": "contributor"})
    assert response.status_code == 302
    assert role_of(world.project, newcomer) == "contributor"
    client.post(reverse("projects:team_remove", args=[world.project.slug, newcomer.pk]))
    assert role_of(world.project, newcomer) is None
    body = client.get(reverse("projects:detail", args=[world.project.slug])).content.decode()
    assert 'data-testid="team-form"' in body and "ne fait plus partie de l&#x27;équipe" in body


def test_a_refused_team_change_is_explained_on_the_page(world, client_for):
    client = client_for(world.pilot)
    response = client.post(reverse("projects:team_set", args=[world.project.slug]),
                           {"member": world.pilot.pk, "role": "pilot"}, follow=True)
    assert response.status_code == 200  # already pilot: nothing changes, no error


@pytest.mark.parametrize("who,status", [("contributor", 403), ("pilot", 302),
                                        ("treasurer", 403), ("coordinator", 302),
                                        ("outsider", 403)])
def test_team_and_period_actions_per_role(world, client_for, who, status):
    client = client_for(getattr(world, who))
    newcomer = factories.member("Inès")
    slug = world.project.slug
    assert client.post(reverse("projects:team_set", args=[slug]),
                       {"member": newcomer.pk, "role": "contributor"}).status_code == status
    assert client.post(reverse("projects:team_remove", args=[slug, world.contributor.pk])
                       ).status_code == status
    assert client.post(reverse("projects:open_period_add", args=[slug]),
                       {"start": "2026-03-01", "end": "2026-04-30"}).status_code == status
    period = OpenPeriod.objects.create(project=world.project, start=datetime.date(2026, 6, 1),
                                       end=datetime.date(2026, 6, 30))
    assert client.post(reverse("projects:open_period_remove", args=[period.pk])
                       ).status_code == status


def test_team_forms_are_shown_to_those_who_steer_only(world, client_for):
    url = reverse("projects:detail", args=[world.project.slug])
    assert 'data-testid="team-form"' in client_for(world.coordinator).get(url).content.decode()
    assert 'data-testid="team-form"' not in client_for(world.contributor).get(url).content.decode()


# --- Logging on open projects -------------------------------------------------------------------

@time_machine.travel(TODAY, tick=False)
def test_a_non_member_logs_on_an_open_project_with_the_quick_log_and_joins_its_team(
        world, client_for):
    newcomer = factories.member("Inès")
    client = client_for(newcomer)
    body = client.get(QUICK).content.decode()
    assert "Légumerie (ouvert)" in body
    response = client.post(QUICK, {"date": "2026-11-19", "project": world.project.pk,
                                   "envelope": world.envelope.pk, "hours": "2",
                                   "kind": "production", "description": "Désherbage",
                                   "action": "submit"})
    assert response.status_code == 302
    assert Contribution.objects.get(member=newcomer).status == "submitted"
    assert role_of(world.project, newcomer) == "contributor"
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED)
    assert "période ouverte" in event.reason
    assert "Légumerie</option>" in client.get(QUICK).content.decode()  # now in the team


@time_machine.travel(TODAY, tick=False)
def test_a_non_member_logs_on_an_open_project_with_the_week_grid(world, client_for):
    newcomer = factories.member("Inès")
    client = client_for(newcomer)
    body = client.get(WEEK + "?week=2026-W47").content.decode()
    assert "Légumerie (ouvert)" in body
    response = client.post(WEEK, {"week": "2026-W47", "rows": "1",
                                  "r0-envelope": world.envelope.pk, "r0-kind": "production",
                                  "r0-description": "Chantier", "r0-d0": "3"})
    assert response.status_code == 302
    assert Contribution.objects.get(member=newcomer).hours == Decimal("3.00")
    assert role_of(world.project, newcomer) == "contributor"


@time_machine.travel(TODAY, tick=False)
def test_a_closed_period_refuses_non_members_in_the_service_not_only_the_form(world):
    world.project.is_open = False
    world.project.save()
    newcomer = factories.member("Inès")
    with pytest.raises(ValidationError) as error:
        contribution_services.contribution_create(
            member=newcomer, actor=newcomer.user, project=world.project, envelope=world.envelope,
            date=datetime.date(2026, 11, 19), hours=Decimal("1"), kind="production",
            description="x")
    assert "seule son équipe" in error.value.message_dict["project"][0]
    assert not Contribution.objects.exists() and role_of(world.project, newcomer) is None
    # The team still logs.
    contribution_services.contribution_create(
        member=world.contributor, actor=world.contributor.user, project=world.project,
        envelope=world.envelope, date=datetime.date(2026, 11, 19), hours=Decimal("1"),
        kind="production", description="x")


@time_machine.travel(TODAY, tick=False)
def test_a_closed_period_project_is_not_offered_to_non_members(world, client_for):
    world.project.is_open = False
    world.project.save()
    newcomer = factories.member("Inès")
    response = client_for(newcomer).post(QUICK, {
        "date": "2026-11-19", "project": world.project.pk, "envelope": world.envelope.pk,
        "hours": "2", "kind": "production", "description": "Désherbage", "action": "draft"})
    assert response.status_code == 200 and not Contribution.objects.exists()
    assert "période de production fermée" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_logging_outside_the_open_periods_is_refused_for_non_members(world, client_for):
    teams.open_period_add(project=world.project, actor=world.pilot.user,
                          start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 15),
                          note="Appel d'automne")
    newcomer = factories.member("Inès")
    data = {"project": world.project.pk, "envelope": world.envelope.pk, "hours": "2",
            "kind": "production", "description": "Désherbage", "action": "draft"}
    response = client_for(newcomer).post(QUICK, {**data, "date": "2026-11-19"})
    body = response.content.decode()
    assert response.status_code == 200 and "pas en période ouverte" in body
    assert "du 01/11/2026 au 15/11/2026" in body and not Contribution.objects.exists()
    assert client_for(newcomer).post(QUICK, {**data, "date": "2026-11-10"}).status_code == 302
    # The team logs on any date.
    assert client_for(world.contributor).post(QUICK, {**data, "date": "2026-11-19"}
                                              ).status_code == 302


def test_open_periods_are_shown_on_the_project_page(world, client_for):
    teams.open_period_add(project=world.project, actor=world.coordinator.user,
                          start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 30),
                          note="Printemps")
    body = client_for(world.contributor).get(
        reverse("projects:detail", args=[world.project.slug])).content.decode()
    assert "du 01/03/2026 au 30/04/2026" in body and "Printemps" in body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OPEN_PERIOD_CHANGED).exists()


@pytest.mark.parametrize("start,end,message", [
    (datetime.date(2026, 5, 1), datetime.date(2026, 4, 1), "précède son début"),
    (datetime.date(2025, 5, 1), datetime.date(2026, 4, 1), "tenir dans la période du projet"),
    (datetime.date(2026, 3, 15), datetime.date(2026, 5, 1), "chevauche"),
])
def test_bad_open_periods_are_refused(world, start, end, message):
    teams.open_period_add(project=world.project, actor=world.pilot.user,
                          start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 30))
    with pytest.raises(ValidationError) as error:
        teams.open_period_add(project=world.project, actor=world.pilot.user, start=start, end=end)
    assert message in " ".join(error.value.messages)
    assert OpenPeriod.objects.count() == 1


def test_a_new_member_with_no_project_sees_an_explanation(client_for, db):
    lonely = factories.member("Yanis")
    body = client_for(lonely).get(QUICK).content.decode()
    assert 'data-testid="no-project"' in body and "Aucun projet ne vous est ouvert" in body


def test_pilot_starts_a_closed_production_period_then_reopens(world, client_for):
    client = client_for(world.pilot)
    url = reverse("projects:set_open", args=[world.project.slug])
    client.post(url, {"is_open": "0"})
    world.project.refresh_from_db()
    assert not world.project.is_open
    client.post(url, {"is_open": "1"})
    world.project.refresh_from_db()
    assert world.project.is_open
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OPEN_PERIOD_CHANGED).count() == 2


@pytest.mark.parametrize("who,status", [("contributor", 403), ("pilot", 302),
                                        ("treasurer", 403), ("coordinator", 302),
                                        ("outsider", 403)])
def test_open_switch_per_role(world, client_for, who, status):
    url = reverse("projects:set_open", args=[world.project.slug])
    assert client_for(getattr(world, who)).post(url, {"is_open": "0"}).status_code == status


def test_a_new_member_with_no_project_sees_an_explanation_on_the_week_grid(client_for, db):
    lonely = factories.member("Yanis")
    body = client_for(lonely).get(WEEK).content.decode()
    assert 'data-testid="no-project"' in body


def test_project_page_queries_do_not_grow_with_the_team_and_periods(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.pilot)
    url = reverse("projects:detail", args=[world.project.slug])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)
    small = count()
    for i in range(20):
        factories.role(world.project, factories.member(f"Membre{i}"))
    for month in range(2, 8):
        OpenPeriod.objects.create(project=world.project, start=datetime.date(2026, month, 1),
                                  end=datetime.date(2026, month, 10))
    # New members make the cached member list stale: warm it again, so both counts are of
    # a page whose list is cached (its one query happens once per change of the members).
    client.get(url)
    assert count() == small


def test_team_member_list_shows_a_new_or_renamed_member_at_once(world, client_for):
    client = client_for(world.pilot)
    url = reverse("projects:detail", args=[world.project.slug])

    def options():
        page = client.get(url).content.decode()
        return page.split('id="team_member"')[1].split("</select>")[0]

    assert "Olga" in options()
    factories.member("Zoé")
    world.outsider.first_name = "Oksana"
    world.outsider.save()
    shown = options()
    assert "Zoé" in shown and "Oksana" in shown and "Olga" not in shown
