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
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contribbudget.models import Invitation
from contributions import imports
from contributions.models import Contribution
from projects.models import AdjustmentRequest
from retributions.models import Document, ShareLink, SmoothingRequest
from tests import factories
from tests.retributions.runs_support import computed_run, validated

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
            return reverse(route.name)
        source = getattr(self, rule.kwargs)
        kwargs = source(route) if callable(source) else source
        return reverse(route.name, kwargs=kwargs)
