"""The batch page and Mes rétributions run a number of queries that does not grow with the
lines they show."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from retributions.services import batches
from retributions.services import runs as run_services
from tests import factories

from .runs_support import computed_run, validated
from .treasury_support import CAMILLE_IBAN, approved_run, bank_network, freelancer, with_iban

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_batch_pages_queries_do_not_grow_with_lines(world, client_for):
    bank_network()
    with_iban(world.contributor, CAMILLE_IBAN)
    approved_run(world)
    client = client_for(world.treasurer)
    url = reverse("retributions:batch_list")
    few = _count(client, url)
    for i in range(6):
        member = with_iban(factories.member(f"Extra{i}"), CAMILLE_IBAN)
        factories.role(world.project, member)


    end = datetime.date.today() - datetime.timedelta(days=61)
    for member in world.project.roles.exclude(member=world.pilot).values_list("member", flat=True):
        validated(type(world.pilot).objects.get(pk=member), world.envelope, "1.00", date=end)
    run = computed_run(world, start=end - datetime.timedelta(days=30), end=end)
    run_services.run_approve(actor=world.pilot.user, run=run)
    assert _count(client, url) == few
    batch = batches.batch_prepare(actor=world.treasurer.user)
    assert batch.line_count > 6
    detail = reverse("retributions:batch_detail", args=[batch.pk])
    assert _count(client, detail) <= few + 3


def test_mes_retributions_queries_do_not_grow_with_invoices(world, client_for, django_capture_on_commit_callbacks):
    bank_network()
    freelancer(world.contributor)
    approved_run(world)
    client = client_for(world.contributor)
    url = reverse("retributions:my_retributions")
    one = _count(client, url)
    end = datetime.date.today() - datetime.timedelta(days=61)
    approved_run(world, hours=(("contributor", "2.00"),), start=end - datetime.timedelta(days=30), end=end)
    assert _count(client, url) == one
