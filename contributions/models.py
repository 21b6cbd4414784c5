"""Contributions: the hours members give, their validation, and file imports."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contribbudget import limits
from contribbudget.files import private_name
from contribbudget.models import Member
from contribbudget.money import HoursField, format_date
from projects.models import CoordinationGrain, Envelope, Project


class Contribution(models.Model):
    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production")
        COORDINATION = "coordination", _("Coordination")
        CREATIVE = "creative", _("Session créative")
        SUPPORT = "support", _("Support")
        MEETING = "meeting", _("Réunion")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Soumise")
        VALIDATED = "validated", _("Validée")
        REJECTED = "rejected", _("Refusée")
        RETRIBUTED = "retributed", _("Rétribuée")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contributions",
                               verbose_name=_("membre"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contributions",
                                verbose_name=_("projet"))
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="contributions",
                                 verbose_name=_("enveloppe"))
    date = models.DateField(_("date"))
    hours = HoursField(_("heures"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices,
                            default=Kind.PRODUCTION)
    description = models.TextField(_("description"), **limits.bounded(limits.DESCRIPTION))
    deliverable_url = models.URLField(_("lien vers le livrable"), blank=True, max_length=500)
    invited_by = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="invited_contributions",
                                   verbose_name=_("invité·e par"))
    grain = models.ForeignKey(CoordinationGrain, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="contributions",
                              verbose_name=_("grain de coordination"))
    salaried = models.BooleanField(
        _("temps salarié (mise à disposition)"), default=False,
        help_text=_("Fait sur un temps déjà payé par un employeur : valorisé, jamais rétribué."))
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    rejection_comment = models.TextField(_("motif du refus"), blank=True,
                                         **limits.bounded(limits.COMMENT))
    coefficient_override = models.DecimalField(_("coefficient particulier"), max_digits=4,
                                               decimal_places=2, null=True, blank=True)
    coefficient_reason = models.TextField(_("motif du coefficient"), blank=True,
                                          **limits.bounded(limits.REASON))
    validated_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("validée par"))
    # Who wrote the row: the member themself, or whoever logged or imported it on their
    # behalf — that person never validates it (contribbudget.permissions.reviewable_by).
    created_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("saisie par"))
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    retributed_in = models.ForeignKey("retributions.RetributionRun", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="contributions",
                                      verbose_name=_("rétribuée par"))
    # Idempotency: the quick-log form carries a token, so a double click creates one row.
    client_token = models.UUIDField(null=True, blank=True, editable=False)
    # Imports: a fingerprint of the source row, so importing the same file twice adds nothing.
    import_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="contribution_hours_positive"),
            models.CheckConstraint(condition=Q(hours__lte=24), name="contribution_hours_max_24"),
            # Quarter hours: hours × 4 is a whole number.
            models.CheckConstraint(condition=Exact(Mod(models.F("hours") * 100, 25), 0),
                                   name="contribution_hours_quarter"),
            models.CheckConstraint(condition=~Q(description=""),
                                   name="contribution_description_required"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_comment=""),
                                   name="contribution_rejection_has_comment"),
            models.CheckConstraint(condition=Q(coefficient_override__isnull=True)
                                   | Q(coefficient_override__gte=0),
                                   name="contribution_coefficient_not_negative"),
            models.UniqueConstraint(fields=["member", "client_token"],
                                    condition=Q(client_token__isnull=False),
                                    name="contribution_unique_client_token"),
            models.UniqueConstraint(fields=["import_key"], condition=Q(import_key__isnull=False),
                                    name="contribution_unique_import_key"),
        ]
        indexes = [
            # "My contributions" and the dashboard: a member's rows by date.
            models.Index(fields=["member", "date"], name="contrib_member_date_idx"),
            # The quick log's "last entered" list and its last used envelope: a member's
            # newest rows, in the lists' full order (id breaks ties) so the first 8 are read
            # from the index instead of sorting all the member's rows.
            models.Index(fields=["member", "-created_at", "-id"],
                         name="contrib_member_recent_idx"),
            # Validation queue and project totals: a project's rows by status.
            models.Index(fields=["project", "status", "date"], name="contrib_project_status_idx"),
            # The project page's team: each member's validated hours on the project, read
            # from the index alone (hours included).
            models.Index(fields=["project", "member", "status"], include=["hours"],
                         name="contrib_project_member_idx"),
            # The validation queue (selectors.validation_queue, queue_group_totals): the
            # submitted rows of the pilot's projects, a small part of all rows. Its totals by
            # member and week, and the choice of a page's 100 ids, are read from the index
            # alone (selectors.queue_page).
            models.Index(fields=["project", "member", "date"],
                         include=["hours", "created_by", "id"],
                         condition=Q(status="submitted"), name="contrib_submitted_queue_idx"),
            # Runs and envelope consumption: an envelope's validated rows in a period.
            models.Index(fields=["envelope", "status", "date"], name="contrib_envelope_status_idx"),
            # Grain consumption.
            models.Index(fields=["grain", "status"], name="contrib_grain_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {format_date(self.date)} — {self.hours} h"

    @property
    def is_editable(self) -> bool:
        """Drafts, submitted, rejected and validated rows can be edited by their author;
        retributed rows are locked once an approved run includes them."""
        return self.status != self.Status.RETRIBUTED

    @property
    def is_imported(self) -> bool:
        return self.import_key is not None

    @property
    def logged_on_behalf(self) -> bool:
        """Written by someone else than the member (an import, a pilot's entry)."""
        return self.written_by_other(self.member_id, self.created_by_id)

    @staticmethod
    def written_by_other(member_id: int, created_by_id: int | None) -> bool:
        """:attr:`logged_on_behalf` for rows read with ``values()`` (the validation queue)."""
        return created_by_id is not None and created_by_id != member_id


def import_upload_to(instance, filename: str) -> str:
    return private_name("imports", filename)


class ContributionImport(models.Model):
    """An uploaded CSV/XLSX of past contributions: previewed, then committed all-or-nothing."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Aperçu")
        QUEUED = "queued", _("En file d'attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Importé")
        FAILED = "failed", _("Échec")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("déposé par"))
    file = models.FileField(_("fichier"), upload_to=import_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    checksum = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.PREVIEW)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import de contributions")
        verbose_name_plural = _("imports de contributions")

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_percent(self) -> int:
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


from .models_totals import (  # noqa: E402,F401 (registers them)
    EnvelopeMonthTotal,
    EnvelopeYearInKindTotal,
    MemberProjectTotal,
)
