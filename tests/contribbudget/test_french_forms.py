"""Every select shows a French placeholder, never Django's "---------"; table dates are
French and consistent."""
import datetime

import pytest
from django.urls import reverse

from contribbudget.templatetags.cb import cell_date

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, args", [
    ("projects:grain_create", []),
    ("projects:envelope_create", ["legumerie"]),
    ("invitation_create", []),
    ("retributions:document_create", []),
])
def test_selects_have_a_french_placeholder(world, client_for, name, args):
    body = client_for(world.coordinator).get(reverse(name, args=args)).content.decode()
    assert "---------" not in body
    assert ">Choisir…</option>" in body


def test_table_dates_are_short_french_abbreviations():
    assert cell_date(datetime.date(2026, 11, 28)) == "28 nov. 2026"
    assert cell_date(datetime.date(2026, 12, 1)) == "1 déc. 2026"
    assert cell_date(datetime.date(2026, 6, 3)) == "3 juin 2026"


def test_my_contributions_table_uses_the_french_date(world, client_for):
    from tests import factories
    factories.contribution(world.contributor, world.envelope, date=datetime.date(2026, 11, 28))
    body = client_for(world.contributor).get(reverse("contributions:mine")).content.decode()
    assert "28 nov. 2026" in body and "28 Nov 2026" not in body


def test_sign_in_message_names_the_member(world, client):
    from tests.factories import PASSWORD
    member = world.contributor
    member.user.username = ""
    member.user.save()
    response = client.post(reverse("account_login"), {"login": member.user.email,
                                                      "password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert member.full_name in body and "utilisateur" not in body
