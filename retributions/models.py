"""Retribution runs and their lines, the surplus ledger, smoothing requests, and generated
documents (funder reports, contributor statements) with their funder links."""
import datetime
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contribbudget import limits
from contribbudget.files import private_name
from contribbudget.models import Member, Place
from contribbudget.money import HoursField, MoneyField, format_date
from projects.models import Envelope, Funding, Project


class RetributionRun(models.Model):
    """One computation of shares for one envelope and period (DESIGN.md §4)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        COMPUTING = "computing", _("Calcul en cours")
        DRAFT = "draft", _("Brouillon")
        APPROVED = "approved", _("Approuvé")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Abandonné")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Calcul de rétribution")
        SMOOTHING = "smoothing", _("Tour de lissage")

    OPEN_STATUSES = (Status.QUEUED, Status.COMPUTING, Status.DRAFT)

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="runs",
                                 verbose_name=_("enveloppe"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    period_start = models.DateField(_("début de période"))
    period_end = models.DateField(_("fin de période"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    rule = models.CharField(_("règle"), max_length=20, choices=Envelope.Rule.choices)
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    available = MoneyField(_("disponible"), null=True, blank=True)
    distributed = MoneyField(_("distribué"), null=True, blank=True)
    surplus = MoneyField(_("excédent"), null=True, blank=True)
    # Hash of the contributions the run was computed from: approval refuses a run whose
    # inputs changed since (it must be recomputed first).
    inputs_fingerprint = models.CharField(max_length=64, blank=True)
    # What the last recompute did with the pilot's overrides (retributions.overrides):
    # {"kept": [...], "dropped": [...]}, shown on the run page. Not an input of the compute.
    carried_overrides = models.JSONField(_("modifications reprises au recalcul"), default=dict,
                                         blank=True)
    selected_members = models.ManyToManyField(Member, blank=True, related_name="+",
                                              verbose_name=_("membres retenu·es (lissage)"))
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("lancé par"))
    created_at = models.DateTimeField(_("lancé le"), default=timezone.now)
    computed_at = models.DateTimeField(_("calculé le"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("approuvé par"))
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calcul de rétribution")
        verbose_name_plural = _("calculs de rétribution")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="run_period_ordered"),
            # One open (queued, computing or draft) run per envelope, period and kind.
            models.UniqueConstraint(fields=["envelope", "kind", "period_start", "period_end"],
                                    condition=Q(status__in=["queued", "computing", "draft"]),
                                    name="run_one_open_per_envelope_period"),
        ]
        indexes = [models.Index(fields=["envelope", "status"], name="run_envelope_status_idx")]

    def __str__(self) -> str:
        return f"{self.envelope} — {format_date(self.period_start)}–{format_date(self.period_end)}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


# The payments page's order: payee place, member's last then first name, line.
PAYMENT_SORT = ("sort_place_name", "sort_last_name", "sort_first_name", "id")


class RetributionLine(models.Model):
    """One member's share in one run."""

    class Payee(models.TextChoices):
        SELF = "self", _("La personne")
        PLACE = "place", _("Son lieu")
        NONE = "none", _("Aucun versement")

    run = models.ForeignKey(RetributionRun, on_delete=models.CASCADE, related_name="lines",
                            verbose_name=_("calcul"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="retribution_lines",
                               verbose_name=_("membre"))
    hours = HoursField(_("heures"))
    weighted_hours = HoursField(_("heures pondérées"))
    hours_by_kind = models.JSONField(_("heures par type"), default=dict)
    valued = MoneyField(_("valorisation"), null=True, blank=True)
    computed_money = MoneyField(_("part calculée"))
    money = MoneyField(_("part"))
    override_reason = models.TextField(_("motif de la modification"), blank=True,
                                       **limits.bounded(limits.REASON))
    preference = models.CharField(_("préférence"), max_length=20)
    payee = models.CharField(_("bénéficiaire"), max_length=10, choices=Payee.choices)
    payee_place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("lieu bénéficiaire"))
    non_financial = models.CharField(_("rétribution non financière"), max_length=200, blank=True)
    explanation = models.TextField(_("explication"), blank=True)
    # The same explanation as parts, rendered in the reader's language when shown
    # (retributions.explanations); empty for lines computed before it existed.
    explanation_parts = models.JSONField(default=list, blank=True, null=True, editable=False)
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    payment_reference = models.CharField(_("référence du paiement"), max_length=100, blank=True)
    # The payments page's sort key, copies of the payee place's name and the member's names
    # kept by the database's triggers (retributions/payment_sort_sql.py), so the page's
    # order is an index walk instead of a sort of every unpaid line. Never written here.
    sort_place_name = models.CharField(max_length=200, null=True, blank=True, editable=False)
    # db_default too: a raw INSERT that names none of them (demo.scale_load) stays valid.
    sort_last_name = models.CharField(max_length=100, blank=True, default="", db_default="",
                                      editable=False)
    sort_first_name = models.CharField(max_length=100, blank=True, default="", db_default="",
                                       editable=False)

    # Not a column: the override form the run's page attaches to each line.
    override_form: Any

    class Meta:
        ordering = ["run", "member"]
        verbose_name = _("ligne de rétribution")
        verbose_name_plural = _("lignes de rétribution")
        constraints = [
            # Idempotency of the compute task: one line per member and run, whatever happens.
            models.UniqueConstraint(fields=["run", "member"], name="line_one_per_member_and_run"),
            models.CheckConstraint(condition=Q(money__gte=0), name="line_money_not_negative"),
            models.CheckConstraint(condition=Q(computed_money__gte=0),
                                   name="line_computed_not_negative"),
            models.CheckConstraint(condition=Q(money=F("computed_money")) | ~Q(override_reason=""),
                                   name="line_override_has_reason"),
        ]
        indexes = [
            # Treasurer's payments to make: approved lines not yet paid.
            models.Index(fields=["paid_on", "run"], name="line_paid_run_idx"),
            # The payments page's order (PAYMENT_SORT), per status: the lines to pay, and
            # every line with money (all; paid, which is most of them once a network runs).
            models.Index(fields=[*PAYMENT_SORT], condition=Q(money__gt=0, paid_on__isnull=True),
                         name="line_to_pay_sort_idx"),
            models.Index(fields=[*PAYMENT_SORT], condition=Q(money__gt=0),
                         name="line_money_sort_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.money}"


class PaymentTotal(models.Model):
    """The payments page's figures: how many approved lines with money, and how much, are
    paid (``paid``) or still to pay. Kept exact by the database's triggers on every write of
    a line or of a run's status (retributions/payment_totals_sql.py), so the page reads two
    rows instead of counting every line of the network."""

    paid = models.BooleanField(primary_key=True)
    lines = models.BigIntegerField(default=0)
    money = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    def __str__(self) -> str:
        return f"{'paid' if self.paid else 'to pay'}: {self.lines} lines, {self.money}"


class LedgerEntry(models.Model):
    """Where an approved run's money went: distributed, carried over, to the commons fund or
    to the smoothing reserve (drawn from the reserve, for a smoothing round)."""

    class Kind(models.TextChoices):
        DISTRIBUTED = "distributed", _("Distribué")
        CARRY = "carry", _("Reporté dans l'enveloppe")
        COMMONS = "commons", _("Fonds des communs")
        RESERVE = "reserve", _("Réserve de lissage")
        RESERVE_DRAWN = "reserve_drawn", _("Prélevé sur la réserve de lissage")

    run = models.ForeignKey(RetributionRun, on_delete=models.PROTECT, related_name="ledger",
                            verbose_name=_("calcul"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ledger",
                                verbose_name=_("projet"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    amount = MoneyField(_("montant"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("écriture")
        verbose_name_plural = _("écritures")
        constraints = [models.UniqueConstraint(fields=["run", "kind"], name="ledger_one_per_run_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount}"


class SmoothingRequest(models.Model):
    """A member who feels under-paid for a period asks to be considered in a smoothing round."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="smoothing_requests",
                               verbose_name=_("membre"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="smoothing_requests", verbose_name=_("projet"))
    period_start = models.DateField(_("début de période"))
    period_end = models.DateField(_("fin de période"))
    reason = models.CharField(_("motif"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande de lissage")
        verbose_name_plural = _("demandes de lissage")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="smoothing_reason_required"),
            models.UniqueConstraint(fields=["member", "project", "period_start", "period_end"],
                                    name="smoothing_one_request_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.project}"


def document_upload_to(instance, filename: str) -> str:
    return private_name("documents", filename)


class Document(models.Model):
    """A generated PDF. Issued documents are never overwritten: a new version is a new row."""

    class Kind(models.TextChoices):
        FUNDER_REPORT = "funder_report", _("Bilan financeur")
        STATEMENT = "statement", _("Relevé de rétribution")

    class Status(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        RENDERING = "rendering", _("En cours de génération")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="documents", verbose_name=_("projet"))
    funding = models.ForeignKey(Funding, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="documents", verbose_name=_("financement"))
    run = models.ForeignKey(RetributionRun, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="documents", verbose_name=_("calcul"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="documents", verbose_name=_("membre"))
    period_start = models.DateField(_("début de période"), null=True, blank=True)
    period_end = models.DateField(_("fin de période"), null=True, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progression"), default=0)
    # The render that owns the row (a fresh token per claim) and when it last showed life:
    # a render silent for DOCUMENT_RENDER_STALE_SECONDS lost its worker and may be retried.
    claim_token = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(_("fichier"), upload_to=document_upload_to, blank=True)
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    invoice_number = models.CharField(_("numéro d'appel à facture"), max_length=40, null=True,
                                      blank=True, unique=True)
    error = models.TextField(_("erreur"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("demandé par"))
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("généré le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="document_progress_max_100"),
            models.CheckConstraint(condition=Q(period_end__isnull=True) | Q(period_start__isnull=True)
                                   | Q(period_end__gte=F("period_start")),
                                   name="document_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def render_is_stale(self) -> bool:
        """Rendering, but silent for longer than a render takes: its worker died."""
        if self.status != self.Status.RENDERING:
            return False
        limit = timezone.now() - datetime.timedelta(seconds=settings.DOCUMENT_RENDER_STALE_SECONDS)
        return self.heartbeat_at is None or self.heartbeat_at < limit


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """An unguessable, revocable link that lets a funder read one issued report."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="share_links",
                                 verbose_name=_("document"))
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lien financeur")
        verbose_name_plural = _("liens financeurs")

    def __str__(self) -> str:
        return self.token[:8] + "…"


# The treasury's models live in their own module (issue 14); importing them here registers
# them with the app.
from .models_treasury import (  # noqa: E402,F401
    InvoiceSeries,
    PaymentBatch,
    PaymentBatchLine,
    SelfBilledInvoice,
    SelfBillingMandate,
)
