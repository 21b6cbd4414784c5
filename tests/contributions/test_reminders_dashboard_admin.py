"""Monday emails, the dashboard's grain use, preferences and the admin obeying the rules."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contributions import tasks
from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db


def test_weekly_reminder_goes_to_quiet_members_with_an_active_project(world):
    Contribution.objects.all().delete()
    factories.contribution(world.pilot, world.envelope)  # the pilot logged recently
    world.copilot.reminders_enabled = False
    world.copilot.save()
    result = tasks.send_weekly_reminders()
    recipients = {m.to[0] for m in mail.outbox}
    assert world.contributor.user.email in recipients
    assert world.pilot.user.email not in recipients
    assert world.copilot.user.email not in recipients  # turned reminders off
    assert world.treasurer.user.email not in recipients  # no project, no grain
    assert result == {"sent": len(mail.outbox)}
    assert "/contributions/semaine/" in mail.outbox[0].body


def test_an_old_contribution_does_not_stop_the_reminder(world):
    old = timezone.localdate() - datetime.timedelta(days=30)
    c = factories.contribution(world.contributor, world.envelope, date=old)
    Contribution.objects.filter(pk=c.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    tasks.send_weekly_reminders()
    assert world.contributor.user.email in {m.to[0] for m in mail.outbox}


def test_pilot_digest_lists_waiting_contributions_by_others(world):
    factories.contribution(world.contributor, world.envelope, status="submitted", hours=Decimal("2"))
    factories.contribution(world.contributor, world.envelope, status="submitted", hours=Decimal("1.5"))
    factories.contribution(world.pilot, world.envelope, status="submitted")
    tasks.send_pilot_digests()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "2 contributions attendent" in by_to[world.pilot.user.email].body
    assert "3,5" in by_to[world.pilot.user.email].body
    # The co-pilot also has the pilot's own contribution to validate.
    assert "3 contributions attendent" in by_to[world.copilot.user.email].body
    assert world.contributor.user.email not in by_to


def test_dashboard_splits_grain_use_between_drive_and_contribute(world, client_for):
    grain = factories.grain(world.contributor, world.envelope)
    factories.contribution(world.contributor, world.envelope, grain=grain, kind="coordination",
                           hours=Decimal("10"), status="validated", date=datetime.date(2026, 3, 2))
    other_env = world.other_envelope
    factories.contribution(world.contributor, other_env, grain=grain, kind="coordination",
                           hours=Decimal("4"), status="validated", date=datetime.date(2026, 3, 3))
    body = client_for(world.contributor).get(reverse("contributions:dashboard")).content.decode()
    # 0.2 × 1607 h × 365/365 = 321,4 h to drive; 0.1 → 160,7 h to contribute.
    assert "10\u00a0h / 321,4\u00a0h" in body
    assert "4\u00a0h / 160,7\u00a0h" in body
    assert "weekly-chart" in body and "chart.umd.min.js" in body


def test_dashboard_totals_week_month_year_per_project(world, client_for):
    today = timezone.localdate()
    factories.contribution(world.contributor, world.envelope, date=today, hours=Decimal("2"))
    factories.contribution(world.contributor, world.envelope, date=today, hours=Decimal("1"),
                           status="rejected", rejection_comment="non")
    body = client_for(world.contributor).get(reverse("contributions:dashboard")).content.decode()
    assert 'data-testid="hours-week">2\u00a0h<' in body
    assert "Légumerie" in body


def test_preferences_are_saved_and_explained(world, client_for):
    client = client_for(world.outsider)  # no home place
    url = reverse("contributions:preferences")
    response = client.post(url, {"preference": "money_place", "symbolic_text": "",
                                 "expected_daily_rate": "300", "siret": "", "address": ""})
    assert "pas de lieu d&#x27;attache" in response.content.decode()
    response = client.post(url, {"preference": "symbolic", "symbolic_text": "Un panier de légumes",
                                 "expected_daily_rate": "", "siret": "12345678901234",
                                 "address": "1 rue X"})
    assert response.status_code == 302
    world.outsider.refresh_from_db()
    assert world.outsider.preference == "symbolic" and world.outsider.reminders_enabled is False
    assert world.outsider.siret == "12345678901234"


def test_admin_obeys_the_rules(world, admin_client):
    data = {"member": world.contributor.pk, "project": world.project.pk,
            "envelope": world.other_envelope.pk, "date": "2026-10-05", "hours": "1.10",
            "kind": "production", "description": "Par l'admin"}
    response = admin_client.post(reverse("admin:contributions_contribution_add"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "appartient à un autre projet" in body and "au quart d&#x27;heure" in body
    assert not Contribution.objects.exists()
    data.update(envelope=world.envelope.pk, hours="1.25")
    response = admin_client.post(reverse("admin:contributions_contribution_add"), data)
    assert response.status_code == 302 and Contribution.objects.count() == 1


def test_weekly_reminder_links_to_last_weeks_grid_and_counts_drafts(world):
    old = datetime.date(2026, 10, 1)
    factories.contribution(world.contributor, world.envelope, date=old, hours=Decimal("2.50"),
                           created_at=timezone.make_aware(datetime.datetime(2026, 10, 1, 9)))
    factories.contribution(world.contributor, world.envelope, date=old, hours=Decimal("1.00"),
                           created_at=timezone.make_aware(datetime.datetime(2026, 10, 1, 9)))
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False):  # a Monday
        tasks.send_weekly_reminders()
    message = next(m for m in mail.outbox if world.contributor.user.email in m.to)
    assert "/contributions/semaine/?week=2026-W48" in message.body
    assert "semaine du 23 novembre 2026" in message.body
    assert "3,5\u00a0h sont encore en brouillon" in message.body
