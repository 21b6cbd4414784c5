"""Projects, their fundings, roles, envelopes with append-only adjustments, adjustment
requests and 0.3-FTE coordination grains."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contribbudget import limits
from contribbudget.models import FieldOfAction, Member
from contribbudget.money import MoneyField, format_date

# Path segments the project pages use under /projets/: a project cannot take them as slug.
RESERVED_SLUGS = {"reseau", "grains", "enveloppes", "demandes", "public", "nouveau",
                  "financements", "periodes"}


def validate_project_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("« %(slug)s » est réservé par l'application : choisissez un "
                                "autre identifiant.") % {"slug": value})


class Project(models.Model):
    class Phase(models.TextChoices):
        EMERGENCE = "emergence", _("Émergence")
        PRODUCTION = "production", _("Production")
        CLOSED = "closed", _("Clos")

    class PublicNames(models.TextChoices):
        NAMED = "named", _("Contributeur·rices nommé·es")
        ANONYMISED = "anonymised", _("Contributeur·rices anonymisé·es")

    field = models.ForeignKey(FieldOfAction, on_delete=models.PROTECT, related_name="projects",
                              verbose_name=_("champ d'action"))
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True,
                            validators=[validate_project_slug])
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices,
                             default=Phase.EMERGENCE)
    is_open = models.BooleanField(
        _("ouvert aux nouveaux·elles"), default=True,
        help_text=_("Période ouverte : toute personne du réseau peut contribuer. "
                    "Période fermée : seule l'équipe contribue."))
    public_page = models.BooleanField(_("page de transparence publique"), default=False)
    public_names = models.CharField(_("noms sur la page publique"), max_length=20,
                                    choices=PublicNames.choices, default=PublicNames.ANONYMISED)
    members: "models.ManyToManyField[Member, ProjectRole]" = models.ManyToManyField(
        Member, through="ProjectRole", related_name="projects")

    class Meta:
        ordering = ["name"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                                              name="project_end_after_start")]

    def __str__(self) -> str:
        return self.name


class ProjectRole(models.Model):
    """A member's one role on one project."""
    class Role(models.TextChoices):
        PILOT = "pilot", _("Pilote")
        CONTRIBUTOR = "contributor", _("Contributeur·rice")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles",
                                verbose_name=_("projet"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="project_roles",
                               verbose_name=_("membre"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices,
                            default=Role.CONTRIBUTOR)

    class Meta:
        ordering = ["project", "role", "member"]
        verbose_name = _("rôle dans un projet")
        verbose_name_plural = _("rôles dans les projets")
        constraints = [models.UniqueConstraint(fields=["member", "project"],
                                               name="one_role_per_member_and_project")]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display()} — {self.project}"


class Funding(models.Model):
    """A grant line: the project's budget is the sum of its fundings."""
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings",
                                verbose_name=_("projet"))
    funder = models.CharField(_("financeur"), max_length=200)
    reference = models.CharField(_("référence de la convention"), max_length=100)
    amount = MoneyField(_("montant"))
    start = models.DateField(_("début d'éligibilité"))
    end = models.DateField(_("fin d'éligibilité"))

    class Meta:
        ordering = ["project", "start", "funder"]
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="funding_end_after_start"),
            models.UniqueConstraint(fields=["project", "reference"], name="funding_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.funder} — {self.reference}"


class Envelope(models.Model):
    """A slice of a project's budget with its retribution rule.

    Its amount is the sum of its adjustments (append-only rows); there is deliberately no
    amount column to drift from them. Selectors annotate it with SUM.
    """
    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production")
        COORDINATION = "coordination", _("Coordination")
        SUPPORT_ADMIN = "support_admin", _("Support — administration")
        SUPPORT_COOP = "support_coop", _("Support — coopération")
        SUPPORT_COM = "support_com", _("Support — communication")
        SUPPORT_DOCU = "support_docu", _("Support — documentation")
        CREATIVE = "creative", _("Créatif / alignement")
        COMMONS = "commons", _("Communs")
        RESERVE = "reserve", _("Réserve de lissage")

    class Rule(models.TextChoices):
        TIME_RATE = "time_rate", _("Au temps passé")
        PRORATA = "prorata", _("Au prorata")
        EQUAL = "equal", _("Parts égales")
        PEER = "peer", _("Appréciation des pairs")
        REQUEST = "request", _("Rétribution libre")
        MANUAL = "manual", _("Décision du pilote")
        BALANCED = "balanced", _("Lissage")

    class DeclinedShares(models.TextChoices):
        RESPREAD = "respread", _("Redistribuées aux autres")
        SURPLUS = "surplus", _("Versées à l'excédent")

    class SurplusPolicy(models.TextChoices):
        CARRY = "carry", _("Reste dans l'enveloppe")
        COMMONS = "commons", _("Fonds des communs")
        RESERVE = "reserve", _("Réserve de lissage")
        SPLIT = "split", _("Partagé entre communs et réserve")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="envelopes",
                                verbose_name=_("projet"))
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    daily_rate = MoneyField(_("coût journalier de référence"), default=Decimal("250.00"))
    hours_per_day = models.DecimalField(_("heures par jour"), max_digits=4, decimal_places=2,
                                        default=Decimal("7"))
    rule = models.CharField(_("règle de rétribution"), max_length=20, choices=Rule.choices,
                            default=Rule.TIME_RATE)
    cap = MoneyField(_("plafond par personne et par calcul"), null=True, blank=True)
    declined_shares = models.CharField(_("parts non perçues (bénévoles, symboliques)"),
                                       max_length=10, choices=DeclinedShares.choices,
                                       default=DeclinedShares.RESPREAD)
    surplus_policy = models.CharField(_("excédent"), max_length=10, choices=SurplusPolicy.choices,
                                      default=SurplusPolicy.CARRY)
    surplus_commons_percent = models.PositiveSmallIntegerField(
        _("part de l'excédent aux communs (%)"), default=50,
        help_text=_("Utilisé quand l'excédent est partagé ; le reste va à la réserve."))
    # Kind coefficients (DESIGN.md §4): None means the default for the kind.
    coefficients = models.JSONField(_("coefficients par type de contribution"), default=dict,
                                    blank=True)
    coefficients_reason = models.TextField(_("motif des coefficients"), blank=True,
                                           **limits.bounded(limits.REASON))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("enveloppe")
        verbose_name_plural = _("enveloppes")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="envelope_unique_name"),
            models.CheckConstraint(condition=Q(daily_rate__gte=0), name="envelope_rate_not_negative"),
            models.CheckConstraint(condition=Q(hours_per_day__gt=0), name="envelope_hours_per_day_positive"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gt=0), name="envelope_cap_positive"),
            models.CheckConstraint(condition=Q(surplus_commons_percent__lte=100),
                                   name="envelope_surplus_percent_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.name}"


class Adjustment(models.Model):
    """One append-only change of an envelope's amount (a database trigger refuses updates
    and deletes). A transfer is two adjustments sharing ``transfer_id`` that sum to zero."""
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="adjustments",
                                 verbose_name=_("enveloppe"))
    delta = MoneyField(_("montant"))
    reason = models.TextField(_("motif"), **limits.bounded(limits.REASON))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("auteur·rice"))
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    transfer_id = models.UUIDField(_("virement"), null=True, blank=True, db_index=True)
    request = models.OneToOneField("AdjustmentRequest", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="adjustment")

    # Not a column: the other envelope of a transfer, attached by the envelope page.
    counterpart: str

    class Meta:
        ordering = ["envelope", "created_at", "pk"]
        verbose_name = _("ajustement")
        verbose_name_plural = _("ajustements")
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="adjustment_delta_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="adjustment_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.envelope}: {self.delta:+}"


class AdjustmentRequest(models.Model):
    """A team member's proposal to adjust an envelope; the pilot accepts or declines it."""
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="requests",
                                 verbose_name=_("enveloppe"))
    requested_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("demandé par"))
    delta = MoneyField(_("montant demandé"))
    work_estimate = models.TextField(_("estimation du travail"),
                                     **limits.bounded(limits.WORK_ESTIMATE))
    reason = models.TextField(_("motif"), **limits.bounded(limits.REASON))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    decided_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("traitée par"))
    decision_comment = models.TextField(_("commentaire"), blank=True,
                                        **limits.bounded(limits.COMMENT))
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'ajustement")
        verbose_name_plural = _("demandes d'ajustement")
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="request_delta_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="request_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.envelope}: {self.delta:+} ({self.get_status_display()})"


class CoordinationGrain(models.Model):
    """0.3 FTE for one member on one field of action for one period: 0.2 to drive one
    project (the thread of the person's engagement) + 0.1 to contribute elsewhere."""
    class Mode(models.TextChoices):
        SALARIED = "salaried", _("Salarié (coût réservé, heures valorisées)")
        CONTRIBUTIVE = "contributive", _("Contributif (heures rétribuées par l'enveloppe)")

    DRIVE_FTE = Decimal("0.2")
    CONTRIBUTE_FTE = Decimal("0.1")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="grains",
                               verbose_name=_("membre"))
    field = models.ForeignKey(FieldOfAction, on_delete=models.PROTECT, related_name="grains",
                              verbose_name=_("champ d'action"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="driven_by_grains",
                                verbose_name=_("projet piloté (0,2 ETP)"))
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="grains",
                                 verbose_name=_("enveloppe qui le paie"))
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    fte_drive = models.DecimalField(_("ETP pilotage"), max_digits=3, decimal_places=2,
                                    default=DRIVE_FTE)
    fte_contribute = models.DecimalField(_("ETP contribution"), max_digits=3, decimal_places=2,
                                         default=CONTRIBUTE_FTE)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices,
                            default=Mode.CONTRIBUTIVE)
    yearly_cost = MoneyField(_("coût annuel (salarié)"), null=True, blank=True)

    class Meta:
        ordering = ["field", "member", "start"]
        verbose_name = _("grain de coordination")
        verbose_name_plural = _("grains de coordination")
        constraints = [
            models.CheckConstraint(condition=Q(fte_drive=Decimal("0.2")) & Q(fte_contribute=Decimal("0.1")),
                                   name="grain_split_is_0_2_plus_0_1"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="grain_end_after_start"),
            # One grain per member, field and period (overlaps are refused by the service,
            # projects.grain_rules; the database at least refuses the same start twice).
            models.UniqueConstraint(fields=["member", "field", "start"],
                                    name="grain_one_per_member_field_start"),
            models.CheckConstraint(condition=~Q(mode="salaried") | Q(yearly_cost__isnull=False),
                                   name="grain_salaried_has_cost"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.field} ({format_date(self.start)}–{format_date(self.end)})"

    @property
    def fte(self) -> Decimal:
        return self.fte_drive + self.fte_contribute

    def capacity_hours(self, hours_per_fte_year: Decimal) -> dict[str, Decimal]:
        """Capacity in hours, prorated to the grain's period (days / 365)."""
        days = Decimal((self.end - self.start).days + 1)
        factor = hours_per_fte_year * days / Decimal(365)
        drive = (self.fte_drive * factor).quantize(Decimal("0.1"))
        contribute = (self.fte_contribute * factor).quantize(Decimal("0.1"))
        return {"drive": drive, "contribute": contribute, "total": drive + contribute}


class OpenPeriod(models.Model):
    """A window during which anyone in the network may log time on the project and join
    its team by doing so (DESIGN.md §10: teams alternate open periods and closed production
    periods). When a project has windows, a non-member may log only on a date inside one of
    them (and while the project's "open" switch is on); a project without windows is open on
    every date of its period while the switch is on."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="open_periods",
                                verbose_name=_("projet"))
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["project", "start"]
        verbose_name = _("période ouverte")
        verbose_name_plural = _("périodes ouvertes")
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")),
                                              name="open_period_end_after_start")]

    def __str__(self) -> str:
        return f"{self.project} : {format_date(self.start)}–{format_date(self.end)}"
# Kept in its own module (a chat setting, not the project's money); imported here so Django
# registers the model with the app.
from .webhook_models import ProjectWebhook  # noqa: E402,F401
