"""Network-level models: the network's settings, places, members, fields of action,
invitations and the append-only audit trail."""
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .files import private_name
from .money import MoneyField

siret_validator = RegexValidator(r"^\d{14}$", _("Un SIRET compte exactement 14 chiffres."))


class NetworkSettings(models.Model):
    """The network's settings: one row (pk=1), edited by coordinators in the admin."""

    name = models.CharField(_("nom du réseau"), max_length=200, default="Réseau des tiers-lieux")
    hours_per_fte_year = models.DecimalField(
        _("heures par ETP et par an"), max_digits=7, decimal_places=1, default=Decimal("1607"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("1 607 h : durée légale annuelle du travail en France."),
    )
    daily_rate_outlier_factor = models.DecimalField(
        _("seuil d'alerte du coût journalier"), max_digits=4, decimal_places=1,
        default=Decimal("2"), validators=[MinValueValidator(Decimal("1"))],
        help_text=_("Un coût journalier attendu au-delà de ce multiple de la référence est signalé."),
    )
    hours_per_day = models.DecimalField(
        _("heures par jour"), max_digits=4, decimal_places=2, default=Decimal("7"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    next_invoice_number = models.PositiveIntegerField(_("prochain numéro d'appel à facture"), default=1)
    invoice_prefix = models.CharField(_("préfixe des appels à facture"), max_length=20, default="AF")

    class Meta:
        verbose_name = _("paramètres du réseau")
        verbose_name_plural = _("paramètres du réseau")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="networksettings_singleton")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> "NetworkSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Place(models.Model):
    """A member third place: a legal structure that can receive payments."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[siret_validator])
    address = models.TextField(_("adresse"), blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    email = models.EmailField(_("courriel"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")

    def __str__(self) -> str:
        return self.name


class Preference(models.TextChoices):
    MONEY_SELF = "money_self", _("Rétribution financière à mon nom")
    MONEY_PLACE = "money_place", _("Rétribution financière versée à mon lieu")
    SYMBOLIC = "symbolic", _("Rétribution symbolique")
    VOLUNTEER = "volunteer", _("Bénévole")


class Member(models.Model):
    """A natural person's profile, one per user account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="member", verbose_name=_("compte"))
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    home_place = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="members", verbose_name=_("lieu d'attache"))
    preference = models.CharField(_("préférence de rétribution"), max_length=20,
                                  choices=Preference.choices, default=Preference.MONEY_SELF)
    symbolic_text = models.CharField(_("rétribution symbolique souhaitée"), max_length=200,
                                     blank=True)
    siret = models.CharField(_("SIRET personnel"), max_length=14, blank=True,
                             validators=[siret_validator],
                             help_text=_("Pour facturer en votre nom (micro-entreprise…)."))
    address = models.TextField(_("adresse de facturation"), blank=True)
    expected_daily_rate = MoneyField(_("coût journalier attendu"), null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))])
    reminders_enabled = models.BooleanField(_("recevoir les rappels"), default=True)
    is_treasurer = models.BooleanField(_("trésorier·e"), default=False)
    is_coordinator = models.BooleanField(_("coordination"), default=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.CheckConstraint(condition=Q(expected_daily_rate__isnull=True)
                                   | Q(expected_daily_rate__gte=0),
                                   name="member_daily_rate_not_negative"),
            # Money "to my place" needs a place to pay.
            models.CheckConstraint(condition=~Q(preference="money_place")
                                   | Q(home_place__isnull=False),
                                   name="member_money_place_has_place"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.user.email

    @property
    def takes_money(self) -> bool:
        return self.preference in (Preference.MONEY_SELF, Preference.MONEY_PLACE)


class FieldOfAction(models.Model):
    """A theme or territory (champ d'action); working groups and grains hang off it."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("champ d'action")
        verbose_name_plural = _("champs d'action")
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                              name="field_end_after_start")]

    def __str__(self) -> str:
        return self.name


class WorkingGroup(models.Model):
    """A working group (GT) or community of interest of a field of action."""

    field = models.ForeignKey(FieldOfAction, on_delete=models.CASCADE, related_name="groups",
                              verbose_name=_("champ d'action"))
    name = models.CharField(_("nom"), max_length=200)
    members = models.ManyToManyField(Member, blank=True, related_name="groups",
                                     verbose_name=_("membres"))

    class Meta:
        ordering = ["field", "name"]
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        constraints = [models.UniqueConstraint(fields=["field", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return f"{self.field} — {self.name}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation a coordinator sends; following its link opens sign-up for that email."""

    email = models.EmailField(_("courriel"))
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    home_place = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, blank=True,
                                   verbose_name=_("lieu d'attache"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("invité·e par"))
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # At most one pending invitation per email (a resend reuses it).
            models.UniqueConstraint(fields=["email"], condition=Q(accepted_at__isnull=True),
                                    name="invitation_one_pending_per_email"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None


class AuditEvent(models.Model):
    """Who did what, when and why. Append-only: a database trigger refuses updates/deletes."""

    class Action(models.TextChoices):
        ENVELOPE_CREATED = "envelope.created", _("enveloppe créée")
        ENVELOPE_ADJUSTED = "envelope.adjusted", _("enveloppe ajustée")
        ENVELOPE_TRANSFER = "envelope.transfer", _("virement entre enveloppes")
        ENVELOPE_UPDATED = "envelope.updated", _("enveloppe modifiée")
        ADJUSTMENT_REQUESTED = "adjustment.requested", _("ajustement demandé")
        ADJUSTMENT_DECIDED = "adjustment.decided", _("demande d'ajustement traitée")
        CONTRIBUTION_SUBMITTED = "contribution.submitted", _("contribution soumise")
        CONTRIBUTION_VALIDATED = "contribution.validated", _("contribution validée")
        CONTRIBUTION_REJECTED = "contribution.rejected", _("contribution refusée")
        CONTRIBUTION_REOPENED = "contribution.reopened", _("contribution renvoyée en soumission")
        CONTRIBUTION_IMPORTED = "contribution.imported", _("contributions importées")
        GRAIN_CREATED = "grain.created", _("grain de coordination créé")
        RUN_STARTED = "run.started", _("calcul de rétribution lancé")
        RUN_LINE_OVERRIDDEN = "run.line_overridden", _("part modifiée")
        RUN_APPROVED = "run.approved", _("calcul de rétribution approuvé")
        PAYMENT_MARKED = "payment.marked", _("paiement enregistré")
        ROLE_CHANGED = "role.changed", _("rôle modifié")
        MEMBER_INVITED = "member.invited", _("membre invité·e")
        DOCUMENT_REQUESTED = "document.requested", _("document demandé")
        SHARE_LINK = "document.share_link", _("lien financeur")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("auteur·rice"))
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # The object the event is about, named by its model label and pk (no FK: the trail
    # outlives the rows), plus the project, when there is one, for per-project history.
    object_type = models.CharField(_("type d'objet"), max_length=60)
    object_id = models.CharField(_("identifiant"), max_length=40)
    project = models.ForeignKey("projects.Project", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="audit_events",
                                verbose_name=_("projet"))
    data = models.JSONField(_("données"), default=dict, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        indexes = [
            # The history shown on a contribution's, envelope's or run's page.
            models.Index(fields=["object_type", "object_id", "created_at"],
                         name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


def export_upload_to(instance, filename: str) -> str:
    return private_name("exports", filename)


class ExportJob(models.Model):
    """A spreadsheet too large to build in a request (a network-wide XLSX), built by a Celery
    task with its progress, and downloaded by its author only (``contribbudget.export_jobs``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        RUNNING = "running", _("En cours")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("demandé par"))
    exporter = models.CharField(_("export"), max_length=60)
    params = models.JSONField(_("filtres"), default=dict, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    done_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=export_upload_to, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return min(99, 100 * self.done_rows // self.total_rows) if self.total_rows else 0
