"""A project's team-chat webhook (DESIGN §12), in its own module so the project models stay
about projects; ``projects.models`` imports it so Django finds it."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProjectWebhook(models.Model):
    """Where a project's team hears about its work: an incoming-webhook URL of its chat."""

    class Flavour(models.TextChoices):
        SLACK = "slack", _("Mattermost, Rocket.Chat ou Slack")
        MATRIX = "matrix", _("Matrix (pont webhook type hookshot)")

    class Outcome(models.TextChoices):
        NEVER = "", _("jamais envoyé")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE,
                                   related_name="webhook", verbose_name=_("projet"))
    url = models.URLField(_("adresse du webhook"), max_length=500)
    flavour = models.CharField(_("messagerie"), max_length=10, choices=Flavour.choices,
                               default=Flavour.SLACK)
    enabled = models.BooleanField(_("actif"), default=True)
    # The digest covers what happened after this moment; moved forward by a conditional
    # update when a digest is claimed, so two beat runs never send the same events twice.
    digest_since = models.DateTimeField(_("résumé depuis"), default=timezone.now)
    # Same for the announcements (runs computed or approved, funder reports ready).
    events_since = models.DateTimeField(_("annonces depuis"), default=timezone.now)
    last_outcome = models.CharField(_("dernier envoi"), max_length=10, choices=Outcome.choices,
                                    default=Outcome.NEVER, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi le"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("webhook de messagerie")
        verbose_name_plural = _("webhooks de messagerie")

    def __str__(self) -> str:
        return f"{self.project} → {self.get_flavour_display()}"
