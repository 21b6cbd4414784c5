"""A payment date must be plausible (issue 12, point 7): not before the period the run
pays for, not in the future — year 1 used to be accepted."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from contribbudget.models import Preference
from retributions.models import RetributionLine
from retributions.services import payments
from retributions.services import runs as svc

from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world):
    world.contributor.preference = Preference.MONEY_SELF
    world.contributor.save()
    validated(world.contributor, world.envelope, "7.00")
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    return run


@pytest.mark.parametrize("paid_on", [datetime.date(1, 1, 1), datetime.date(2025, 12, 31),
                                     datetime.date.today() + datetime.timedelta(days=400)])
def test_an_implausible_payment_date_is_refused_and_nothing_is_paid(world, approved, paid_on):
    ids = list(approved.lines.filter(money__gt=0).values_list("pk", flat=True))
    assert ids and approved.period_start > datetime.date(2025, 12, 31)
    with pytest.raises(ValidationError) as error:
        payments.payments_mark_paid(actor=world.treasurer.user, line_ids=ids, paid_on=paid_on,
                                    reference="VIR-1")
    assert "paid_on" in error.value.message_dict
    assert not RetributionLine.objects.filter(paid_on__isnull=False).exists()


def test_a_payment_dated_within_the_period_or_today_is_accepted(world, approved):
    ids = list(approved.lines.filter(money__gt=0).values_list("pk", flat=True))
    assert payments.payments_mark_paid(actor=world.treasurer.user, line_ids=ids,
                                       paid_on=approved.period_start, reference="VIR-2") == 1
