"""The treasurer's last mile (issue 14): payment batches and their SEPA files, self-billing
mandates and the self-billed invoices issued under them.

Kept beside ``models.py`` (which imports them) so that module stays under 400 lines."""
from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contribbudget.models import Member
from contribbudget.money import MoneyField


class PaymentBatch(models.Model):
    """Approved, unpaid lines sent to the bank in one SEPA credit-transfer file.
    prepared → sent (file downloaded) → confirmed (every pending line paid)."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Préparé")
        SENT = "sent", _("Envoyé à la banque")
        CONFIRMED = "confirmed", _("Confirmé")

    class Schema(models.TextChoices):
        PAIN_03 = "pain.001.001.03", "pain.001.001.03"
        PAIN_09 = "pain.001.001.09", "pain.001.001.09"

    OPEN_STATUSES = (Status.PREPARED, Status.SENT)

    reference = models.CharField(_("référence"), max_length=35, unique=True)
    schema = models.CharField(_("format"), max_length=20, choices=Schema.choices,
                              default=Schema.PAIN_03)
    execution_date = models.DateField(_("date d'exécution demandée"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.PREPARED)
    total = MoneyField(_("total"))
    line_count = models.PositiveIntegerField(_("virements"))
    message_id = models.CharField(max_length=35, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("préparé par"))
    created_at = models.DateTimeField(_("préparé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("téléchargé le"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    confirmed_on = models.DateField(_("exécuté le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lot de virements")
        verbose_name_plural = _("lots de virements")
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="batch_total_positive")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PaymentBatchLine(models.Model):
    """One transfer of a batch: a retribution line, with the payee's bank details as sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        PAID = "paid", _("Payé")
        FAILED = "failed", _("En échec")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="lines",
                              verbose_name=_("lot"))
    line = models.ForeignKey("retributions.RetributionLine", on_delete=models.PROTECT,
                             related_name="batch_lines", verbose_name=_("ligne"))
    amount = MoneyField(_("montant"))
    payee_name = models.CharField(_("bénéficiaire"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    end_to_end_id = models.CharField(max_length=35)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    failure_reason = models.CharField(_("motif de l'échec"), max_length=300, blank=True)
    # True while the batch is open and the transfer not failed: the partial unique index
    # below is what guarantees a line sits in at most one open batch, even when two
    # treasurers prepare batches at the same instant.
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["batch", "payee_name", "pk"]
        verbose_name = _("virement")
        verbose_name_plural = _("virements")
        constraints = [
            models.UniqueConstraint(fields=["line"], condition=Q(is_open=True),
                                    name="batch_line_one_open_batch"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="batch_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payee_name}: {self.amount}"


class SelfBillingMandate(models.Model):
    """A payee's written, prior and revocable mandate letting the network issue invoices in
    their name (art. 289 I-2 du CGI). Members invoicing with their own SIRET sign it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="mandates",
                               verbose_name=_("membre"))
    accepted_at = models.DateTimeField(_("accepté le"), default=timezone.now)
    starts_on = models.DateField(_("début"))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), default=12)
    contest_days = models.PositiveSmallIntegerField(_("délai de contestation (jours)"), default=15)
    terms = models.TextField(_("texte du mandat"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = _("mandat d'autofacturation")
        verbose_name_plural = _("mandats d'autofacturation")
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(revoked_at__isnull=True),
                                    name="mandate_one_active_per_member"),
            models.CheckConstraint(condition=Q(duration_months__gte=1), name="mandate_duration_min"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.starts_on:%d/%m/%Y}"

    @property
    def ends_on(self) -> datetime.date:
        """The first day the mandate no longer covers (start + duration, same day of month,
        or the month's last day when it has fewer days)."""
        year, month = divmod(self.starts_on.month - 1 + self.duration_months, 12)
        year += self.starts_on.year
        day = min(self.starts_on.day, calendar.monthrange(year, month + 1)[1])
        return datetime.date(year, month + 1, day)

    def covers(self, day) -> bool:
        return self.revoked_at is None and self.starts_on <= day < self.ends_on


class InvoiceSeries(models.Model):
    """A payee's own invoice number series: locked while a number is taken, so numbers
    follow each other without gaps."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="invoice_series")
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("série de factures")
        verbose_name_plural = _("séries de factures")

    def __str__(self) -> str:
        return f"{self.member}: {self.next_number}"


class SelfBilledInvoice(models.Model):
    """An invoice (or credit note) the network issued in a payee's name for one line."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Facture")
        CREDIT_NOTE = "credit_note", _("Avoir")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Émise")
        CONTESTED = "contested", _("Contestée")
        CANCELLED = "cancelled", _("Annulée par avoir")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField(_("numéro"), max_length=40)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="self_billed_invoices",
                               verbose_name=_("membre"))
    line = models.ForeignKey("retributions.RetributionLine", on_delete=models.PROTECT,
                             related_name="self_billed_invoices", verbose_name=_("ligne"))
    mandate = models.ForeignKey(SelfBillingMandate, on_delete=models.PROTECT, related_name="invoices")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("corrige"))
    amount = MoneyField(_("montant"))
    issued_on = models.DateField(_("émise le"))
    contest_until = models.DateField(_("contestable jusqu'au"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.ISSUED)
    contest_reason = models.TextField(_("motif de la contestation"), blank=True)
    seller_snapshot = models.JSONField(default=dict)
    file = models.FileField(_("fichier"), upload_to="invoices/%Y/%m/", blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("autofacture")
        verbose_name_plural = _("autofactures")
        constraints = [
            models.UniqueConstraint(fields=["member", "number"], name="invoice_number_per_member"),
            # One invoice per payee and run (a line is one member in one run); corrections
            # (credit note, corrected invoice) point to the invoice they follow.
            models.UniqueConstraint(fields=["line"], condition=Q(corrects__isnull=True),
                                    name="invoice_one_original_per_line"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=Q(contest_until__gte=F("issued_on")),
                                   name="invoice_contest_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
