"""The quick log: hours typed the way people type them, every bad input refused in the form
with the input kept and nothing written, and a double click creating one row."""
import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions.models import Contribution
from projects.models import Project

from .. import factories

pytestmark = pytest.mark.django_db
URL = reverse("contributions:quick_log")


@pytest.mark.parametrize("typed,expected", [("1h30", "1.50"), ("1,5", "1.50"), ("90 min", "1.50"),
                                            ("2", "2.00"), ("0h45", "0.75"), ("1:15", "1.25")])
def test_quick_log_reads_hours_as_people_type_them(world, client_for, payload, typed, expected):
    response = client_for(world.contributor).post(URL, payload(hours=typed))
    assert response.status_code == 302
    assert Contribution.objects.get().hours == Decimal(expected)


def test_quick_log_saves_a_draft_or_submits_directly(world, client_for, payload):
    client = client_for(world.contributor)
    client.post(URL, payload(action="draft"))
    client.post(URL, payload(action="submit", description="Autre"))
    statuses = sorted(Contribution.objects.values_list("status", flat=True))
    assert statuses == ["draft", "submitted"]


def test_htmx_quick_log_returns_the_zone_with_the_new_row_and_a_fresh_form(world, client_for, payload):
    response = client_for(world.contributor).post(URL, payload(description="Compost"),
                                                  HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="quick-log-zone"' in body and "<html" not in body
    assert "Compost" in body and "Brouillon enregistré" in body
    # The form is ready for the next entry: same project kept, a new idempotency token.
    created = Contribution.objects.get()
    assert f'value="{created.client_token}"' not in body


def test_quick_log_defaults_to_the_last_used_project_and_envelope(world, client_for):
    env2 = factories.envelope(world.project, name="Communication")
    factories.contribution(world.contributor, env2)
    body = client_for(world.contributor).get(URL).content.decode()
    assert f'<option value="{env2.pk}" selected data-project="{world.project.pk}">' in body


def test_quick_log_lists_the_members_projects_and_marks_open_ones(world, client_for):
    body = client_for(world.contributor).get(URL).content.decode()
    assert "Légumerie</option>" in body and "Festival (ouvert)</option>" in body


def test_quick_log_hides_projects_in_a_closed_period(world, client_for):
    world.other_project.is_open = False
    world.other_project.save()
    body = client_for(world.contributor).get(URL).content.decode()
    assert "Légumerie" in body and "Festival" not in body


def test_double_click_creates_one_contribution(world, client_for, payload):
    client = client_for(world.contributor)
    token = str(uuid.uuid4())
    client.post(URL, payload(client_token=token, action="submit"))
    client.post(URL, payload(client_token=token, action="submit"))
    assert Contribution.objects.count() == 1


def _bad(world, client_for, data, message):
    response = client_for(world.contributor).post(URL, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body, body[body.find("error"):][:800]
    assert Contribution.objects.filter(member=world.contributor).count() == 0
    # What the member typed is kept.
    assert 'value="' + data["description"] + '"' in body or data["description"] in body
    return body


def test_zero_hours_are_refused(world, client_for, payload):
    _bad(world, client_for, payload(hours="0"), "supérieur à zéro")


def test_negative_hours_are_refused(world, client_for, payload):
    _bad(world, client_for, payload(hours="-2"), "n&#x27;est pas une durée")


def test_hours_not_in_quarter_hours_are_refused(world, client_for, payload):
    body = _bad(world, client_for, payload(hours="1h10"), "au quart d&#x27;heure")
    assert 'value="1h10"' in body


def test_unreadable_hours_are_refused(world, client_for, payload):
    _bad(world, client_for, payload(hours="beaucoup"), "n&#x27;est pas une durée")


def test_more_than_24_hours_in_a_day_are_refused(world, client_for, payload, yesterday):
    factories.contribution(world.contributor, world.envelope, date=yesterday, hours=Decimal("20"))
    response = client_for(world.contributor).post(URL, payload(hours="5"))
    assert "dépasserait 24" in response.content.decode()
    assert Contribution.objects.count() == 1


def test_refused_work_does_not_count_in_the_days_total(world, client_for, payload, yesterday):
    factories.contribution(world.contributor, world.envelope, date=yesterday,
                           hours=Decimal("20"), status="rejected", rejection_comment="Non")
    assert client_for(world.contributor).post(URL, payload(hours="5")).status_code == 302


def test_a_date_in_the_future_is_refused(world, client_for, payload):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    _bad(world, client_for, payload(date=tomorrow.isoformat()), "dans le futur")


def test_a_date_before_the_project_start_is_refused(world, client_for, payload):
    _bad(world, client_for, payload(date="2025-12-31"), "commence le 1 janvier 2026")


def test_a_date_after_the_project_end_is_refused(world, client_for, payload, yesterday):
    world.project.end = yesterday - datetime.timedelta(days=1)
    world.project.save()
    _bad(world, client_for, payload(), "s&#x27;est terminé le")


def test_a_closed_project_is_refused(world, client_for, payload):
    world.project.phase = Project.Phase.CLOSED
    world.project.save()
    _bad(world, client_for, payload(), "est clos")


def test_a_closed_production_phase_refuses_non_team_members(world, client_for, payload):
    world.other_project.is_open = False
    world.other_project.save()
    data = payload(project=world.other_project.pk, envelope=world.other_envelope.pk)
    _bad(world, client_for, data, "seule son équipe")


def test_an_open_project_welcomes_a_non_team_member(world, client_for, payload):
    data = payload(project=world.other_project.pk, envelope=world.other_envelope.pk)
    assert client_for(world.contributor).post(URL, data).status_code == 302


def test_an_envelope_of_another_project_is_refused(world, client_for, payload):
    _bad(world, client_for, payload(envelope=world.other_envelope.pk), "appartient à un autre projet")


def test_a_grain_of_another_member_is_refused(world, client_for, payload):
    grain = factories.grain(world.pilot, world.envelope)
    _bad(world, client_for, payload(grain=grain.pk, kind="coordination"),
         "appartient à un·e autre membre")


def test_a_creative_session_needs_the_member_who_invited(world, client_for, payload):
    _bad(world, client_for, payload(kind="creative"), "rétribuée sur invitation")


def test_a_creative_session_invited_by_a_pilot_is_accepted(world, client_for, payload):
    response = client_for(world.contributor).post(
        URL, payload(kind="creative", invited_by=world.pilot.pk))
    assert response.status_code == 302
    assert Contribution.objects.get().invited_by == world.pilot


def test_an_empty_description_is_refused(world, client_for, payload):
    response = client_for(world.contributor).post(URL, payload(description=""))
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not Contribution.objects.exists()


def _lists_stamp(page: str) -> str:
    return page.split('name="lists" value="', 1)[1].split('"', 1)[0]


def _select(body: str, name: str) -> str:
    select = body[body.index(f'<select name="{name}"'):]
    return select[:select.index("</select>")]


def test_htmx_answer_to_a_saved_entry_keeps_the_pages_lists(world, client_for, payload):
    """After a saved entry the page keeps its project and envelope selects (every choice is
    already there) through htmx's preserve, while what they list has not changed; the answer
    writes only the chosen ones, so a script reading it without htmx still sees them."""
    other = factories.envelope(world.project, name="Communication")
    client = client_for(world.contributor)
    page = client.get(URL).content.decode()
    assert f'<option value="{other.pk}" data-project="{world.project.pk}">' in page
    body = client.post(URL, payload(lists=_lists_stamp(page)),
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Brouillon enregistré" in body
    envelopes, projects = _select(body, "envelope"), _select(body, "project")
    assert 'data-hx-preserve="true"' in envelopes and 'id="id_envelope"' in envelopes
    assert (f'<option value="{world.envelope.pk}" selected data-project="{world.project.pk}">'
            f"{world.envelope.name}</option>") in envelopes
    assert f'value="{other.pk}"' not in envelopes
    assert 'data-hx-preserve="true"' in projects
    assert f'<option value="{world.project.pk}" selected>{world.project.name}</option>' in projects
    assert f'value="{world.other_project.pk}"' not in projects
    # The next answer says the same lists still hold.
    assert _lists_stamp(body) == _lists_stamp(page)


def test_the_lists_are_written_again_when_they_changed_since_the_page(world, client_for,
                                                                      payload):
    client = client_for(world.contributor)
    page = client.get(URL).content.decode()
    opened = factories.project(name="Nouveau lieu", is_open=True)
    envelope = factories.envelope(opened, amount=None)
    body = client.post(URL, payload(lists=_lists_stamp(page)),
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Brouillon enregistré" in body and "data-hx-preserve" not in body
    assert "Nouveau lieu (ouvert)</option>" in body
    assert f'<option value="{envelope.pk}" data-project="{opened.pk}">' in body


def test_joining_an_open_project_writes_the_lists_again_without_ouvert(world, client_for,
                                                                       payload):
    opened = factories.project(name="Nouveau lieu", is_open=True)
    envelope = factories.envelope(opened, amount=None)
    client = client_for(world.contributor)
    page = client.get(URL).content.decode()
    assert "Nouveau lieu (ouvert)</option>" in page
    body = client.post(URL, payload(project=opened.pk, envelope=envelope.pk,
                                    lists=_lists_stamp(page)),
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Brouillon enregistré" in body and "data-hx-preserve" not in body
    assert "Nouveau lieu</option>" in body and "Nouveau lieu (ouvert)" not in body


def test_a_refused_htmx_entry_shows_every_envelope_again(world, client_for, payload):
    other = factories.envelope(world.project, name="Communication")
    client = client_for(world.contributor)
    page = client.get(URL).content.decode()
    body = client.post(URL, payload(hours="0", lists=_lists_stamp(page)),
                       HTTP_HX_REQUEST="true").content.decode()
    assert "data-hx-preserve" not in body
    assert f'<option value="{other.pk}" data-project="{world.project.pk}">' in body
