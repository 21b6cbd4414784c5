"""Project pages as each role sees them: permissions per object, forms that explain and keep
what was typed, exports, the public page, and query counts that do not grow with rows."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contribbudget.models import AuditEvent, Member
from projects.models import Adjustment, AdjustmentRequest, CoordinationGrain, Envelope, Funding

from .. import factories
from ..exports_support import body

pytestmark = pytest.mark.django_db


def amount(envelope):
    return sum((a.delta for a in Adjustment.objects.filter(envelope=envelope)), Decimal("0"))


# --- project page ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["contributor", "pilot", "treasurer", "coordinator", "outsider"])
def test_every_member_sees_the_project_page_with_budget_and_envelopes(world, client_for, role):
    response = client_for(getattr(world, role)).get(reverse("projects:detail", args=["legumerie"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "20\u00a0000,00\u00a0€" in html  # budget
    assert "Production" in html and 'class="bar' in html
    assert ("Nouvelle enveloppe" in html) == (role in ("pilot", "coordinator"))


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(reverse("projects:detail", args=["legumerie"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_project_page_shows_hours_value_distributed_and_available(world, client_for, approved_run):
    factories.contribution(world.contributor, world.envelope, hours=Decimal("7"), status="validated")
    factories.contribution(world.contributor, world.envelope, hours=Decimal("3"), status="submitted")
    approved_run(world.envelope, "1000.00")
    html = client_for(world.pilot).get(reverse("projects:detail", args=["legumerie"])).content.decode()
    assert "280,00\u00a0€" in html  # 7 h = one day at 280 €
    assert "9\u00a0000,00\u00a0€" in html  # available = 10 000 − 1 000
    assert "7\u00a0h" in html


def test_project_page_flags_daily_rate_outliers_to_pilots_only(world, client_for):
    world.contributor.expected_daily_rate = Decimal("1000.00")
    world.contributor.save()
    pilot_html = client_for(world.pilot).get(reverse("projects:detail", args=["legumerie"])).content.decode()
    assert 'data-testid="outliers"' in pilot_html and "1\u00a0000,00\u00a0€" in pilot_html
    contributor_html = client_for(world.contributor).get(
        reverse("projects:detail", args=["legumerie"])).content.decode()
    assert 'data-testid="outliers"' not in contributor_html


def test_expected_rate_within_the_threshold_is_not_flagged(world, client_for):
    world.contributor.expected_daily_rate = Decimal("560.00")  # exactly 2 × 280
    world.contributor.save()
    html = client_for(world.pilot).get(reverse("projects:detail", args=["legumerie"])).content.decode()
    assert 'data-testid="outliers"' not in html


def test_unknown_project_is_404(world, client_for):
    assert client_for(world.pilot).get(reverse("projects:detail", args=["nope"])).status_code == 404


def test_project_list_puts_my_projects_first(world, client_for):
    html = client_for(world.outsider).get(reverse("projects:list")).content.decode()
    assert html.index("Festival") < html.index("Légumerie")
    assert "Mes projets" in html


# --- adjustments and transfers through the pages ---------------------------------------------

def test_pilot_adjusts_an_envelope_and_sees_it_in_the_history(world, client_for):
    client = client_for(world.pilot)
    response = client.post(reverse("projects:adjust", args=[world.envelope.pk]),
                           {"delta": "1500.00", "reason": "Ateliers en plus"})
    assert response.status_code == 302
    history = client.get(reverse("projects:envelope_detail", args=[world.envelope.pk])).content.decode()
    assert "Ateliers en plus" in history and world.pilot.full_name in history
    assert "11\u00a0500,00\u00a0€" in history


def test_adjustment_without_reason_is_explained_and_keeps_the_amount_typed(world, client_for):
    response = client_for(world.pilot).post(reverse("projects:adjust", args=[world.envelope.pk]),
                                            {"delta": "1234.56", "reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Indiquez le motif" in html and 'value="1234.56"' in html
    assert amount(world.envelope) == Decimal("10000.00")


def test_pilot_cannot_adjust_another_projects_envelope_by_changing_the_id(world, client_for):
    # world.outsider pilots the Festival, not the Légumerie.
    response = client_for(world.outsider).post(
        reverse("projects:adjust", args=[world.envelope.pk]), {"delta": "100", "reason": "x"})
    assert response.status_code == 403
    assert amount(world.envelope) == Decimal("10000.00")


@pytest.mark.parametrize("role", ["contributor", "treasurer"])
def test_contributor_and_treasurer_cannot_adjust_create_or_transfer(world, client_for, role):
    client = client_for(getattr(world, role))
    target = factories.envelope(world.project, name="Coordination", amount="100.00")
    assert client.post(reverse("projects:adjust", args=[world.envelope.pk]),
                       {"delta": "100", "reason": "x"}).status_code == 403
    assert client.post(reverse("projects:transfer", args=["legumerie"]),
                       {"source": world.envelope.pk, "target": target.pk, "amount": "10",
                        "reason": "x"}).status_code == 403
    assert client.post(reverse("projects:envelope_create", args=["legumerie"]),
                       {"name": "X", "kind": "production"}).status_code == 403
    assert client.post(reverse("projects:envelope_edit", args=[world.envelope.pk]),
                       {"name": "X"}).status_code == 403
    assert Adjustment.objects.count() == 3


def test_unknown_envelope_is_404(world, client_for):
    assert client_for(world.pilot).get(reverse("projects:envelope_detail", args=[99999])).status_code == 404


def test_pilot_transfers_between_two_envelopes(world, client_for):
    target = factories.envelope(world.project, name="Coordination", amount="2000.00")
    response = client_for(world.pilot).post(
        reverse("projects:transfer", args=["legumerie"]),
        {"source": world.envelope.pk, "target": target.pk, "amount": "500.00",
         "reason": "Plus de coordination"})
    assert response.status_code == 302
    assert amount(world.envelope) == Decimal("9500.00") and amount(target) == Decimal("2500.00")


def test_transfer_to_another_projects_envelope_is_refused_by_the_form(world, client_for):
    response = client_for(world.pilot).post(
        reverse("projects:transfer", args=["legumerie"]),
        {"source": world.envelope.pk, "target": world.other_envelope.pk, "amount": "500.00",
         "reason": "Détournement"})
    assert response.status_code == 400
    assert amount(world.other_envelope) == Decimal("4000.00")


def test_pilot_creates_an_envelope_and_a_cap_above_it_is_explained(world, client_for):
    client = client_for(world.pilot)
    data = {"name": "Communication", "kind": "support_com", "daily_rate": "250",
            "hours_per_day": "7", "rule": "time_rate", "cap": "5000", "declined_shares": "respread",
            "surplus_policy": "carry", "surplus_commons_percent": "50", "amount": "3000",
            "reason": "Comité"}
    response = client.post(reverse("projects:envelope_create", args=["legumerie"]), data)
    assert response.status_code == 400
    assert "dépasse le montant" in response.content.decode()
    assert not Envelope.objects.filter(name="Communication").exists()
    response = client.post(reverse("projects:envelope_create", args=["legumerie"]),
                           {**data, "cap": "1000"})
    assert response.status_code == 302
    assert amount(Envelope.objects.get(name="Communication")) == Decimal("3000.00")


def test_pilot_edits_the_rule_and_the_history_shows_the_change(world, client_for):
    client = client_for(world.pilot)
    data = {"name": "Production", "kind": "production", "daily_rate": "300", "hours_per_day": "7",
            "rule": "prorata", "cap": "", "declined_shares": "respread",
            "surplus_policy": "split", "surplus_commons_percent": "50", "reason": "Vote"}
    assert client.post(reverse("projects:envelope_edit", args=[world.envelope.pk]),
                       data).status_code == 302
    world.envelope.refresh_from_db()
    assert world.envelope.rule == "prorata" and world.envelope.daily_rate == Decimal("300")
    bad = client.post(reverse("projects:envelope_edit", args=[world.envelope.pk]),
                      {**data, "surplus_commons_percent": "150"})
    assert bad.status_code == 400


# --- adjustment requests ---------------------------------------------------------------------

def test_contributor_requests_and_pilot_accepts_through_the_pages(world, client_for,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.contributor).post(
            reverse("projects:request_create", args=[world.envelope.pk]),
            {"delta": "600", "work_estimate": "3 jours", "reason": "Atelier en plus"})
    assert response.status_code == 302
    request = AdjustmentRequest.objects.get()
    page = client_for(world.pilot).get(reverse("projects:envelope_detail", args=[world.envelope.pk]))
    assert "Atelier en plus" in page.content.decode()
    response = client_for(world.pilot).post(reverse("projects:request_decide", args=[request.pk]),
                                            {"decision": "accept", "comment": ""})
    assert response.status_code == 302
    assert amount(world.envelope) == Decimal("10600.00")


def test_outsider_cannot_request_and_contributor_cannot_decide(world, client_for):
    assert client_for(world.outsider).post(
        reverse("projects:request_create", args=[world.envelope.pk]),
        {"delta": "600", "work_estimate": "x", "reason": "y"}).status_code == 403
    request = AdjustmentRequest.objects.create(envelope=world.envelope, requested_by=world.contributor,
                                               delta=Decimal("10"), work_estimate="x", reason="y")
    assert client_for(world.contributor).post(
        reverse("projects:request_decide", args=[request.pk]),
        {"decision": "accept"}).status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"


def test_declining_without_comment_shows_an_error_and_keeps_the_request(world, client_for):
    request = AdjustmentRequest.objects.create(envelope=world.envelope, requested_by=world.contributor,
                                               delta=Decimal("10"), work_estimate="x", reason="y")
    response = client_for(world.pilot).post(reverse("projects:request_decide", args=[request.pk]),
                                            {"decision": "decline", "comment": ""}, follow=True)
    assert "Expliquez le refus" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


# --- grains ----------------------------------------------------------------------------------

def grain_post(world, **kw):
    data = {"member": world.pilot.pk, "field": world.project.field.pk, "project": world.project.pk,
            "envelope": world.envelope.pk, "start": "2026-01-01", "end": "2026-12-31",
            "fte_drive": "0.2", "fte_contribute": "0.1", "mode": "contributive", "yearly_cost": ""}
    data.update(kw)
    return data


def test_coordinator_creates_a_grain_and_sees_its_capacity(world, client_for):
    client = client_for(world.coordinator)
    response = client.post(reverse("projects:grain_create"), grain_post(world))
    assert response.status_code == 302
    grain = CoordinationGrain.objects.get()
    assert response["Location"] == reverse("projects:grain_detail", args=[grain.pk])
    html = client.get(response["Location"]).content.decode()
    assert "482,1\u00a0h" in html  # 0.3 × 1 607 h over a whole year


def test_grain_with_a_wrong_split_is_explained(world, client_for):
    response = client_for(world.coordinator).post(reverse("projects:grain_create"),
                                                  grain_post(world, fte_drive="0.3", fte_contribute="0"))
    assert response.status_code == 400
    assert "0,2 pour piloter" in response.content.decode()
    assert not CoordinationGrain.objects.exists()


def test_pilot_cannot_create_grains(world, client_for):
    assert client_for(world.pilot).post(reverse("projects:grain_create"),
                                        grain_post(world)).status_code == 403


def test_grain_page_warns_when_use_runs_ahead_of_the_calendar(world, client_for):
    today = datetime.date.today()
    grain = factories.grain(world.pilot, world.envelope, start=today - datetime.timedelta(days=9),
                            end=today + datetime.timedelta(days=355))
    for _ in range(3):
        factories.contribution(world.pilot, world.envelope, hours=Decimal("8"), kind="coordination",
                               grain=grain, status="validated", date=today)
    html = client_for(world.coordinator).get(reverse("projects:grain_detail", args=[grain.pk])).content.decode()
    assert "en avance sur le calendrier" in html
    assert "24\u00a0h" in html


def test_grains_page_lists_grains_by_field(world, client_for):
    factories.grain(world.pilot, world.envelope)
    html = client_for(world.contributor).get(reverse("projects:grains")).content.decode()
    assert world.project.field.name in html and world.pilot.full_name in html


# --- overview --------------------------------------------------------------------------------

@pytest.mark.parametrize("role,status", [("contributor", 403), ("pilot", 403), ("treasurer", 200),
                                         ("coordinator", 200)])
def test_overview_is_for_treasurers_and_coordinators(world, client_for, role, status):
    assert client_for(getattr(world, role)).get(reverse("projects:overview")).status_code == status


def test_overview_filters_by_field_and_exports_csv(world, client_for):
    client = client_for(world.treasurer)
    url = reverse("projects:overview")
    html = client.get(url, {"field": world.project.field.pk}).content.decode()
    assert "Légumerie" in html and "Festival" not in html
    response = client.get(url, {"field": world.project.field.pk, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode("utf-8-sig")
    assert "Légumerie" in text and "Festival" not in text and "20000,00" in text
    xlsx = client.get(url, {"export": "xlsx"})
    assert body(xlsx)[:2] == b"PK"


def test_overview_period_keeps_projects_active_during_it(world, client_for):
    world.other_project.start = datetime.date(2030, 1, 1)
    world.other_project.end = datetime.date(2030, 12, 31)
    world.other_project.save()
    html = client_for(world.treasurer).get(reverse("projects:overview"),
                                           {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    assert "Légumerie" in html and "Festival" not in html


def test_overview_flags_pending_requests(world, client_for):
    AdjustmentRequest.objects.create(envelope=world.envelope, requested_by=world.contributor,
                                     delta=Decimal("10"), work_estimate="x", reason="y")
    html = client_for(world.coordinator).get(reverse("projects:overview")).content.decode()
    assert "1 demande d&#x27;ajustement en attente" in html or "1 demande d'ajustement en attente" in html


def test_overview_says_no_project_matches_the_filters(world, client_for):
    html = client_for(world.treasurer).get(reverse("projects:overview"),
                                           {"phase": "closed"}).content.decode()
    assert "Aucun projet ne correspond à ces filtres." in html
    assert "Légumerie" not in html


@pytest.mark.django_db
def test_overview_of_a_network_without_projects_says_so_in_french_and_english(client_for):
    client = client_for(factories.member("Tess", is_treasurer=True))
    assert "Le réseau n&#x27;a pas encore de projet." in client.get(
        reverse("projects:overview")).content.decode()
    client.cookies["django_language"] = "en"
    assert "The network has no project yet." in client.get(
        reverse("projects:overview")).content.decode()


# --- public page -----------------------------------------------------------------------------

def test_public_page_shows_nothing_of_a_project_that_did_not_opt_in(world, client):
    response = client.get(reverse("projects:public", args=["legumerie"]))
    assert response.status_code == 404
    assert "Légumerie" not in response.content.decode()


def test_public_page_without_login_anonymises_contributors(world, client):
    world.project.public_page = True
    world.project.save()
    factories.contribution(world.contributor, world.envelope, hours=Decimal("5"), status="validated")
    html = client.get(reverse("projects:public", args=["legumerie"])).content.decode()
    assert "20\u00a0000,00\u00a0€" in html and "Contributeur·rice 1" in html
    assert world.contributor.last_name not in html


def test_public_page_names_contributors_when_the_project_chooses(world, client):
    world.project.public_page = True
    world.project.public_names = "named"
    world.project.save()
    factories.contribution(world.contributor, world.envelope, hours=Decimal("5"), status="validated")
    html = client.get(reverse("projects:public", args=["legumerie"])).content.decode()
    assert world.contributor.last_name in html


# --- query counts ----------------------------------------------------------------------------

def add_envelopes(project, n, author, prefix="Env"):
    envelopes = Envelope.objects.bulk_create(
        [Envelope(project=project, name=f"{prefix} {i}", kind="production") for i in range(n)])
    Adjustment.objects.bulk_create(
        [Adjustment(envelope=e, delta=Decimal("1.00"), reason="init", author=author) for e in envelopes])
    return envelopes


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        body(response)  # a streamed export runs its queries as it is read
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_project_page_runs_the_same_queries_with_2_and_200_envelopes(world, client_for):
    client = client_for(world.pilot)
    url = reverse("projects:detail", args=["legumerie"])
    add_envelopes(world.project, 1, world.pilot.user)
    factories.grain(world.pilot, world.envelope)
    world.contributor.expected_daily_rate = Decimal("900")
    world.contributor.save()
    small = count_queries(client, url)
    envelopes = add_envelopes(world.project, 198, world.pilot.user, prefix="Plus")
    members = [factories.member(f"M{i}") for i in range(20)]
    for m in members:
        factories.role(world.project, m)
        factories.contribution(m, envelopes[0], status="validated")
    factories.grain(members[0], envelopes[1])
    assert Envelope.objects.filter(project=world.project).count() == 200
    large = count_queries(client, url)
    assert small == large, (small, large)


def test_envelope_history_runs_the_same_queries_with_few_and_many_adjustments(world, client_for):
    client = client_for(world.pilot)
    url = reverse("projects:envelope_detail", args=[world.envelope.pk])
    small = count_queries(client, url)
    target = factories.envelope(world.project, name="Coordination", amount="100.00")
    from projects import services
    for i in range(30):
        services.envelope_transfer(source=world.envelope, target=target, amount=Decimal("1"),
                                   reason=f"v{i}", author=world.copilot.user)
    AdjustmentRequest.objects.create(envelope=world.envelope, requested_by=world.contributor,
                                     delta=Decimal("10"), work_estimate="x", reason="y")
    large = count_queries(client, url)
    assert small + 1 >= large  # the transfers' counterpart names: one query, added once


def test_overview_runs_the_same_queries_with_2_and_200_projects(world, client_for):
    client = client_for(world.treasurer)
    url = reverse("projects:overview")
    small = count_queries(client, url)
    field = world.project.field
    from projects.models import Project
    projects = Project.objects.bulk_create([
        Project(field=field, name=f"P{i:03d}", slug=f"p{i:03d}", start=datetime.date(2026, 1, 1))
        for i in range(198)])
    Funding.objects.bulk_create([
        Funding(project=p, funder="Région", reference="R", amount=Decimal("100"),
                start=p.start, end=p.start) for p in projects])
    for p in projects[:20]:
        add_envelopes(p, 2, world.pilot.user)
    assert Project.objects.count() == 200
    large = count_queries(client, url)
    assert small == large, (small, large)
    assert count_queries(client, url, export="csv") <= small


def test_grains_page_runs_the_same_queries_with_1_and_30_grains(world, client_for):
    client = client_for(world.coordinator)
    url = reverse("projects:grains")
    factories.grain(world.pilot, world.envelope)
    small = count_queries(client, url)
    for m in [factories.member(f"G{i}") for i in range(29)]:
        factories.grain(m, world.envelope)
    large = count_queries(client, url)
    assert small == large


def test_members_without_profile_get_404(world, client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="nomember", password="x")
    client.force_login(user)
    assert client.get(reverse("projects:detail", args=["legumerie"])).status_code == 404
    assert Member.objects.filter(user=user).count() == 0
    assert AuditEvent.objects.count() == 0
