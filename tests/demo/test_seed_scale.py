"""``seed_scale``: the benchmark's federation — the rows asked for, realistic, reproducible.
PostgreSQL only, like the benchmark (`.ci/run` runs these)."""
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from contributions.models import Contribution
from projects.models import Envelope

pytestmark = pytest.mark.django_db
postgres = pytest.mark.postgres
SIZE = ["--members", "60", "--projects", "6", "--contributions", "3000"]


def _seed(prefix: str, *extra: str) -> list[tuple]:
    call_command("seed_scale", *SIZE, "--seed", "7", "--prefix", prefix, "--force", *extra,
                 stdout=open("/dev/null", "w"))
    rows = (Contribution.objects.filter(project__slug__startswith=f"{prefix}-")
            .values_list("member__first_name", "project__slug", "date", "hours", "kind", "status"))
    return sorted((first, slug.removeprefix(prefix), *rest) for first, slug, *rest in rows)


@postgres
def test_seed_scale_creates_the_rows_asked_for_with_every_status_and_envelope_kind():
    rows = _seed("a")
    assert len(rows) == 3000
    assert {r[5] for r in rows} == {"draft", "submitted", "validated", "retributed", "rejected"}
    for slug in {r[1] for r in rows}:
        kinds = set(Envelope.objects.filter(project__slug="a" + slug).values_list("kind", flat=True))
        assert kinds == {k.value for k in Envelope.Kind}


@postgres
def test_seed_scale_has_a_few_busy_members_but_nobody_holds_the_network():
    rows = _seed("b")
    per_member = Counter(r[0] for r in rows).most_common()
    busiest, median = per_member[0][1], per_member[len(per_member) // 2][1]
    assert busiest > 3 * median  # a heavy tail: a few very active members
    assert busiest < len(rows) * 0.15  # not a fifth of all the work on one person


@postgres
def test_seed_scale_is_reproducible_from_its_seed():
    assert _seed("c") == _seed("d")


@postgres
def test_seed_scale_refuses_a_database_that_has_contributions_unless_forced():
    _seed("e")
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_scale", *SIZE)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal on SQLite")
def test_seed_scale_says_it_needs_postgresql():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_scale", *SIZE)


@postgres
def test_seed_scale_makes_exactly_the_counts_asked_for_and_no_day_above_24_hours(monkeypatch):
    """The bulk path (indexes dropped and rebuilt) at a small scale: the exact counts, the
    indexes back, and every member's day fits in 24 h even for the busiest."""
    from django.db.models import Sum

    from contribbudget.models import Member
    from demo.management.commands import seed_scale
    from projects.models import Project

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s",
                       ["contributions_contribution"])
        indexes = cursor.fetchone()[0]
    monkeypatch.setattr(seed_scale, "REBUILD_INDEXES_FROM", 0)
    call_command("seed_scale", "--members", "40", "--projects", "5", "--contributions", "20000",
                 "--seed", "3", "--prefix", "f", "--force", stdout=open("/dev/null", "w"))
    mine = Contribution.objects.filter(project__slug__startswith="f-")
    assert mine.count() == 20000
    assert Member.objects.filter(last_name="F").count() == 40
    assert Project.objects.filter(slug__startswith="f-").count() == 5
    days = mine.values("member", "date").annotate(h=Sum("hours")).order_by("-h")
    assert days[0]["h"] <= 24
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s",
                       ["contributions_contribution"])
        assert cursor.fetchone()[0] == indexes
    assert mine.filter(status="retributed", retributed_in__isnull=True).count() == 0
    assert mine.exclude(status="retributed").filter(retributed_in__isnull=False).count() == 0


@postgres
def test_seed_scale_refuses_more_work_than_its_members_can_log():
    with pytest.raises(CommandError, match="members"):
        call_command("seed_scale", "--members", "2", "--projects", "1", "--contributions",
                     "100000", "--force", stdout=open("/dev/null", "w"))


@postgres
def test_seed_scale_leaves_the_payments_page_its_order_and_figures():
    from retributions import selectors_runs as sel
    from retributions.models import PAYMENT_SORT

    _seed("p")
    lines = sel.payment_lines("unpaid")
    assert lines.exists()
    assert sel.payment_totals("unpaid")["count"] == lines.count()
    assert (list(lines.order_by(*PAYMENT_SORT).values_list("pk", flat=True))
            == list(lines.order_by("payee_place__name", "member__last_name",
                                   "member__first_name", "pk").values_list("pk", flat=True)))
