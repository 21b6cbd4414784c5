"""Run pages, per role: 404 for outsiders, 403 for members lacking the right; the pilot's
journey through the pages; query counts that do not grow with the lines."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from contribbudget.models import Preference
from retributions.models import RetributionLine, RetributionRun
from tests import factories

from .runs_support import END, START, computed_run, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    validated(world.contributor, world.envelope, "7.00")
    validated(world.copilot, world.envelope, "3.50")
    return computed_run(world)


@pytest.mark.parametrize("who, status", [
    ("pilot", 200), ("coordinator", 200), ("treasurer", 200), ("contributor", 403),
    ("outsider", 404),
])
def test_run_detail_per_role(world, run, client_for, who, status):
    response = client_for(getattr(world, who)).get(reverse("retributions:run_detail",
                                                           args=[run.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Camille" in response.content.decode()


@pytest.mark.parametrize("who, status", [
    ("pilot", 302), ("coordinator", 302), ("treasurer", 403), ("contributor", 403),
    ("outsider", 404),
])
def test_only_pilots_and_coordinators_approve(world, run, client_for, who, status):
    response = client_for(getattr(world, who)).post(reverse("retributions:run_approve",
                                                            args=[run.pk]))
    assert response.status_code == status
    run.refresh_from_db()
    assert (run.status == "approved") == (status == 302)


def test_pilot_starts_a_run_and_lands_on_its_draft(world, client_for, django_capture_on_commit_callbacks):
    validated(world.contributor, world.envelope, "7.00")
    client = client_for(world.pilot)
    assert client.get(reverse("retributions:run_create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("retributions:run_create"), {
            "envelope": world.envelope.pk, "period_start": START.isoformat(),
            "period_end": END.isoformat()})
    run = RetributionRun.objects.get()
    assert response.url == reverse("retributions:run_detail", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "280,00" in page and "Approuver ce calcul" in page


def test_starting_a_run_without_work_says_so_and_keeps_the_input(world, client_for):
    response = client_for(world.pilot).post(reverse("retributions:run_create"), {
        "envelope": world.envelope.pk, "period_start": START.isoformat(),
        "period_end": END.isoformat()})
    assert response.status_code == 400
    page = response.content.decode()
    assert "rien à rétribuer" in page and START.isoformat() in page
    assert not RetributionRun.objects.exists()


def test_contributor_cannot_start_runs(world, client_for):
    assert client_for(world.contributor).get(
        reverse("retributions:run_create")).status_code == 403


def test_override_without_reason_is_refused_and_shown_on_the_line(world, run, client_for):
    line = run.lines.get(member=world.contributor)
    response = client_for(world.pilot).post(
        reverse("retributions:run_line_override", args=[line.pk]),
        {f"line-{line.pk}-amount": "300.00", f"line-{line.pk}-reason": ""})
    assert response.status_code == 400
    assert "motif" in response.content.decode()
    line.refresh_from_db()
    assert line.money == line.computed_money


def test_override_with_reason_changes_the_share(world, run, client_for):
    line = run.lines.get(member=world.contributor)
    response = client_for(world.pilot).post(
        reverse("retributions:run_line_override", args=[line.pk]),
        {f"line-{line.pk}-amount": "300.00", f"line-{line.pk}-reason": "Atelier annulé"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.money == Decimal("300.00") and line.override_reason == "Atelier annulé"


def test_progress_fragment_reloads_the_page_when_done(world, run, client_for):
    response = client_for(world.pilot).get(reverse("retributions:run_progress", args=[run.pk]),
                                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    RetributionRun.objects.filter(pk=run.pk).update(status="computing", progress_done=1)
    response = client_for(world.pilot).get(reverse("retributions:run_progress", args=[run.pk]))
    assert "hx-trigger" in response.content.decode() and "33 %" in response.content.decode()


def test_run_detail_queries_do_not_grow_with_lines(world, client_for, django_assert_max_num_queries):
    validated(world.contributor, world.envelope, "2.00")
    small = computed_run(world)
    client = client_for(world.pilot)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(reverse("retributions:run_detail", args=[small.pk]))
    env = factories.envelope(world.project, amount="50000.00")
    for i in range(30):
        validated(factories.member(f"M{i}"), env, "1.00")
    large = computed_run(world, envelope=env)
    with CaptureQueriesContext(connection) as second:
        page = client.get(reverse("retributions:run_detail", args=[large.pk]))
    assert page.content.decode().count('<tr id="line-') == 30
    assert len(second.captured_queries) <= len(first.captured_queries)


def test_run_list_shows_runs_to_their_pilots_only(world, run, client_for):
    assert "Légumerie" in client_for(world.pilot).get(
        reverse("retributions:run_list")).content.decode()
    assert client_for(world.contributor).get(reverse("retributions:run_list")).status_code == 403
    assert "Légumerie" not in client_for(world.outsider).get(
        reverse("retributions:run_list")).content.decode()


# --- A contributor's retributions and per-run preference ------------------------------------

def test_contributor_sees_their_share_and_changes_their_preference_for_the_run(
        world, run, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.contributor)
    page = client.get(reverse("retributions:my_retributions")).content.decode()
    assert "Légumerie" in page and "Changer ma préférence" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("retributions:my_retributions"), {
            "run": run.pk, f"run-{run.pk}-preference": Preference.SYMBOLIC,
            f"run-{run.pk}-symbolic_text": "Un panier de légumes"})
    assert response.status_code == 302
    line = RetributionLine.objects.get(run=run, member=world.contributor)
    assert line.money == 0 and line.non_financial == "Un panier de légumes"


def test_symbolic_without_text_keeps_the_form_with_an_error(world, run, client_for):
    response = client_for(world.contributor).post(reverse("retributions:my_retributions"), {
        "run": run.pk, f"run-{run.pk}-preference": Preference.SYMBOLIC})
    assert response.status_code == 400
    assert "rétribution symbolique" in response.content.decode()


def test_another_member_cannot_change_a_preference_in_a_run_they_are_not_in(world, run, client_for):
    response = client_for(world.outsider).post(reverse("retributions:my_retributions"), {
        "run": run.pk, f"run-{run.pk}-preference": Preference.VOLUNTEER})
    assert response.status_code == 404


# --- Smoothing pages ------------------------------------------------------------------------

def test_member_asks_for_smoothing_and_the_pilot_sees_them_first(world, run, client_for):
    factories.envelope(world.project, name="Réserve", kind="reserve", amount="600.00")
    response = client_for(world.contributor).post(
        reverse("retributions:smoothing_request_create"), {
            "project": world.project.pk, "period_start": START.isoformat(),
            "period_end": END.isoformat(), "reason": "Beaucoup de préparation invisible"})
    assert response.status_code == 302
    page = client_for(world.pilot).get(reverse("retributions:smoothing_run_create"), {
        "project": world.project.pk, "period_start": START.isoformat(),
        "period_end": END.isoformat()}).content.decode()
    assert page.index("Camille") < page.index("Nadia")
    assert "Beaucoup de préparation invisible" in page


def test_smoothing_round_is_started_from_the_page(world, run, client_for):
    factories.envelope(world.project, name="Réserve", kind="reserve", amount="600.00")
    response = client_for(world.pilot).post(reverse("retributions:smoothing_run_create"), {
        "project": world.project.pk, "period_start": START.isoformat(),
        "period_end": END.isoformat(), "members": [world.contributor.pk, world.copilot.pk]})
    assert response.status_code == 302
    assert RetributionRun.objects.get(kind="smoothing").selected_members.count() == 2


def test_smoothing_round_without_anyone_selected_is_refused(world, run, client_for):
    factories.envelope(world.project, name="Réserve", kind="reserve", amount="600.00")
    response = client_for(world.pilot).post(reverse("retributions:smoothing_run_create"), {
        "project": world.project.pk, "period_start": START.isoformat(),
        "period_end": (END + datetime.timedelta(days=0)).isoformat()})
    assert response.status_code == 400
    assert "au moins une personne" in response.content.decode()
