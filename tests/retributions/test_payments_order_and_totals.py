"""The payments page keeps its order and its figures while reading them from what the
database maintains: lines by payee place, member's last then first name (as joined from
the places and members, whoever renamed whom and however), and counts and amounts equal to
counting the lines themselves, through approvals, payments, reopened runs and deletions."""
import datetime

import pytest
from django.db.models import Sum
from django.urls import reverse

from contribbudget.models import Member, Place, Preference
from retributions import selectors_runs as sel
from retributions.models import PAYMENT_SORT, RetributionLine, RetributionRun
from retributions.services import payments
from retributions.services import runs as svc
from tests import factories

from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db

STATUSES = ("unpaid", "paid", "all")
JOINED_ORDER = ("payee_place__name", "member__last_name", "member__first_name", "pk")


@pytest.fixture
def lines(world):
    """An approved run paying two places and three people, one line paid."""
    for name, last, place in [("Zoé", "Martin", "Atelier B"), ("Ali", "Martin", None),
                              ("Béa", "Durand", "Atelier A"), ("Chloé", "Abel", None),
                              ("Dan", "Martin", "Atelier B")]:
        kw = {"preference": Preference.MONEY_SELF}
        if place:
            home = Place.objects.filter(name=place).first() or factories.place(name=place)
            kw = {"preference": Preference.MONEY_PLACE, "home_place": home}
        validated(factories.member(name, last, **kw), world.envelope, "2.00")
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    first = run.lines.filter(money__gt=0).order_by("pk").first()
    payments.payments_mark_paid(actor=world.treasurer.user, line_ids=[first.pk],
                                paid_on=datetime.date.today(), reference="VIR-1")
    return run


def first_paid_to_a_place() -> RetributionLine:
    # Lines paid to no place come last on PostgreSQL, first on SQLite (their NULL order).
    return sel.payment_lines("all").exclude(payee_place=None).order_by(*PAYMENT_SORT).first()


def assert_same_order():
    for status in STATUSES:
        page = list(sel.payment_lines(status).order_by(*PAYMENT_SORT).values_list("pk", flat=True))
        joined = list(sel.payment_lines(status).order_by(*JOINED_ORDER)
                      .values_list("pk", flat=True))
        assert page == joined, status


def assert_figures_are_the_lines():
    for status in STATUSES:
        counted = sel.payment_lines(status)
        money = counted.aggregate(t=Sum("money"))["t"] or 0
        assert sel.payment_totals(status) == {"count": counted.count(), "total": money}, status


def test_lines_follow_their_payee_place_and_member_names(world, lines):
    assert RetributionLine.objects.filter(run=lines, payee_place__isnull=False).exists()
    assert_same_order()
    assert first_paid_to_a_place().sort_place_name == "Atelier A"


def test_renaming_a_member_or_a_place_moves_their_lines_on_the_page(world, lines):
    zoe = Member.objects.get(first_name="Zoé")
    zoe.last_name = "Aaron"
    zoe.save()
    Member.objects.filter(first_name="Chloé").update(last_name="Zorro", first_name="Chlo")
    Place.objects.filter(name="Atelier B").update(name="0 Atelier")
    assert_same_order()
    first = first_paid_to_a_place()
    assert (first.sort_place_name, first.sort_last_name) == ("0 Atelier", "Aaron")


def test_a_line_moved_to_another_payee_or_member_keeps_the_pages_order(world, lines):
    line = RetributionLine.objects.filter(run=lines, payee_place__isnull=True).first()
    RetributionLine.objects.filter(pk=line.pk).update(
        payee=RetributionLine.Payee.PLACE, payee_place=Place.objects.get(name="Atelier A"))
    other = RetributionLine.objects.filter(run=lines, payee_place__isnull=False).last()
    other.payee_place = None
    other.sort_place_name = "written by hand"  # the database puts the copy back
    other.save()
    assert_same_order()


def test_the_figures_are_the_lines_through_payments_reopening_and_deletion(world, lines):
    assert sel.payment_totals("all")["count"] >= 5
    assert_figures_are_the_lines()
    to_pay = list(sel.payment_lines("unpaid").values_list("pk", flat=True))
    payments.payments_mark_paid(actor=world.treasurer.user, line_ids=to_pay[:2],
                                paid_on=datetime.date.today(), reference="VIR-2")
    assert_figures_are_the_lines()
    RetributionLine.objects.filter(pk=to_pay[2]).update(money="123.45", override_reason="Prime")
    assert_figures_are_the_lines()
    RetributionLine.objects.filter(pk=to_pay[3]).delete()
    assert_figures_are_the_lines()
    # A second run, computed (a draft counts nothing), approved, then taken back.
    env = factories.envelope(world.project, amount="900.00")
    validated(factories.member("Eve", preference=Preference.MONEY_SELF), env, "1.00")
    draft = computed_run(world, envelope=env)
    assert_figures_are_the_lines()
    svc.run_approve(actor=world.pilot.user, run=draft)
    assert_figures_are_the_lines()
    RetributionRun.objects.filter(pk=draft.pk).update(status=RetributionRun.Status.CANCELLED)
    assert_figures_are_the_lines()
    assert sel.payment_totals("unpaid")["count"] == 1


def test_the_page_shows_the_counted_lines_and_their_amount(world, lines, client_for):
    client = client_for(world.treasurer)
    for status in STATUSES:
        html = client.get(reverse("retributions:payments") + f"?status={status}").content.decode()
        counted = sel.payment_lines(status)
        assert f'<strong class="kpi-value">{counted.count()}</strong>' in html
        assert html.count('<td data-label="Membre">') == counted.count()
