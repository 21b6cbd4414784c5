"""The network itself: its settings, places, members, fields of action and working groups."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import limits
from ..money import MoneyField
from ..network_defaults import default_envelope_template

siret_validator = RegexValidator(r"^\d{14}$", _("Un SIRET compte exactement 14 chiffres."))


class ActiveQuerySet(models.QuerySet):
    """Places and fields of action are archived, never deleted: their history stays, and the
    choice lists of forms show only the active ones (``Model.objects.active()``)."""

    def active(self):
        return self.filter(archived_at__isnull=True)


class NetworkSettings(models.Model):
    """The network's settings: one row (pk=1), edited by coordinators on the network
    settings page (``network_settings_update``, audited with before/after)."""

    name = models.CharField(_("nom du réseau"), max_length=200, default="Réseau des tiers-lieux")
    # Legal identity printed on funder reports and invoice requests.
    legal_name = models.CharField(_("raison sociale"), max_length=200, blank=True,
                                  help_text=_("Nom de la structure porteuse (association…)."))
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    address = models.TextField(_("adresse"), blank=True, **limits.bounded(limits.ADDRESS))
    logo = models.ImageField(_("logo"), upload_to="network/", blank=True)
    reference_daily_rate = MoneyField(_("coût journalier de référence"), default=Decimal("250.00"),
                                      validators=[MinValueValidator(Decimal("0"))])
    # Choices are the envelope's surplus policies (projects.Envelope.SurplusPolicy), checked
    # by the form and the service: this module cannot import the projects app.
    default_surplus_policy = models.CharField(_("politique d'excédent par défaut"), max_length=10,
                                              default="carry")
    default_surplus_commons_percent = models.PositiveSmallIntegerField(
        _("part de l'excédent aux communs (%)"), default=50,
        validators=[MaxValueValidator(100)])
    # A list of {kind, name, share (percent, Decimal string), rule, daily_rate}: the
    # envelopes proposed when a project is set up (validated by network_template).
    envelope_template = models.JSONField(_("modèle d'enveloppes"), default=default_envelope_template,
                                         blank=True)
    # Where emails sent without a request (reminders, digests) point when SITE_URL is unset:
    # recorded from the coordinator's own requests (see contribbudget/links.py).
    site_url = models.URLField(_("adresse du site"), blank=True)
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
    # Treasury (issue 14): the account the SEPA files debit, the SIREN that names the FEC,
    # and the accounting account mapping (defaults: the associations' chart, ANC 2018-06).
    bank_iban = models.CharField(_("IBAN du réseau"), max_length=34, blank=True)
    bank_bic = models.CharField(_("BIC du réseau"), max_length=11, blank=True)
    accounting_siren = models.CharField(_("SIREN (nom du FEC)"), max_length=9, blank=True)
    sepa_schema = models.CharField(_("format des virements SEPA"), max_length=20,
                                   default="pain.001.001.03")
    account_mapping = models.JSONField(_("plan de comptes"), default=dict, blank=True)

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
    address = models.TextField(_("adresse"), blank=True, **limits.bounded(limits.ADDRESS))
    city = models.CharField(_("commune"), max_length=120, blank=True)
    # Says which public holidays apply to its members (Alsace-Moselle, overseas).
    department = models.CharField(
        _("département"), max_length=3, blank=True,
        validators=[RegexValidator(r"^(\d{2}|2[AB]|97\d)$",
                                   _("Un numéro de département : 57, 2A, 974…"))],
        help_text=_("Numéro du département (57, 67, 974…) : fixe les jours fériés."))
    email = models.EmailField(_("courriel"), blank=True)
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    # Treasury (issue 14): bank details and VAT status of a payee (checked by
    # contribbudget.payee, shown masked except to the owner and treasurers).
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    vat_status = models.CharField(_("régime de TVA"), max_length=10, blank=True,
                                  choices=[("franchise", _("Franchise en base (art. 293 B du CGI)")),
                                           ("vat", _("Assujetti·e à la TVA"))])
    vat_number = models.CharField(_("numéro de TVA intracommunautaire"), max_length=14, blank=True)

    objects = ActiveQuerySet.as_manager()

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
    address = models.TextField(_("adresse de facturation"), blank=True,
                               **limits.bounded(limits.ADDRESS))
    expected_daily_rate = MoneyField(_("coût journalier attendu"), null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))])
    reminders_enabled = models.BooleanField(_("recevoir les rappels"), default=True)
    is_treasurer = models.BooleanField(_("trésorier·e"), default=False)
    is_coordinator = models.BooleanField(_("coordination"), default=False)
    # Treasury (issue 14): bank details and VAT status of a payee (checked by
    # contribbudget.payee, shown masked except to the owner and treasurers).
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    vat_status = models.CharField(_("régime de TVA"), max_length=10, blank=True,
                                  choices=[("franchise", _("Franchise en base (art. 293 B du CGI)")),
                                           ("vat", _("Assujetti·e à la TVA"))])
    vat_number = models.CharField(_("numéro de TVA intracommunautaire"), max_length=14, blank=True)

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
        return self.display_name(self.first_name, self.last_name, "") or self.user.email

    @staticmethod
    def display_name(first_name: str, last_name: str, email: str) -> str:
        """The name pages show: first and last name, else the email. Long tables read their
        rows with ``values()`` (no model instances) and name people with this."""
        return f"{first_name} {last_name}".strip() or email

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
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)

    objects = ActiveQuerySet.as_manager()

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


