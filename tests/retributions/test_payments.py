"""Payments: the treasurer marks approved lines paid, in bulk, and exports them by payee."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contribbudget.models import AuditEvent, Preference
from retributions.models import RetributionLine
from retributions.services import payments
from retributions.services import runs as svc
from tests import factories
from tests.exports_support import csv_rows, download, xlsx_rows

from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def approved(world):
    world.contributor.preference = Preference.MONEY_PLACE
    world.contributor.save()
    validated(world.contributor, world.envelope, "7.00")
    validated(world.copilot, world.envelope, "3.50")
    validated(factories.member("Vera", preference="volunteer"), world.envelope, "2.00")
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    return run


def test_treasurer_marks_lines_paid_in_bulk_and_a_second_submit_pays_nothing(world, approved):
    ids = list(approved.lines.filter(money__gt=0).values_list("pk", flat=True))
    assert payments.payments_mark_paid(actor=world.treasurer.user, line_ids=ids,
                                       paid_on=TODAY, reference="VIR-42") == 2
    assert payments.payments_mark_paid(actor=world.treasurer.user, line_ids=ids,
                                       paid_on=TODAY, reference="VIR-43") == 0
    assert set(approved.lines.filter(money__gt=0).values_list("payment_reference",
                                                             flat=True)) == {"VIR-42"}
    assert AuditEvent.objects.filter(action="payment.marked").count() == 1


def test_marking_paid_needs_lines_a_date_and_a_reference(world, approved):
    with pytest.raises(ValidationError) as error:
        payments.payments_mark_paid(actor=world.treasurer.user, line_ids=[], paid_on=None,
                                    reference="")
    assert set(error.value.message_dict) == {"lines", "paid_on", "reference"}


def test_draft_lines_cannot_be_paid(world):
    validated(world.contributor, world.envelope, "7.00")
    run = computed_run(world)
    ids = list(run.lines.values_list("pk", flat=True))
    assert payments.payments_mark_paid(actor=world.treasurer.user, line_ids=ids, paid_on=TODAY,
                                       reference="X") == 0


@pytest.mark.parametrize("who, status", [("treasurer", 200), ("pilot", 403),
                                         ("contributor", 403), ("coordinator", 403)])
def test_payments_page_is_the_treasurers(world, approved, client_for, who, status):
    assert client_for(getattr(world, who)).get(
        reverse("retributions:payments")).status_code == status


def test_payments_page_marks_paid_and_keeps_the_ticks_on_error(world, approved, client_for):
    client = client_for(world.treasurer)
    line = approved.lines.get(member=world.copilot)
    response = client.post(reverse("retributions:payments"), {"lines": [line.pk],
                                                              "paid_on": TODAY.isoformat()})
    assert response.status_code == 400
    assert "référence" in response.content.decode()
    assert f'value="{line.pk}" aria-label="Payer Nadia' in response.content.decode()
    response = client.post(reverse("retributions:payments"), {
        "lines": [line.pk], "paid_on": TODAY.isoformat(), "reference": "VIR-7"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.paid_on == TODAY


def test_payment_list_exports_group_by_payee(world, approved, client_for):
    client = client_for(world.treasurer)
    rows = csv_rows(download(client, reverse("retributions:payments"), {"export": "csv"}))
    assert rows[0][0] == "Bénéficiaire"
    payees = [r[0] for r in rows[1:]]
    assert "La Fabrique" in payees and len(rows) == 3  # the volunteer is not a payment
    sheet = xlsx_rows(download(client, reverse("retributions:payments"), {"export": "xlsx"}))
    amounts = [row[9] for row in sheet[1:]]
    assert sum(Decimal(str(a)) for a in amounts) == approved.distributed


def test_payments_page_queries_do_not_grow_with_lines(world, approved, client_for,
                                                      django_assert_max_num_queries):
    client = client_for(world.treasurer)
    env = factories.envelope(world.project, amount="90000.00")
    for i in range(25):
        validated(factories.member(f"P{i}"), env, "1.00")
    svc.run_approve(actor=world.pilot.user, run=computed_run(world, envelope=env))
    assert RetributionLine.objects.filter(paid_on__isnull=True, money__gt=0).count() == 27
    with django_assert_max_num_queries(12):
        client.get(reverse("retributions:payments"))


def test_contributor_sees_the_payment_on_their_page(world, approved, client_for):
    line = approved.lines.get(member=world.contributor)
    payments.payments_mark_paid(actor=world.treasurer.user, line_ids=[line.pk], paid_on=TODAY,
                                reference="VIR-1")
    page = client_for(world.contributor).get(reverse("retributions:my_retributions")).content.decode()
    assert "payée le" in page and "VIR-1" in page and "La Fabrique" in page
