"""The maintained hours totals give the pages exactly the figures computed from the
contributions themselves, after any mix of writes, on SQLite and PostgreSQL."""
import datetime
import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F, Q, Sum

from contributions import totals
from contributions.models import Contribution, EnvelopeMonthTotal, MemberProjectTotal
from projects import selectors
from projects.models import Envelope, Project
from retributions.selectors.desk import year_totals
from retributions.selectors.report import (
    VOLUNTEER_PREFERENCES,
    _valuation_groups,
    in_kind_from_groups,
)

from .. import factories

VALIDATED = ("validated", "retributed")
STATUSES = ["draft", "submitted", "validated", "rejected", "retributed"]
CENT = Decimal("0.01")


YEARS = (2024, 2025, 2026)


def _in_kind_figures(in_kind: dict) -> tuple:
    """What the desk shows of the in-kind valuation: its worth, the volunteer and the
    staff-made-available hours."""
    return (in_kind["total"]["valued"], in_kind["total"]["hours"],
            in_kind["volunteer"]["hours"], in_kind["salaried"]["hours"])


def _in_kind_from_contributions(year: int) -> tuple:
    """The desk's in-kind figures the old way: one GROUP BY over the year's contributions."""
    year_rows = Contribution.objects.filter(status__in=VALIDATED, date__year=year)
    groups = _valuation_groups(year_rows.filter(
        Q(salaried=True) | Q(member__preference__in=VOLUNTEER_PREFERENCES)), {})
    return _in_kind_figures(in_kind_from_groups(groups))


def _hours(qs) -> Decimal:
    return qs.aggregate(t=Sum("hours"))["t"] or Decimal("0")


def figures_from_contributions() -> dict:
    """The pages' hours figures the old way: straight from the contributions."""
    counted = Contribution.objects.filter(status__in=VALIDATED)
    valued = {}
    for p in Project.objects.all():
        worth = sum((c.hours * c.envelope.daily_rate / c.envelope.hours_per_day
                     for c in counted.filter(project=p).select_related("envelope")), Decimal("0"))
        valued[p.pk] = worth.quantize(CENT)
    return {
        "envelopes": {e.pk: _hours(counted.filter(envelope=e)) for e in Envelope.objects.all()},
        "projects": {p.pk: _hours(counted.filter(project=p)) for p in Project.objects.all()},
        "valued": valued,
        "members": {(r["project"], r["member"]): r["t"] for r in
                    counted.values("project", "member").annotate(t=Sum("hours"))},
        "years": {y: _hours(counted.filter(date__year=y)) for y in YEARS},
        "in_kind": {y: _in_kind_from_contributions(y) for y in YEARS},
    }


def figures_from_pages() -> dict:
    """The same figures as the selectors now compute them (from the totals)."""
    members = {}
    for p in Project.objects.all():
        for row in selectors.project_team(p):
            if row["hours"]:
                members[(p.pk, row["member_id"])] = row["hours"]
        for other in selectors.project_other_contributors(p):
            members[(p.pk, other["member_id"])] = other["hours"]
    overview = list(selectors.network_overview())
    return {
        "envelopes": {e.pk: e.validated_hours for e in selectors.envelopes_with_totals()},
        "projects": {p.pk: p.validated_hours for p in overview},
        "valued": {p.pk: Decimal(p.valued).quantize(CENT) for p in overview},
        "members": members,
        "years": {y: year_totals(y)["validated_hours"] for y in YEARS},
        "in_kind": {y: _in_kind_figures(year_totals(y)["in_kind"]) for y in YEARS},
    }


def assert_same() -> None:
    old, new = figures_from_contributions(), figures_from_pages()
    assert new.pop("in_kind") == old.pop("in_kind")
    for key in old:
        assert {k: Decimal(v) for k, v in new[key].items()} == \
            {k: Decimal(v) for k, v in old[key].items()}, key


def _random_contribution(rng, members, envelopes, **kw) -> Contribution:
    env = rng.choice(envelopes)
    status = kw.pop("status", rng.choice(STATUSES))
    return Contribution(
        member=rng.choice(members), envelope=env, project=env.project,
        date=datetime.date(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28)),
        hours=Decimal(rng.randint(1, 32)) / 4, description="Atelier", status=status,
        salaried=rng.random() < 0.3, rejection_comment="non" if status == "rejected" else "")


def _give_time(*members) -> None:
    """Volunteer and symbolic preferences (their hours are valued in kind)."""
    for i, member in enumerate(members):
        preference = ("volunteer", "symbolic")[i % 2]
        member.preference = preference
        member.save(update_fields=["preference"])


@pytest.mark.django_db
def test_totals_match_the_contributions_after_every_kind_of_write(world):
    rng = random.Random(15)
    members = [world.contributor, world.pilot, world.copilot, world.outsider,
               factories.member("Hors-équipe")]
    _give_time(world.outsider, members[-1])
    envelopes = [world.envelope, world.other_envelope,
                 factories.envelope(world.project, name="Coordination", daily_rate=Decimal("213.50"),
                                    hours_per_day=Decimal("6.5"))]
    # Created one by one (the forms) and in bulk (imports, seeds).
    for _ in range(40):
        _random_contribution(rng, members, envelopes).save()
    Contribution.objects.bulk_create([_random_contribution(rng, members, envelopes)
                                      for _ in range(200)])
    assert_same()
    rows = list(Contribution.objects.order_by("pk"))
    # Edited: hours, day (another month or year), envelope, member; a description only.
    for c in rng.sample(rows, 30):
        c.hours = Decimal(rng.randint(1, 32)) / 4
        c.date = c.date.replace(month=rng.randint(1, 12))
        c.envelope = rng.choice(envelopes)
        c.project = c.envelope.project
        c.member = rng.choice(members)
        c.save()
    Contribution.objects.filter(pk=rows[0].pk).update(description="Autre chose")
    Contribution.objects.filter(pk__in=[c.pk for c in rows[140:170]]).update(salaried=~F("salaried"))
    # Validated, rejected, sent back, retributed by a run (queryset updates, as the services).
    Contribution.objects.filter(pk__in=[c.pk for c in rows[:60]]).update(status="validated")
    Contribution.objects.filter(pk__in=[c.pk for c in rows[60:80]]).update(
        status="rejected", rejection_comment="trop")
    Contribution.objects.filter(pk__in=[c.pk for c in rows[80:90]]).update(
        status="retributed")
    Contribution.objects.filter(pk__in=[c.pk for c in rows[90:100]]).update(hours=F("hours") + 1)
    assert_same()
    # Deleted, one and many.
    rows[100].delete()
    Contribution.objects.filter(pk__in=[c.pk for c in rows[101:140]]).delete()
    assert_same()
    # A member starts, or stops, giving their time: their past hours move in the in-kind
    # figures; a change that keeps them on the same side moves nothing.
    _give_time(world.contributor)
    assert_same()
    for member, preference in ((world.outsider, "money_self"), (members[-1], "volunteer")):
        member.preference = preference
        member.save(update_fields=["preference"])
    assert_same()


@pytest.mark.django_db
def test_rebuild_and_bulk_load_give_the_trigger_figures(world):
    rng = random.Random(5)
    members = [world.contributor, world.pilot, world.outsider]
    _give_time(world.pilot)
    envelopes = [world.envelope, world.other_envelope]
    Contribution.objects.bulk_create([_random_contribution(rng, members, envelopes)
                                      for _ in range(100)])

    def table():
        return ({(t.project_id, t.envelope_id, t.status, t.month): t.hours
                 for t in EnvelopeMonthTotal.objects.exclude(hours=0)},
                {(t.project_id, t.member_id, t.status): t.hours
                 for t in MemberProjectTotal.objects.exclude(hours=0)})

    kept = table()
    totals.rebuild_all()
    assert table() == kept
    with totals.bulk_load():
        Contribution.objects.bulk_create([_random_contribution(rng, members, envelopes)
                                          for _ in range(50)])
    assert_same()
    # The triggers are back after the load.
    _random_contribution(rng, members, envelopes, status="validated").save()
    assert_same()


@pytest.mark.django_db
def test_bulk_create_counted_adds_the_hours_once_per_key(world):
    """The import's bulk path: rows inserted with the per-row work deferred, the totals
    upserted once per key, same figures; the triggers work again afterwards."""
    rng = random.Random(7)
    members = [world.contributor, world.pilot, world.outsider]
    _give_time(world.outsider, world.pilot)
    envelopes = [world.envelope, world.other_envelope]
    for _ in range(20):
        _random_contribution(rng, members, envelopes, status="validated").save()
    totals.bulk_create_counted([_random_contribution(rng, members, envelopes)
                                for _ in range(300)], batch_size=100)
    assert_same()
    _random_contribution(rng, members, envelopes, status="retributed").save()
    Contribution.objects.filter(status="validated").update(status="rejected", rejection_comment="x")
    assert_same()


@pytest.mark.django_db
def test_update_status_counted_moves_the_hours_like_the_triggers(world):
    """The run approval's bulk path: validated → retributed, rejected, back to validated."""
    rng = random.Random(9)
    members = [world.contributor, world.pilot, world.outsider]
    _give_time(world.outsider)
    envelopes = [world.envelope, world.other_envelope]
    Contribution.objects.bulk_create([_random_contribution(rng, members, envelopes)
                                      for _ in range(300)])
    in_2025 = Contribution.objects.filter(date__year=2025)
    totals.update_status_counted(in_2025.filter(status="validated"), "retributed")
    assert_same()
    totals.update_status_counted(in_2025.filter(status="retributed"), "rejected",
                                 rejection_comment="non")
    assert_same()
    totals.update_status_counted(Contribution.objects.filter(status="submitted"), "validated")
    assert_same()
    with pytest.raises(ValueError):
        totals.update_status_counted(in_2025, "validated", hours=1)


@pytest.mark.django_db
def test_a_validated_contribution_shows_at_once_on_the_project_page(world, client_for):
    from django.urls import reverse

    client = client_for(world.pilot)
    url = reverse("projects:detail", args=[world.project.slug])
    client.get(url)
    c = factories.contribution(world.contributor, world.envelope, hours=Decimal("3.25"))
    Contribution.objects.filter(pk=c.pk).update(status="validated")
    project = selectors.projects_with_totals().get(pk=world.project.pk)
    assert project.validated_hours == Decimal("3.25")
    # The team table's row of the contributor: 3,25 h validated.
    page = client.get(url).content.decode()
    row = page.split('data-member="Camille')[1].split("</tr>")[0]
    assert "3,25\u00a0h" in row


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_on_the_same_totals_rows_both_count(world):
    """Both writers add the first hours of the same envelope-month and member-project: the
    second waits for the first's row, then adds to it; neither is lost."""
    first_inserted = threading.Event()
    errors = []

    def writer(hours: str, wait_first: bool):
        try:
            if wait_first:
                first_inserted.wait(timeout=10)
            with transaction.atomic():
                factories.contribution(world.contributor, world.envelope, hours=Decimal(hours),
                                       status="validated", date=datetime.date(2026, 3, 2))
                if not wait_first:
                    first_inserted.set()
                    time.sleep(0.5)  # the other writer is now blocked on our rows
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=("2.50", False)),
               threading.Thread(target=writer, args=("1.25", True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    env = selectors.envelopes_with_totals().get(pk=world.envelope.pk)
    assert env.validated_hours == Decimal("3.75")
    team = {r["member_id"]: r["hours"] for r in selectors.project_team(world.project)}
    assert team[world.contributor.pk] == Decimal("3.75")
