"""Setting up a project (montage): the project, its pilots, fundings and envelopes from the
template, in one transaction with its audit — and every bad input refused with a French
message, the form keeping what was typed, nothing written."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contribbudget.models import AuditEvent, NetworkSettings
from projects import montage
from projects.models import Adjustment, Envelope, Funding, Project, ProjectRole

pytestmark = pytest.mark.django_db
SETUP = reverse("projects:setup")
START, END = datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)


def fundings(*amounts, start=START, end=END):
    return [montage.FundingInput(funder=f"Financeur {i}", reference=f"CONV-{i}",
                                 amount=Decimal(a), start=start, end=end)
            for i, a in enumerate(amounts, start=1)]


def template_envelopes(budget: str):
    return [montage.EnvelopeInput(name=row["name"], kind=row["kind"], rule=row["rule"],
                                  daily_rate=Decimal(row["daily_rate"]),
                                  amount=montage.share_amount(Decimal(budget),
                                                              Decimal(row["share"])))
            for row in montage.envelope_template()]


def setup(world, **kw):
    kw.setdefault("field", world.project.field)
    kw.setdefault("name", "Tiers-lieux nourriciers")
    kw.setdefault("start", START)
    kw.setdefault("end", END)
    kw.setdefault("pilots", [world.pilot])
    kw.setdefault("fundings", fundings("30000.00", "12000.00"))
    kw.setdefault("envelopes", template_envelopes("42000.00"))
    return montage.project_setup(author=world.coordinator.user, **kw)


def test_setup_creates_project_fundings_pilots_and_template_envelopes_with_audit(world):
    project = setup(world)
    assert project.slug == "tiers-lieux-nourriciers"
    assert Funding.objects.filter(project=project).count() == 2
    assert list(project.roles.values_list("member", "role")) == [(world.pilot.pk, "pilot")]
    envelopes = {e.name: e for e in project.envelopes.all()}
    assert set(envelopes) >= {"Production", "Coordination", "Administration", "Coopération",
                              "Communication", "Documentation",
                              "Sessions créatives et d'alignement", "Fonds des communs",
                              "Réserve de lissage"}
    production = Adjustment.objects.get(envelope=envelopes["Production"])
    assert production.delta == Decimal("23100.00")  # 55 % of 42 000 €
    total = sum(a.delta for a in Adjustment.objects.filter(envelope__project=project))
    assert total == Decimal("42000.00")  # the default template shares sum to 100 %
    assert envelopes["Réserve de lissage"].rule == Envelope.Rule.BALANCED
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROJECT_CREATED)
    assert event.project == project and event.data["budget"] == "42000.00"


def test_the_setup_proposes_the_network_template_from_its_settings(world):
    custom = [{"kind": "production", "name": "Chantier", "share": "80", "rule": "prorata",
               "daily_rate": "300.00"},
              {"kind": "nonsense", "name": "Ignorée", "share": "20"}]
    network = NetworkSettings.load()
    network.envelope_template = custom
    network.save()
    assert montage.envelope_template() == custom[:1]  # a malformed row is left out
    network.envelope_template = []
    network.save()
    assert montage.envelope_template()[0]["name"] == "Production"  # the default


@pytest.mark.parametrize("name,slug,message", [
    ("Légumerie", "", "Un projet s'appelle déjà « Légumerie »"),
    ("légumerie", "autre", "Un projet s'appelle déjà"),
    ("Autre nom", "legumerie", "L'identifiant « legumerie » est déjà pris"),
    ("Autre nom", "Pas un slug!", "lettres sans accent"),
    ("Autre nom", "grains", "est réservé"),
])
def test_duplicate_or_invalid_name_and_slug_are_refused_and_nothing_is_written(
        world, name, slug, message):
    before = Project.objects.count()
    with pytest.raises(ValidationError) as error:
        setup(world, name=name, slug=slug)
    assert any(message in m for m in error.value.messages)
    assert Project.objects.count() == before and not Funding.objects.filter(reference="CONV-1")


def test_a_funding_period_outside_the_project_is_refused(world):
    with pytest.raises(ValidationError) as error:
        setup(world, fundings=fundings("42000.00", start=datetime.date(2026, 6, 1)))
    message = " ".join(error.value.message_dict["fundings"])
    assert "sort de la période du projet" in message and "Raccourcissez" in message
    assert not Project.objects.filter(name="Tiers-lieux nourriciers").exists()


def test_envelopes_totalling_more_than_the_budget_are_refused(world):
    envelopes = template_envelopes("42000.00")
    envelopes[0].amount += Decimal("500.00")
    with pytest.raises(ValidationError) as error:
        setup(world, envelopes=envelopes)
    message = " ".join(error.value.message_dict["envelopes"])
    assert "42\u00a0500,00" in message and "baissez des enveloppes de 500,00" in message
    assert not Project.objects.filter(name="Tiers-lieux nourriciers").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PROJECT_CREATED).exists()


def test_a_project_needs_a_pilot(world):
    with pytest.raises(ValidationError) as error:
        setup(world, pilots=[])
    assert "pilote" in error.value.message_dict["pilots"][0]


def test_copying_keeps_the_envelope_structure_and_the_team_with_new_fundings(world):
    world.envelope.hours_per_day = Decimal("8")
    world.envelope.save()
    initial = montage.copy_initial(world.project)
    assert initial["envelopes"] == [{"kind": "production", "name": "Production",
                                     "share": "50.00", "rule": "time_rate",
                                     "daily_rate": "280.00"}]
    assert sorted(initial["pilots"]) == sorted([world.pilot.pk, world.copilot.pk])
    assert (initial["start"], initial["end"]) == (datetime.date(2028, 1, 1),
                                                  datetime.date(2029, 12, 30))  # same length in days
    rows = [montage.EnvelopeInput(name="Production", kind="production", rule="time_rate",
                                  daily_rate=Decimal("280.00"), amount=Decimal("3000.00"))]
    copy = setup(world, name="Légumerie 2027", pilots=[world.pilot, world.copilot],
                 fundings=fundings("6000.00"), envelopes=rows, copy_from=world.project)
    roles = dict(copy.roles.values_list("member_id", "role"))
    assert roles == {world.pilot.pk: "pilot", world.copilot.pk: "pilot",
                     world.contributor.pk: "contributor"}
    assert copy.envelopes.get().hours_per_day == Decimal("8")
    assert list(copy.fundings.values_list("reference", flat=True)) == ["CONV-1"]


# --- The page ----------------------------------------------------------------------------------

def post_data(world, **overrides):
    data = {"field": world.project.field.pk, "name": "Cantine des communs", "slug": "",
            "description": "", "start": "2027-01-01", "end": "2027-12-31", "phase": "emergence",
            "is_open": "on", "pilots": [world.pilot.pk],
            "f-TOTAL_FORMS": "2", "f-INITIAL_FORMS": "0",
            "f-0-funder": "Région", "f-0-reference": "REG-27", "f-0-amount": "10000.00",
            "f-0-start": "2027-01-01", "f-0-end": "2027-12-31",
            "f-1-funder": "ANCT", "f-1-reference": "ANCT-27", "f-1-amount": "5000.00",
            "f-1-start": "2027-03-01", "f-1-end": "2027-12-31",
            "e-TOTAL_FORMS": "2", "e-INITIAL_FORMS": "2",
            "e-0-kind": "production", "e-0-name": "Production", "e-0-share": "60",
            "e-0-amount": "", "e-0-rule": "time_rate", "e-0-daily_rate": "250.00",
            "e-1-kind": "reserve", "e-1-name": "Réserve", "e-1-share": "10",
            "e-1-amount": "1500.00", "e-1-rule": "balanced", "e-1-daily_rate": "250.00"}
    data.update(overrides)
    return data


def test_coordinator_sets_up_a_project_from_the_page(world, client_for):
    response = client_for(world.coordinator).post(SETUP, post_data(world))
    assert response.status_code == 302
    project = Project.objects.get(slug="cantine-des-communs")
    assert response["Location"] == reverse("projects:detail", args=[project.slug])
    amounts = dict(Adjustment.objects.filter(envelope__project=project)
                   .values_list("envelope__name", "delta"))
    assert amounts == {"Production": Decimal("9000.00"), "Réserve": Decimal("1500.00")}


def test_a_refused_setup_keeps_what_was_typed_and_writes_nothing(world, client_for):
    data = post_data(world, **{"e-1-amount": "7000.00", "f-1-reference": "MA-REF-ANCT"})
    response = client_for(world.coordinator).post(SETUP, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Rien n'a été enregistré" in body and "au-delà du budget" in body
    assert 'value="MA-REF-ANCT"' in body and 'value="7000.00"' in body
    assert not Project.objects.filter(name="Cantine des communs").exists()


def test_a_duplicate_name_is_shown_on_the_name_field(world, client_for):
    response = client_for(world.coordinator).post(SETUP, post_data(world, name="Festival"))
    assert response.status_code == 400
    assert "Un projet s&#x27;appelle déjà « Festival »" in response.content.decode()


def test_the_setup_page_proposes_the_template_and_the_live_remaining(world, client_for):
    body = client_for(world.coordinator).get(SETUP).content.decode()
    assert 'data-testid="setup-remaining"' in body and "js/setup.js" in body
    assert 'value="Réserve de lissage"' in body and 'value="55"' in body


@pytest.mark.parametrize("who,status", [("contributor", 403), ("pilot", 403),
                                        ("treasurer", 403), ("coordinator", 200)])
def test_setup_page_per_role(world, client_for, who, status):
    assert client_for(getattr(world, who)).get(SETUP).status_code == status


def test_setup_page_is_404_for_an_account_without_member(client, django_user_model):
    user = django_user_model.objects.create_user(username="x", email="x@example.org",
                                                 password="x")
    client.force_login(user)
    assert client.get(SETUP).status_code == 404


@pytest.mark.parametrize("who,status", [("contributor", 403), ("pilot", 200),
                                        ("treasurer", 403), ("coordinator", 200),
                                        ("outsider", 403)])
def test_copy_page_per_role(world, client_for, who, status):
    url = reverse("projects:copy", args=[world.project.slug])
    response = client_for(getattr(world, who)).get(url)
    assert response.status_code == status
    if status == 200:
        assert 'value="Production"' in response.content.decode()


def test_pilot_copies_their_project_with_its_team(world, client_for):
    url = reverse("projects:copy", args=[world.project.slug])
    data = post_data(world, name="Légumerie 2027", pilots=[world.pilot.pk])
    assert client_for(world.pilot).post(url, data).status_code == 302
    copy = Project.objects.get(name="Légumerie 2027")
    assert set(copy.roles.values_list("member_id", flat=True)) == {
        world.pilot.pk, world.copilot.pk, world.contributor.pk}
    assert ProjectRole.objects.get(project=copy, member=world.copilot).role == "contributor"


def test_new_project_entry_in_the_navigation_for_coordinators_only(world, client_for):
    assert SETUP in client_for(world.coordinator).get(reverse("projects:list")).content.decode()
    assert SETUP not in client_for(world.pilot).get(reverse("projects:list")).content.decode()


def test_copy_button_on_the_project_page_for_pilots(world, client_for):
    url = reverse("projects:detail", args=[world.project.slug])
    copy = reverse("projects:copy", args=[world.project.slug])
    assert copy in client_for(world.pilot).get(url).content.decode()
    assert copy not in client_for(world.contributor).get(url).content.decode()


def test_share_amount_rounds_half_up_to_the_cent():
    assert montage.share_amount(Decimal("333.33"), Decimal("12.5")) == Decimal("41.67")
