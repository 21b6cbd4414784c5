"""On PostgreSQL, two coordinators deactivating each other at the same instant: the locks
of ``member_set_active`` let exactly one through, so the network keeps a coordinator."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from contribbudget.models import Member
from network.services import member_set_active, member_update

from .. import factories


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["deactivate", "demote"])
def test_two_coordinators_removing_each_other_at_once_leave_one(how):
    a = factories.member("Ana", is_coordinator=True)
    b = factories.member("Bao", is_coordinator=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor, target):
        try:
            barrier.wait(timeout=10)
            if how == "deactivate":
                member_set_active(actor=actor.user, member=target, active=False)
            else:
                member_update(actor=actor.user, member=target, home_place=None,
                              is_treasurer=False, is_coordinator=False)
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append("refused" if "dernière" in str(error) else str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(a, b)), threading.Thread(target=act, args=(b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["done", "refused"]
    assert Member.objects.filter(is_coordinator=True, user__is_active=True).count() == 1
