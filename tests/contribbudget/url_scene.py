"""The scene of the role × URL matrix (see url_matrix.py): a network with one object of each
kind a URL names, and a logged-in test client per visitor."""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from contribbudget.export_jobs import export_start
from contribbudget.models import Invitation
from contributions import imports
from contributions.models import Contribution
from projects.models import AdjustmentRequest, OpenPeriod
from retributions.exports import CONTRIBUTIONS
from retributions.models import Document, SelfBilledInvoice, ShareLink, SmoothingRequest
from retributions.services import batches
from retributions.services import runs as run_services
from tests import factories
from tests.retributions.runs_support import computed_run, validated
from tests.retributions.treasury_support import NADIA_IBAN, bank_network, freelancer, with_iban

if TYPE_CHECKING:
    from .url_matrix import Route
    from .url_rules import Rule

class Scene:
    """A network with a project in every state a page can show, and a logged-in client per
    visitor. Attributes named in the rules give each URL's kwargs."""

    def __init__(self):
        world = factories.World.build()
        self.world = world
        project = world.project
        project.public_page = True
        project.save(update_fields=["public_page"])
        stranger = factories.member("Zoé")  # a member with no role anywhere
        account = get_user_model().objects.create_user(
            username="sans.membre@example.org", email="sans.membre@example.org",
            password=factories.PASSWORD)
        EmailAddress.objects.create(user=account, email=account.email, verified=True,
                                    primary=True)
        users = {"no_member": account, "outsider": stranger.user,
                 "contributor": world.contributor.user, "other_pilot": world.outsider.user,
                 "pilot": world.pilot.user, "treasurer": world.treasurer.user,
                 "coordinator": world.coordinator.user}
        self.clients: dict[str, Client] = {"anonymous": Client()}
        for visitor, user in users.items():
            client = Client()
            client.force_login(user)
            self.clients[visitor] = client

        # Work of the contributor: validated hours (for the run) and a submitted row.
        validated(world.contributor, world.envelope, hours="6.00",
                  date=timezone.localdate() - datetime.timedelta(days=3))
        validated(world.copilot, world.envelope, hours="3.00",
                  date=timezone.localdate() - datetime.timedelta(days=3))
        self.contribution = factories.contribution(
            world.contributor, world.envelope, status=Contribution.Status.SUBMITTED)
        self.grain = factories.grain(world.pilot, world.envelope)
        self.adjustment_request = AdjustmentRequest.objects.create(
            envelope=world.envelope, requested_by=world.contributor, delta=Decimal("500.00"),
            work_estimate="Deux ateliers de plus", reason="Plus de monde que prévu")
        self.run = computed_run(world)
        self.line = self.run.lines.order_by("pk").first()
        SmoothingRequest.objects.create(
            member=world.contributor, project=project, period_start=self.run.period_start,
            period_end=self.run.period_end, reason="Beaucoup d'heures ce trimestre")
        self.document = Document.objects.create(
            kind=Document.Kind.FUNDER_REPORT, project=project,
            funding=project.fundings.first(), period_start=self.run.period_start,
            period_end=self.run.period_end, status=Document.Status.READY,
            author=world.treasurer.user, finished_at=timezone.now(), page_count=1)
        self.document.file.save("bilan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        self.share_link = ShareLink.objects.create(document=self.document,
                                                   created_by=world.treasurer.user)
        upload = SimpleUploadedFile(
            "passe.csv", ("email;date;hours;project;envelope;kind;description\n"
                          f"{world.contributor.user.email};05/10/2026;2,5;legumerie;Production;"
                          "production;Atelier\n").encode(), content_type="text/csv")
        self.contribution_import, _rows = imports.import_create(user=world.pilot.user,
                                                                upload=upload)
        self.invitation = Invitation.objects.create(
            email="nouvelle@example.org", first_name="Inès", last_name="Nouvelle",
            invited_by=world.coordinator.user)
        self.open_period = OpenPeriod.objects.create(
            project=project, start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30))
        with TestCase.captureOnCommitCallbacks(execute=True):  # built, ready to download
            self.export_job = export_start(author=world.treasurer.user, table=CONTRIBUTIONS,
                                           params={})
        self._treasury(world)

    def _treasury(self, world):
        """An approved run on a second envelope, paying a freelancer under a self-billing
        mandate (an invoice) and the copilot; a payment batch of its lines."""
        bank_network()
        freelancer(world.contributor)
        with_iban(world.copilot, NADIA_IBAN, bic="PSSTFRPP")
        commons = factories.envelope(world.project, name="Communs", amount="3000.00",
                                     author=world.coordinator.user)
        for who in (world.contributor, world.copilot):
            validated(who, commons, hours="4.00", date=timezone.localdate())
        run = computed_run(world, envelope=commons)
        with TestCase.captureOnCommitCallbacks(execute=True):
            run_services.run_approve(actor=world.pilot.user, run=run)
        self.invoice = SelfBilledInvoice.objects.filter(line__run=run).first()
        self.batch = batches.batch_prepare(actor=world.treasurer.user)
        self.batch_line = self.batch.lines.order_by("pk").first()

    # kwargs sources (named in RULES)
    @property
    def project(self):
        return {"slug": self.world.project.slug}

    @property
    def envelope(self):
        return {"pk": self.world.envelope.pk}

    @property
    def contribution_pk(self):
        return {"pk": self.contribution.pk}

    @property
    def import_pk(self):
        return {"pk": self.contribution_import.pk}

    @property
    def grain_pk(self):
        return {"pk": self.grain.pk}

    @property
    def request_pk(self):
        return {"pk": self.adjustment_request.pk}

    @property
    def run_pk(self):
        return {"pk": self.run.pk}

    @property
    def line_pk(self):
        return {"pk": self.line.pk}

    @property
    def document_pk(self):
        return {"pk": self.document.pk}

    @property
    def share_link_pk(self):
        return {"pk": self.share_link.pk}

    @property
    def share_token(self):
        return {"token": self.share_link.token}

    @property
    def invitation_token(self):
        return {"token": self.invitation.token}

    @property
    def invitation_pk(self):
        return {"pk": self.invitation.pk}

    @property
    def place_pk(self):
        return {"pk": self.world.contributor.home_place_id}

    @property
    def field_pk(self):
        return {"pk": self.world.project.field_id}

    @property
    def member_pk(self):
        return {"pk": self.world.contributor.pk}

    @property
    def export_job_pk(self):
        return {"pk": self.export_job.pk}

    @property
    def funding_pk(self):
        return {"pk": self.world.project.fundings.first().pk}

    @property
    def open_period_pk(self):
        return {"pk": self.open_period.pk}

    @property
    def team_member(self):
        return {"slug": self.world.project.slug, "member_id": self.world.contributor.pk}

    @property
    def batch_pk(self):
        return {"pk": self.batch.pk}

    @property
    def batch_line_pk(self):
        return {"pk": self.batch_line.pk}

    @property
    def invoice_pk(self):
        return {"pk": self.invoice.pk}

    @property
    def review_data(self):
        return {"ids": [self.contribution.pk], "action": "validate"}

    @property
    def desk_table(self):
        return {"table": "contributions"}

    @property
    def email_key(self):
        return {"key": "cle-inconnue"}

    @property
    def reset_key(self):
        return {"uidb36": "0", "key": "cle-inconnue"}

    def admin_kwargs(self, route: Route) -> dict:
        # Any value does: nobody here is staff, the admin redirects before reading it.
        return {name: "projects" if name == "app_label" else "1" for name in route.converters}

    def url(self, route: Route, rule: Rule) -> str:
        if rule.kwargs is None:
            url = reverse(route.name)
        else:
            source = getattr(self, rule.kwargs)
            kwargs = source(route) if callable(source) else source
            url = reverse(route.name, kwargs=kwargs)
        return f"{url}?{rule.query}" if rule.query else url
