"""Fixtures of the projects tests."""
import datetime
from decimal import Decimal

import pytest

from retributions.models import RetributionRun


@pytest.fixture
def approved_run():
    """``approved_run(envelope, "1500.00")``: an approved run that distributed that much."""

    def make(envelope, distributed, author=None):
        return RetributionRun.objects.create(
            envelope=envelope, period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31), status=RetributionRun.Status.APPROVED,
            rule=envelope.rule, distributed=Decimal(distributed), available=Decimal(distributed),
            surplus=Decimal("0"), created_by=author or envelope.project.roles.first().member.user)

    return make


@pytest.fixture(autouse=True)
def network_settings(db):
    """The network's settings row exists, as in any real network (created on first load)."""
    from contribbudget.models import NetworkSettings

    return NetworkSettings.load()
