"""The admin: superusers only, read-only on money and roles, and a rate-limited login."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from projects.models import Adjustment, Envelope, Funding, ProjectRole
from retributions.models import RetributionLine, RetributionRun

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org",
                                                     factories.PASSWORD)


@pytest.mark.parametrize("role", ["contributor", "pilot", "treasurer", "coordinator"])
def test_members_even_coordinators_cannot_enter_the_admin(world, role):
    user = getattr(world, role).user
    user.is_staff = True  # even marked staff
    user.save()
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_superuser_enters_and_money_and_roles_are_read_only(world, superuser):
    client = Client()
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    for model in (Funding, Envelope, Adjustment, RetributionRun, RetributionLine, ProjectRole):
        model_admin = admin.site._registry[model]
        request = type("R", (), {"user": superuser})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert model_admin.has_view_permission(request)
    funding = Funding.objects.first()
    url = reverse("admin:projects_funding_change", args=[funding.pk])
    client.post(url, {"funder": "Pirate", "reference": funding.reference, "amount": "1.00",
                      "start": funding.start, "end": funding.end, "project": funding.project_id})
    funding.refresh_from_db()
    assert funding.funder == "Région"
    # The project's inlines (fundings, roles) cannot be edited from the project page either.
    project_admin = admin.site._registry[type(world.project)]
    request = type("R", (), {"user": superuser})()
    for inline in project_admin.get_inline_instances(request, world.project):
        if inline.model in (Funding, ProjectRole):
            assert not inline.has_change_permission(request, world.project)
            assert not inline.has_add_permission(request, world.project)


def test_admin_login_is_rate_limited_per_ip(superuser, settings):
    settings.ADMIN_LOGIN_FAILURES_LIMIT = 3
    client = Client()
    for _ in range(3):
        response = client.post(reverse("admin:login"), {"username": "root", "password": "faux"})
        assert response.status_code == 200
    response = client.post(reverse("admin:login"), {"username": "root",
                                                    "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    # Another address is not blocked.
    other = Client(REMOTE_ADDR="10.0.0.9")
    response = other.post(reverse("admin:login"), {"username": "root",
                                                   "password": factories.PASSWORD})
    assert response.status_code == 302


def test_behind_one_proxy_the_client_ip_comes_from_x_forwarded_for(superuser, settings):
    settings.ADMIN_LOGIN_FAILURES_LIMIT = 2
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client()
    for _ in range(2):
        client.post(reverse("admin:login"), {"username": "root", "password": "faux"},
                    HTTP_X_FORWARDED_FOR="203.0.113.7")
    blocked = client.post(reverse("admin:login"), {"username": "root", "password": "faux"},
                          HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert blocked.status_code == 429
    # Same proxy (same REMOTE_ADDR), another client: not blocked; a forged left-most entry
    # does not help the blocked client either.
    assert client.post(reverse("admin:login"), {"username": "root", "password": "faux"},
                       HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
    assert client.post(reverse("admin:login"), {"username": "root", "password": "faux"},
                       HTTP_X_FORWARDED_FOR="198.51.100.3, 203.0.113.7").status_code == 429
