"""Team-chat webhooks: the URL rule (https, public addresses only, at save and at send),
payloads that reach a real local receiver, bounded retries, the daily digest and the
announcements each sent once, and the page's permissions."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contribbudget.models import AuditEvent
from contributions import services as contribution_services
from projects import tasks, webhook_delivery, webhooks
from projects.webhook_models import ProjectWebhook
from retributions.models import Document
from tests.retributions.runs_support import computed_run, validated

from .. import factories
from .webhook_receiver import running_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_hosts(settings):
    """The suite's receiver listens on 127.0.0.1: allow that host, for these tests only."""
    settings.WEBHOOK_ALLOW_HOSTS_FOR_TESTS = ["127.0.0.1"]
    settings.WEBHOOK_MAX_RETRIES = 2
    settings.WEBHOOK_RETRY_DELAYS = [0]


def page(world):
    return reverse("projects:webhook", args=[world.project.slug])


@pytest.mark.parametrize("url", [
    "http://hooks.example.org/x",            # not https
    "https://127.0.0.1/hooks/x",             # loopback
    "https://localhost:8443/hooks/x",        # loopback by name
    "https://10.1.2.3/hooks/x",              # private
    "https://192.168.1.10/hooks/x",          # private
    "https://172.16.0.5/hooks/x",            # private
    "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
    "https://100.64.0.1/hooks/x",            # shared address space
    "https://0.0.0.0/hooks/x",               # unspecified
    "https://240.0.0.1/hooks/x",             # reserved
    "https://[::1]/hooks/x",                 # IPv6 loopback
    "https://[fd00::1]/hooks/x",             # IPv6 unique local
    "https://[::ffff:127.0.0.1]/hooks/x",    # IPv4-mapped loopback
    "https://user:pw@93.184.215.14/hooks/x",  # credentials in the URL
])
def test_production_rule_refuses_private_loopback_and_plain_http(world, url):
    with pytest.raises(ValidationError):
        webhooks.webhook_save(actor=world.pilot.user, project=world.project, url=url,
                              flavour="slack")
    assert not ProjectWebhook.objects.exists()


def test_a_public_https_address_is_accepted_and_audited_without_its_secret(world):
    webhook = webhooks.webhook_save(actor=world.pilot.user, project=world.project,
                                    url="https://93.184.215.14/hooks/s3cr3t", flavour="slack")
    assert webhook.url.endswith("s3cr3t")
    event = AuditEvent.objects.get(action=AuditEvent.Action.WEBHOOK_CHANGED)
    assert event.data["host"] == "93.184.215.14" and "s3cr3t" not in str(event.data)


def test_the_page_says_why_a_private_address_is_refused_and_keeps_it(world, client_for):
    response = client_for(world.pilot).post(page(world), {
        "url": "https://192.168.0.12/hooks/x", "flavour": "slack", "enabled": "on"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "réseau privé ou local" in body and "https://192.168.0.12/hooks/x" in body
    assert not ProjectWebhook.objects.exists()


def test_test_hosts_exemption_is_empty_by_default():
    from django.conf import settings
    assert settings.WEBHOOK_ALLOW_HOSTS_FOR_TESTS == []


def test_test_message_reaches_the_receiver(world, client_for, local_hosts,
                                           django_capture_on_commit_callbacks):
    client = client_for(world.pilot)
    with running_receiver() as receiver, django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(world), {"url": receiver.url, "flavour": "slack",
                                             "enabled": "on"})
        assert response.status_code == 302
        response = client.post(reverse("projects:webhook_test", args=[world.project.slug]),
                               follow=True)
    assert len(receiver.received) == 1
    assert "Légumerie" in receiver.received[0]["text"]
    assert receiver.received[0]["username"] == "Budget contributif"
    assert receiver.paths == ["/hooks/equipe-secret"]
    assert "essai en route" in response.content.decode()
    assert ProjectWebhook.objects.get().last_outcome == "sent"


def test_matrix_hookshot_payload_carries_html(world, local_hosts,
                                              django_capture_on_commit_callbacks):
    with running_receiver() as receiver, django_capture_on_commit_callbacks(execute=True):
        webhooks.webhook_save(actor=world.pilot.user, project=world.project, url=receiver.url,
                              flavour="matrix")
        webhook_delivery.webhook_send_test(actor=world.pilot.user, project=world.project)
    assert receiver.received[0]["html"] and receiver.received[0]["text"]


def test_failing_receiver_is_retried_a_bounded_number_of_times(world, local_hosts):
    with running_receiver(statuses=[503]) as receiver:
        webhook = webhooks.webhook_save(actor=world.pilot.user, project=world.project,
                                        url=receiver.url, flavour="slack")
        result = tasks.deliver_webhook.delay(webhook.pk, "Bonjour").get()
    assert len(receiver.received) == 3  # one try and WEBHOOK_MAX_RETRIES=2 retries
    assert result == {"sent": False, "attempts": 3}
    webhook.refresh_from_db()
    assert webhook.last_outcome == "failed" and "503" in webhook.last_error


def test_receiver_back_after_a_failure_gets_the_message_once(world, local_hosts):
    with running_receiver(statuses=[500, 200]) as receiver:
        webhook = webhooks.webhook_save(actor=world.pilot.user, project=world.project,
                                        url=receiver.url, flavour="slack")
        assert tasks.deliver_webhook.delay(webhook.pk, "Bonjour").get()["sent"] is True
    assert len(receiver.received) == 2


def test_a_refusing_receiver_is_not_retried(world, local_hosts):
    with running_receiver(statuses=[404]) as receiver:
        webhook = webhooks.webhook_save(actor=world.pilot.user, project=world.project,
                                        url=receiver.url, flavour="slack")
        tasks.deliver_webhook.delay(webhook.pk, "Bonjour")
    assert len(receiver.received) == 1
    webhook.refresh_from_db()
    assert "404" in webhook.last_error


def test_send_time_check_refuses_an_address_that_became_private(world, settings):
    """A host validated earlier that now resolves inside (DNS rebinding) is refused at send
    time: the receiver on 127.0.0.1 never hears from us."""
    settings.WEBHOOK_ALLOW_HOSTS_FOR_TESTS = []
    with running_receiver() as receiver:
        # As if it had passed validation while public: written without the service.
        webhook = ProjectWebhook.objects.create(
            project=world.project, url=receiver.url.replace("http://", "https://"))
        tasks.deliver_webhook.delay(webhook.pk, "Bonjour")
    assert receiver.received == []
    webhook.refresh_from_db()
    assert webhook.last_outcome == "failed" and "privé" in webhook.last_error


def test_daily_digest_counts_the_days_work_and_is_sent_once(world, local_hosts):
    with running_receiver() as receiver:
        webhooks.webhook_save(actor=world.pilot.user, project=world.project, url=receiver.url,
                              flavour="slack")
        ProjectWebhook.objects.update(digest_since=timezone.now() - datetime.timedelta(days=1))
        day = timezone.localdate() - datetime.timedelta(days=1)
        a = factories.contribution(world.contributor, world.envelope, date=day,
                                   hours=Decimal("2.50"))
        b = factories.contribution(world.contributor, world.envelope, date=day,
                                   hours=Decimal("1.00"))
        contribution_services.contributions_submit_bulk(member=world.contributor,
                                                        ids=[a.pk, b.pk],
                                                        actor=world.contributor.user)
        contribution_services.contribution_validate(contribution=a, actor=world.pilot.user)
        contribution_services.contribution_reject(contribution=b, actor=world.pilot.user,
                                                  comment="Pas sur ce projet")
        assert tasks.send_webhook_digests.delay().get() == {"sent": 1}
        assert tasks.send_webhook_digests.delay().get() == {"sent": 0}
    text = receiver.received[0]["text"]
    assert len(receiver.received) == 1
    assert "2 contributions soumise(s) (3,5\u00a0h)" in text
    assert "1 contribution validée(s) (2,5\u00a0h)" in text
    assert "1 contribution refusée(s) (1\u00a0h)" in text


def test_run_computed_and_funder_report_ready_are_announced_once(world, local_hosts):
    with running_receiver() as receiver:
        webhook = webhooks.webhook_save(actor=world.pilot.user, project=world.project,
                                        url=receiver.url, flavour="slack")
        ProjectWebhook.objects.update(events_since=timezone.now() - datetime.timedelta(hours=1))
        validated(world.contributor, world.envelope, hours="4.00")
        computed_run(world)
        Document.objects.create(kind=Document.Kind.FUNDER_REPORT, project=world.project,
                                status=Document.Status.READY, finished_at=timezone.now(),
                                author=world.treasurer.user)
        assert tasks.send_webhook_announcements.delay().get() == {"sent": 2}
        assert tasks.send_webhook_announcements.delay().get() == {"sent": 0}
    texts = [r["text"] for r in receiver.received]
    assert any(t.startswith("Calcul de rétribution prêt à relire") for t in texts)
    assert any(t.startswith("Bilan financeur prêt") for t in texts)
    assert webhook.pk


@pytest.mark.parametrize("who, status", [("pilot", 200), ("coordinator", 200),
                                         ("contributor", 403), ("treasurer", 403),
                                         ("outsider", 403)])
def test_chat_page_is_for_the_projects_pilots_and_coordinators(world, client_for, who, status):
    client = client_for(getattr(world, who))
    assert client.get(page(world)).status_code == status
    response = client.post(reverse("projects:webhook_test", args=[world.project.slug]))
    assert response.status_code == (302 if status == 200 else status)


def test_project_page_links_to_the_chat_page_for_pilots(world, client_for):
    body = client_for(world.pilot).get(reverse("projects:detail",
                                               args=[world.project.slug])).content.decode()
    assert page(world) in body


def test_test_hosts_exemption_is_refused_outside_debug(settings):
    from projects.checks import webhook_test_hosts_only_in_debug
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_HOSTS_FOR_TESTS = ["127.0.0.1"]
    assert [e.id for e in webhook_test_hosts_only_in_debug(None)] == ["projects.E001"]
    settings.WEBHOOK_ALLOW_HOSTS_FOR_TESTS = []
    assert webhook_test_hosts_only_in_debug(None) == []


@pytest.mark.worker
def test_real_worker_retries_a_failing_receiver_a_bounded_number_of_times(world, transactional_db):
    """Through Redis and a real Celery worker process: Celery's own retries, capped."""
    import os

    from contribbudget.celery import app as celery_app
    from tests.realservices import running_worker

    env = {"CONTRIBBUDGET_TEST_WEBHOOK_HOSTS": "127.0.0.1", "WEBHOOK_MAX_RETRIES": "2",
           "WEBHOOK_RETRY_DELAYS": "1"}
    os.environ.update(env)
    celery_app.conf.task_always_eager = False
    try:
        with running_receiver(statuses=[503]) as receiver, running_worker():
            webhook = ProjectWebhook.objects.create(project=world.project, url=receiver.url)
            result = tasks.deliver_webhook.delay(webhook.pk, "Bonjour").get(timeout=60)
    finally:
        celery_app.conf.task_always_eager = True
        for key in env:
            os.environ.pop(key, None)
    assert len(receiver.received) == 3
    assert result == {"sent": False, "attempts": 3}
