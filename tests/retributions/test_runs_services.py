"""Runs: start, compute, override, approve — the rules of issue #5, through the services."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contribbudget.models import AuditEvent, Member, NetworkSettings, Preference
from contributions.models import Contribution
from projects.models import Adjustment, Envelope
from retributions import selectors_runs as sel
from retributions.models import LedgerEntry, RetributionLine, RetributionRun
from retributions.services import runs as svc
from tests import factories

from .runs_support import END, START, computed_run, validated

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def team(world):
    """Camille 17.5 h, Bruno 10.25 h, Chloé 21 h volunteer (DESIGN.md §8 first example)."""
    bruno = factories.member("Bruno")
    chloe = factories.member("Chloé", preference=Preference.VOLUNTEER)
    validated(world.contributor, world.envelope, "10.00")
    validated(world.contributor, world.envelope, "7.50")
    validated(bruno, world.envelope, "10.25")
    validated(chloe, world.envelope, "21.00")
    return world, bruno, chloe


def lines_by_name(run):
    return {line.member.first_name: line for line in sel.run_lines(run)}


def test_compute_gives_each_member_a_line_with_the_time_rate_share_and_the_why(team):
    world, bruno, chloe = team
    run = computed_run(world)
    assert run.status == RetributionRun.Status.DRAFT
    lines = lines_by_name(run)
    assert lines["Camille"].money == D("700.00")
    assert lines["Bruno"].money == D("410.00")
    assert lines["Chloé"].money == D("0.00") and lines["Chloé"].valued == D("840.00")
    assert lines["Chloé"].payee == RetributionLine.Payee.NONE
    assert lines["Chloé"].non_financial == "Bénévole"
    assert run.distributed == D("1110.00") and run.surplus == D("8890.00")
    assert "280,00" in lines["Camille"].explanation
    assert run.inputs_fingerprint and run.progress_done == run.progress_total


def test_money_to_the_place_names_the_place_as_payee(team):
    world, *_ = team
    Member.objects.filter(pk=world.contributor.pk).update(preference=Preference.MONEY_PLACE)
    line = lines_by_name(computed_run(world))["Camille"]
    assert line.payee == RetributionLine.Payee.PLACE
    assert line.payee_place.name == "La Fabrique"


def test_symbolic_member_gets_their_text_and_no_money(team):
    world, bruno, _ = team
    Member.objects.filter(pk=bruno.pk).update(preference=Preference.SYMBOLIC,
                                              symbolic_text="Choisir les couleurs du site")
    line = lines_by_name(computed_run(world))["Bruno"]
    assert line.money == 0 and line.non_financial == "Choisir les couleurs du site"


def test_a_run_over_no_validated_work_is_refused_and_nothing_is_written(world):
    factories.contribution(world.contributor, world.envelope, status="submitted")
    with pytest.raises(ValidationError, match="rien à rétribuer"):
        svc.run_create(actor=world.pilot.user, envelope=world.envelope, period_start=START,
                       period_end=END)
    assert not RetributionRun.objects.exists()


def test_a_second_run_while_one_is_open_for_the_period_is_refused(team):
    world, *_ = team
    computed_run(world)
    with pytest.raises(ValidationError, match="déjà"):
        svc.run_create(actor=world.pilot.user, envelope=world.envelope, period_start=START,
                       period_end=END)
    assert RetributionRun.objects.count() == 1


def test_the_period_must_be_ordered(team):
    world, *_ = team
    with pytest.raises(ValidationError) as error:
        svc.run_create(actor=world.pilot.user, envelope=world.envelope, period_start=END,
                       period_end=START)
    assert "period_end" in error.value.message_dict


# --- Compute idempotency -------------------------------------------------------------------

def test_computing_twice_gives_one_set_of_lines(team):
    world, *_ = team
    run = computed_run(world)
    assert svc.run_compute(run_id=run.pk) is None  # a draft is not claimable
    assert run.lines.count() == 3


def test_a_compute_that_lost_its_claim_writes_nothing(team):
    world, *_ = team
    run = svc.run_create(actor=world.pilot.user, envelope=world.envelope, period_start=START,
                         period_end=END)

    def steal(done, total):
        if done == 1:  # another worker re-claims the run while this one computes
            svc._claim(run.pk, "other-worker")

    assert svc.run_compute(run_id=run.pk, progress=steal) is None
    assert run.lines.count() == 0
    assert svc.run_compute(run_id=run.pk).status == RetributionRun.Status.DRAFT
    assert run.lines.count() == 3


def test_recompute_after_worker_loss_leaves_exactly_one_set_of_lines(team):
    world, *_ = team
    run = computed_run(world)
    RetributionRun.objects.filter(pk=run.pk).update(status="computing", task_id="dead-worker")
    svc.run_recompute(actor=world.pilot.user, run=run)
    assert svc.run_compute(run_id=run.pk).status == RetributionRun.Status.DRAFT
    assert run.lines.count() == 3


def test_compute_queries_do_not_grow_with_contributions(world):
    def run_and_count(n_members, per_member, envelope):
        user_model = Member.user.field.related_model
        users = user_model.objects.bulk_create([
            user_model(username=f"q{envelope.pk}-{i}", email=f"q{envelope.pk}-{i}@example.org")
            for i in range(n_members)])
        members = Member.objects.bulk_create(
            [Member(user=u, first_name="Q", last_name=str(i)) for i, u in enumerate(users)])
        Contribution.objects.bulk_create([
            Contribution(member=m, project=envelope.project, envelope=envelope, date=END,
                         hours=D("1.50"), description="x", status="validated")
            for m in members for _ in range(per_member)])
        run = svc.run_create(actor=world.pilot.user, envelope=envelope, period_start=START,
                             period_end=END)
        with CaptureQueriesContext(connection) as queries:
            svc.run_compute(run_id=run.pk)
        assert run.lines.count() == n_members
        return len(queries.captured_queries)

    NetworkSettings.load()  # created once, not counted
    # Same members, 40 times more contributions: the same queries (lines are per member).
    small = run_and_count(20, 1, world.envelope)
    large = run_and_count(20, 40, factories.envelope(world.project, amount="900000.00"))
    assert small == large


# --- Override ------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, reason, message", [
    (D("-1.00"), "Erreur", "négatif"),
    (D("100.00"), "  ", "motif"),
    (D("9999.00"), "Bonus", "disponibles"),
    (D("10.005"), "Bonus", "centimes"),
])
def test_bad_overrides_are_refused_and_nothing_changes(team, amount, reason, message):
    world, *_ = team
    run = computed_run(world)
    line = lines_by_name(run)["Camille"]
    with pytest.raises(ValidationError, match=message):
        svc.run_line_override(actor=world.pilot.user, line=line, amount=amount, reason=reason)
    line.refresh_from_db()
    assert line.money == D("700.00") and line.override_reason == ""


def test_override_is_recorded_with_its_reason_and_updates_the_total(team):
    world, *_ = team
    run = computed_run(world)
    line = lines_by_name(run)["Camille"]
    svc.run_line_override(actor=world.pilot.user, line=line, amount=D("800.00"),
                          reason="Préparation non déclarée du premier atelier")
    line.refresh_from_db()
    run.refresh_from_db()
    assert line.money == D("800.00") and line.computed_money == D("700.00")
    assert run.distributed == D("1210.00")
    event = AuditEvent.objects.get(action=AuditEvent.Action.RUN_LINE_OVERRIDDEN)
    assert event.reason.startswith("Préparation") and event.data["after"] == "800.00"


def test_a_volunteer_line_cannot_be_given_money(team):
    world, _, chloe = team
    run = computed_run(world)
    with pytest.raises(ValidationError, match="bénévole"):
        svc.run_line_override(actor=world.pilot.user, line=lines_by_name(run)["Chloé"],
                              amount=D("10.00"), reason="Merci")


# --- Approve -------------------------------------------------------------------------------

def test_approve_retributes_contributions_lowers_available_and_writes_the_ledger(team):
    world, *_ = team
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    run.refresh_from_db()
    assert run.status == RetributionRun.Status.APPROVED and run.approved_by == world.pilot.user
    assert set(Contribution.objects.values_list("status", flat=True)) == {"retributed"}
    assert Contribution.objects.filter(retributed_in=run).count() == 4
    assert sel.envelope_available(world.envelope.pk) == D("8890.00")
    ledger = dict(run.ledger.values_list("kind", "amount"))
    assert ledger == {"distributed": D("1110.00"), "carry": D("8890.00")}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RUN_APPROVED,
                                     object_id=str(run.pk)).count() == 1


def test_double_approval_approves_once(team):
    world, *_ = team
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    again = svc.run_approve(actor=world.copilot.user, run=run)
    assert again.approved_by == world.pilot.user
    assert LedgerEntry.objects.filter(kind="distributed").count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RUN_APPROVED).count() == 1


def test_approving_a_run_whose_contributions_changed_is_refused(team):
    world, *_ = team
    run = computed_run(world)
    validated(world.contributor, world.envelope, "3.00")
    with pytest.raises(ValidationError, match="recalculez"):
        svc.run_approve(actor=world.pilot.user, run=run)
    run.refresh_from_db()
    assert run.status == "draft"
    assert not Contribution.objects.filter(status="retributed").exists()
    # After a recompute it goes through, with the new hours.
    svc.run_recompute(actor=world.pilot.user, run=run)
    svc.run_compute(run_id=run.pk)
    svc.run_approve(actor=world.pilot.user, run=run)
    assert Contribution.objects.filter(retributed_in=run).count() == 5


def test_approval_refuses_more_than_available(team):
    world, *_ = team
    run = computed_run(world)
    Adjustment.objects.create(envelope=world.envelope, delta=D("-9500.00"), reason="Coupe",
                              author=world.coordinator.user)
    with pytest.raises(ValidationError, match="disponibles"):
        svc.run_approve(actor=world.pilot.user, run=run)
    assert RetributionRun.objects.get(pk=run.pk).status == "draft"


def test_split_surplus_goes_to_commons_and_reserve_as_transfers(team):
    world, *_ = team
    Envelope.objects.filter(pk=world.envelope.pk).update(surplus_policy="split",
                                                         surplus_commons_percent=50)
    world.envelope.refresh_from_db()
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    ledger = dict(run.ledger.values_list("kind", "amount"))
    assert ledger["commons"] == D("4445.00") and ledger["reserve"] == D("4445.00")
    reserve = world.project.envelopes.get(kind="reserve")
    commons = world.project.envelopes.get(kind="commons")
    assert sel.envelope_available(reserve.pk) == D("4445.00")
    assert sel.envelope_available(commons.pk) == D("4445.00")
    assert sel.envelope_available(world.envelope.pk) == D("0.00")


# --- Per-run preference --------------------------------------------------------------------

def test_a_member_turning_volunteer_for_one_run_recomputes_it_without_their_money(team):
    world, bruno, _ = team
    run = computed_run(world)
    svc.run_preference_set(member=bruno, run=run, preference=Preference.VOLUNTEER)
    run.refresh_from_db()
    assert run.status == "queued"
    svc.run_compute(run_id=run.pk)
    line = lines_by_name(run)["Bruno"]
    assert line.money == 0 and line.preference == "volunteer"
    bruno.refresh_from_db()
    assert bruno.preference == Preference.MONEY_SELF  # the default did not change


def test_per_run_preference_is_refused_after_approval(team):
    world, bruno, _ = team
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    with pytest.raises(ValidationError, match="approuvé"):
        svc.run_preference_set(member=bruno, run=run, preference=Preference.VOLUNTEER)


def test_symbolic_preference_needs_its_text(team):
    world, bruno, _ = team
    run = computed_run(world)
    with pytest.raises(ValidationError) as error:
        svc.run_preference_set(member=bruno, run=run, preference=Preference.SYMBOLIC)
    assert "symbolic_text" in error.value.message_dict


def test_a_failed_run_can_be_retried(team):
    world, *_ = team
    run = svc.run_create(actor=world.pilot.user, envelope=world.envelope, period_start=START,
                         period_end=END)
    svc.run_mark_failed(run_id=run.pk, message="boom")
    run.refresh_from_db()
    assert run.status == "failed"
    svc.run_recompute(actor=world.pilot.user, run=run)
    assert svc.run_compute(run_id=run.pk).status == "draft"


def test_enqueue_happens_on_commit_and_computes(team, django_capture_on_commit_callbacks):
    world, *_ = team
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = svc.run_create(actor=world.pilot.user, envelope=world.envelope,
                             period_start=START, period_end=END + datetime.timedelta(days=0))
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == "draft" and run.lines.count() == 3


def test_a_pilot_cannot_approve_a_run_that_pays_them(world):
    """Nobody validates their own work: a run with the pilot's own share is approved by the
    co-pilot (or the coordination), never by the pilot."""
    validated(world.pilot, world.envelope, validated_by=world.copilot)
    validated(world.contributor, world.envelope)
    run = computed_run(world)
    with pytest.raises(ValidationError, match="autre pilote"):
        svc.run_approve(actor=world.pilot.user, run=run)
    run.refresh_from_db()
    assert run.status == "draft"
    svc.run_approve(actor=world.copilot.user, run=run)
    run.refresh_from_db()
    assert run.status == "approved"


def test_a_pilot_cannot_override_their_own_line(world):
    validated(world.pilot, world.envelope)
    run = computed_run(world)
    own = run.lines.get(member=world.pilot)
    with pytest.raises(ValidationError, match="propre part"):
        svc.run_line_override(actor=world.pilot.user, line=own,
                                       amount=Decimal("9999.00"), reason="Je le vaux bien")
    own.refresh_from_db()
    assert own.money == own.computed_money
