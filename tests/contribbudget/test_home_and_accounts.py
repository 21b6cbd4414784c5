"""Home pages per role, login, and the French error pages (invitations:
test_invitations.py)."""
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from contribbudget.models import Member

from .. import factories

pytestmark = pytest.mark.django_db


def test_login_page_is_in_french(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert "Connexion" in response.content.decode()
    assert "Mot de passe oublié" in response.content.decode()


def test_bad_login_explains_in_french_and_keeps_the_email(client, world):
    response = client.post(reverse("account_login"),
                           {"login": world.contributor.user.email, "password": "faux"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "incorrect" in body  # allauth's French message
    assert f'value="{world.contributor.user.email}"' in body


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_contributor_home_shows_own_hours_this_month_and_no_network_totals(world, client_for):
    factories.contribution(world.contributor, world.envelope, hours=Decimal("3.5"))
    body = client_for(world.contributor).get("/").content.decode()
    assert "Mon temps" in body and "3,5\u00a0h" in body
    assert "Le réseau en chiffres" not in body
    assert "Les projets que je pilote" not in body


def test_pilot_home_lists_piloted_projects_with_budget(world, client_for):
    body = client_for(world.pilot).get("/").content.decode()
    assert "Les projets que je pilote" in body
    assert "Légumerie" in body and "20\u00a0000,00\u00a0€" in body
    assert "Festival" not in body


def test_treasurer_home_shows_network_totals(world, client_for):
    body = client_for(world.treasurer).get("/").content.decode()
    assert "Le réseau en chiffres" in body
    assert "28\u00a0000,00\u00a0€" in body  # 20 000 + 8 000 of fundings


def test_home_page_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for(world.pilot)
    factories.contribution(world.pilot, world.envelope)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/")
    for i in range(60):
        factories.contribution(world.pilot, world.envelope, hours=Decimal("0.25"))
        p = factories.project(name=f"P{i}", slug=f"p-{i}")
        factories.role(p, world.pilot, "pilot")
    with CaptureQueriesContext(connection) as large:
        client.get("/")
    assert len(large) == len(small)


def test_sign_up_is_closed_without_an_invitation(client):
    response = client.get(reverse("account_signup"))
    assert "fermée" in response.content.decode().lower() or "closed" not in response.content.decode().lower()
    client.post(reverse("account_signup"), {"email": "x@example.org", "password1": "une-phrase-longue-1",
                                            "password2": "une-phrase-longue-1"})
    assert not Member.objects.filter(user__email="x@example.org").exists()


def test_database_constraint_violation_is_a_clear_page_not_a_500(rf, world):
    from contribbudget.middleware import IntegrityErrorMiddleware

    request = rf.get("/")
    request.user = world.pilot.user
    response = IntegrityErrorMiddleware(lambda r: None).process_exception(request, IntegrityError("x"))
    assert response.status_code == 409
    assert "pas été enregistrée" in response.content.decode()


def test_english_is_available(world, client_for):
    client = client_for(world.contributor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "My time" in body


def test_french_is_the_default_even_for_an_english_browser(client):
    body = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="fr"' in body and "Connexion" in body
