"""The envelope options of the quick log and the week grid are cached per member, language
and generation (contributions/option_cache.py): every change a member would see in them
shows on their next page, two members never share a list, and the chosen option is still
the chosen one."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contributions.models import Contribution
from projects import montage, teams
from projects.models import Project

from .. import factories

pytestmark = pytest.mark.django_db

PAGES = ["contributions:quick_log", "contributions:week"]


def page(client, name) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def envelope_select(html: str) -> str:
    """The first envelope select of the page (quick log: ``envelope``; week: ``r0-envelope``)."""
    match = re.search(r'<select name="(?:r0-)?envelope".*?</select>', html, re.S)
    assert match, "no envelope select"
    return match.group(0)


@pytest.mark.parametrize("name", PAGES)
def test_renamed_envelope_shows_at_once(world, client_for, name):
    client = client_for(world.contributor)
    assert ">Production<" in envelope_select(page(client, name))
    world.envelope.name = "Maraîchage"
    world.envelope.save()
    select = envelope_select(page(client, name))
    assert ">Maraîchage<" in select
    assert f'value="{world.envelope.pk}"' in select


@pytest.mark.parametrize("name", PAGES)
def test_joining_and_leaving_a_team_shows_at_once(world, client_for, name):
    closed = factories.project(name="Atelier vélo", is_open=False)
    bikes = factories.envelope(closed, name="Réparations")
    client = client_for(world.contributor)
    assert f'value="{bikes.pk}"' not in envelope_select(page(client, name))
    factories.role(closed, world.contributor)
    assert f'value="{bikes.pk}"' in envelope_select(page(client, name))
    factories.role(closed, world.pilot, "pilot")
    teams.team_remove(project=closed, actor=world.pilot.user, member=world.contributor)
    assert f'value="{bikes.pk}"' not in envelope_select(page(client, name))


@pytest.mark.parametrize("name", PAGES)
def test_opening_and_closing_a_project_shows_at_once(world, client_for, name):
    other = factories.project(name="Jardin partagé", is_open=False)
    factories.role(other, world.pilot, "pilot")
    seeds = factories.envelope(other, name="Semis")
    client = client_for(world.contributor)
    assert f'value="{seeds.pk}"' not in envelope_select(page(client, name))
    teams.project_set_open(project=other, actor=world.pilot.user, is_open=True)
    assert f'value="{seeds.pk}"' in envelope_select(page(client, name))
    other.phase = Project.Phase.CLOSED
    other.save()
    assert f'value="{seeds.pk}"' not in envelope_select(page(client, name))


@pytest.mark.parametrize("name", PAGES)
def test_a_project_set_up_with_its_team_shows_at_once(world, client_for, name):
    """project_setup writes the team with bulk_create (no signal) after the project row."""
    client = client_for(world.copilot)
    assert "Repas" not in envelope_select(page(client, name))
    montage.project_setup(
        author=world.coordinator.user, field=world.project.field, name="Cantine",
        start=world.project.start, is_open=False, pilots=[world.copilot],
        fundings=[montage.FundingInput("Région", "R-1", Decimal("1000.00"),
                                       world.project.start, world.project.end)],
        envelopes=[montage.EnvelopeInput("Repas", "production", "time_rate", Decimal("20.00"),
                                         Decimal("500.00"))])
    assert "Repas" in envelope_select(page(client, name))


@pytest.mark.parametrize("name", PAGES)
def test_two_members_do_not_share_their_list(world, client_for, name):
    world.project.is_open = False
    world.project.save()
    world.other_project.is_open = False
    world.other_project.save()
    mine = envelope_select(page(client_for(world.contributor), name))
    theirs = envelope_select(page(client_for(world.outsider), name))
    assert f'value="{world.envelope.pk}"' in mine
    assert f'value="{world.other_envelope.pk}"' not in mine
    assert f'value="{world.other_envelope.pk}"' in theirs
    assert f'value="{world.envelope.pk}"' not in theirs


def test_each_quick_log_marks_its_own_last_envelope(world, client_for):
    second = factories.envelope(world.project, name="Animation")
    client = client_for(world.contributor)
    factories.contribution(world.contributor, world.envelope)
    select = envelope_select(page(client, "contributions:quick_log"))
    assert f'<option value="{world.envelope.pk}" selected' in select
    assert select.count(" selected") == 1
    Contribution.objects.all().delete()
    factories.contribution(world.contributor, second)
    select = envelope_select(page(client, "contributions:quick_log"))
    assert f'<option value="{second.pk}" selected' in select
    assert f'<option value="{world.envelope.pk}" selected' not in select
    assert select.count(" selected") == 1


def test_english_and_french_lists_are_cached_apart(world, client_for):
    world.project.is_open = True
    world.project.save()
    outsider = client_for(world.outsider)
    assert "Légumerie (ouvert)" in page(outsider, "contributions:week")
    outsider.cookies["django_language"] = "en"
    assert "Légumerie (open)" in page(outsider, "contributions:week")


def test_renamed_project_shows_at_once_in_the_quick_log(world, client_for):
    client = client_for(world.contributor)
    assert ">Légumerie<" in page(client, "contributions:quick_log")
    world.project.name = "Conserverie"
    world.project.save()
    html = page(client, "contributions:quick_log")
    assert ">Conserverie<" in html
    assert ">Légumerie<" not in html


def test_team_mates_list_follows_names_and_team_at_once(world, client_for):
    client = client_for(world.contributor)
    assert "Malik" in page(client, "contributions:quick_log")
    world.pilot.first_name = "Maëlle"
    world.pilot.save()
    newcomer = factories.member("Youssef")
    factories.role(world.project, newcomer)
    html = page(client, "contributions:quick_log")
    assert "Maëlle" in html and "Youssef" in html
