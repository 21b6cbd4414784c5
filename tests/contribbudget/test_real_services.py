"""The real components: PostgreSQL, a Celery worker process on Redis, Debian's Chromium."""
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from contribbudget.models import Invitation

from .. import factories


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_two_concurrent_pending_invitations_for_one_email():
    """Two coordinators invite the same person at the same instant: the partial unique
    index lets exactly one pending invitation exist."""
    inviter = factories.member("Sacha", is_coordinator=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def invite():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                Invitation.objects.create(email="same@example.org", first_name="A",
                                          last_name="B", invited_by=inviter.user)
            outcomes.append("created")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=invite) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["created", "refused"]
    assert Invitation.objects.filter(email="same@example.org").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_append_only_trigger_refuses_raw_sql_updates():
    world = factories.World.build()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE projects_adjustment SET delta = 1 WHERE envelope_id = %s",
                       [world.envelope.pk])


@pytest.mark.worker
def test_a_real_celery_worker_reads_the_database(celery_worker_process):
    from contribbudget.tasks import network_totals_snapshot

    factories.World.build()
    result = network_totals_snapshot.delay().get(timeout=60)
    assert Decimal(result["budget"]) == Decimal("28000.00")
    assert result["projects"] == "2"
