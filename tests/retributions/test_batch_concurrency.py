"""A line is in at most one open batch even when treasurers prepare batches at the same
instant: real PostgreSQL, one connection per thread. Through the service (serialised, the
losers get a French message) and straight at the table (the partial unique index refuses)."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from retributions.models import PaymentBatch, PaymentBatchLine, RetributionLine
from retributions.services import batches

from .treasury_support import CAMILLE_IBAN, NADIA_IBAN, approved_run, bank_network, with_iban

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


def _race(call):
    barrier = threading.Barrier(THREADS)
    done, refused, errors = [], [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            done.append(call())
        except (ValidationError, IntegrityError) as error:
            refused.append(error)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return done, refused


@pytest.fixture
def lines(world):
    bank_network()
    with_iban(world.contributor, CAMILLE_IBAN)
    with_iban(world.copilot, NADIA_IBAN)
    run = approved_run(world)
    return list(RetributionLine.objects.filter(run=run, money__gt=0).values_list("pk", flat=True))


def test_concurrent_preparations_put_each_line_in_one_open_batch(world, lines):
    done, refused = _race(lambda: batches.batch_prepare(actor=world.treasurer.user, line_ids=lines))
    assert len(done) == 1 and len(refused) == THREADS - 1
    assert all("lot ouvert" in " ".join(e.messages) for e in refused)
    assert PaymentBatch.objects.count() == 1
    assert PaymentBatchLine.objects.filter(is_open=True).count() == len(lines)


def test_the_partial_unique_index_refuses_concurrent_inserts(world, lines):
    batch = batches.batch_prepare(actor=world.treasurer.user, line_ids=lines[:1])
    batch.lines.update(is_open=False)  # as if that transfer had failed: the line is free again
    line = RetributionLine.objects.get(pk=lines[0])

    def insert():
        with transaction.atomic():
            return PaymentBatchLine.objects.create(batch=batch, line=line, amount=line.money,
                                                   payee_name="x", iban=CAMILLE_IBAN,
                                                   end_to_end_id="x")

    done, refused = _race(insert)
    assert len(done) == 1 and len(refused) == THREADS - 1
    assert all(isinstance(e, IntegrityError) for e in refused)
    assert PaymentBatchLine.objects.filter(line=line, is_open=True).count() == 1
