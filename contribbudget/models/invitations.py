"""Invitations to join the network."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..network_defaults import invitation_expiry
from .network import Place


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An invitation a coordinator sends; following its link opens sign-up for that email.

    Single use, expires (30 days by default), revocable; optionally into a project with a
    role, given on acceptance."""

    class Role(models.TextChoices):
        PILOT = "pilot", _("Pilote")
        CONTRIBUTOR = "contributor", _("Contributeur·rice")

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
    expires_at = models.DateTimeField(_("expire le"), default=invitation_expiry)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("envois"), default=1)
    project = models.ForeignKey("projects.Project", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("projet"))
    project_role = models.CharField(_("rôle dans le projet"), max_length=20, blank=True,
                                    choices=Role.choices)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # At most one open invitation per email (a resend reuses it; a revoked or used
            # one no longer counts).
            models.UniqueConstraint(fields=["email"],
                                    condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                                    name="invitation_one_open_per_email"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_expired(self) -> bool:
        return self.is_pending and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.is_pending and not self.is_expired

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired else "pending"


