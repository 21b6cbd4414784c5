"""Two pilots adjusting at the same moment cannot oversubscribe the budget or lose an update:
real PostgreSQL, real concurrent transactions (one connection per thread)."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects import services
from projects.models import Adjustment, Envelope
from projects.selectors import projects_with_totals

from .. import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def run_concurrently(calls):
    """Start every call at the same instant (a barrier); return (successes, refusals)."""
    barrier = threading.Barrier(len(calls))
    successes, refusals, errors = [], [], []

    def worker(call):
        try:
            barrier.wait(timeout=30)
            successes.append(call())
        except ValidationError as error:
            refusals.append(error)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return successes, refusals


def test_twenty_concurrent_adjustments_never_exceed_the_budget_and_lose_none(world):
    # Budget 20 000 €, envelopes 10 000 €: ten of the twenty +1 000 € adjustments fit.
    second = factories.envelope(world.project, name="Coordination", amount=None)
    before = Adjustment.objects.count()
    pilots = [world.pilot.user, world.copilot.user]
    calls = [
        (lambda i=i: services.envelope_adjust(
            envelope=world.envelope if i % 2 else second, delta=Decimal("1000.00"),
            reason=f"Ajustement concurrent {i}", author=pilots[i % 2]))
        for i in range(THREADS)
    ]
    successes, refusals = run_concurrently(calls)

    project = projects_with_totals().get(pk=world.project.pk)
    assert project.allocated <= project.budget
    assert len(successes) == 10 and len(refusals) == 10
    assert Adjustment.objects.count() - before == len(successes)
    assert project.allocated == Decimal("10000.00") + Decimal("1000.00") * len(successes)


def test_concurrent_withdrawals_and_transfers_never_take_an_envelope_negative(world):
    # 10 000 € in the envelope; twenty withdrawals or transfers of 800 €: at most twelve fit.
    target = factories.envelope(world.project, name="Coordination", amount=None)
    calls = []
    for i in range(THREADS):
        if i % 2:
            calls.append(lambda i=i: services.envelope_adjust(
                envelope=world.envelope, delta=Decimal("-800.00"), reason=f"Retrait {i}",
                author=world.pilot.user))
        else:
            calls.append(lambda i=i: services.envelope_transfer(
                source=world.envelope, target=target, amount=Decimal("800.00"),
                reason=f"Virement {i}", author=world.copilot.user))
    successes, refusals = run_concurrently(calls)

    amounts = {e.pk: sum(a.delta for a in Adjustment.objects.filter(envelope=e))
               for e in Envelope.objects.filter(project=world.project)}
    assert len(successes) == 12 and len(refusals) == 8
    assert amounts[world.envelope.pk] == Decimal("10000.00") - 12 * Decimal("800.00")
    assert amounts[world.envelope.pk] >= 0
    transfers = [s for s in successes if isinstance(s, tuple)]
    assert amounts[target.pk] == Decimal("800.00") * len(transfers)
