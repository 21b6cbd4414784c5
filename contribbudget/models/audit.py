"""The audit trail: one row per change of money, budget, validation, role or preference."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        # Network administration (issue 11).
        NETWORK_SETTINGS_UPDATED = "network.settings_updated", _("paramètres du réseau modifiés")
        PLACE_CREATED = "place.created", _("lieu créé")
        PLACE_UPDATED = "place.updated", _("lieu modifié")
        PLACE_ARCHIVED = "place.archived", _("lieu archivé")
        PLACE_RESTORED = "place.restored", _("lieu réactivé")
        FIELD_CREATED = "field.created", _("champ d'action créé")
        FIELD_UPDATED = "field.updated", _("champ d'action modifié")
        FIELD_ARCHIVED = "field.archived", _("champ d'action archivé")
        FIELD_RESTORED = "field.restored", _("champ d'action réactivé")
        MEMBER_CREATED = "member.created", _("membre créé·e")
        MEMBER_UPDATED = "member.updated", _("membre modifié·e")
        MEMBER_DEACTIVATED = "member.deactivated", _("membre désactivé·e")
        MEMBER_REACTIVATED = "member.reactivated", _("membre réactivé·e")
        INVITATION_RESENT = "invitation.resent", _("invitation renvoyée")
        INVITATION_REVOKED = "invitation.revoked", _("invitation révoquée")
        INVITATION_ACCEPTED = "invitation.accepted", _("invitation acceptée")
        PROJECT_CREATED = "project.created", _("projet monté")
        FUNDING_CHANGED = "funding.changed", _("financement modifié")
        OPEN_PERIOD_CHANGED = "project.open_period", _("période ouverte modifiée")
        PROJECT_CLOSED = "project.closed", _("projet clos")
        PAYEE_UPDATED = "payee.updated", _("coordonnées de paiement modifiées")
        BATCH_PREPARED = "batch.prepared", _("lot de virements préparé")
        BATCH_SENT = "batch.sent", _("fichier de virements téléchargé")
        BATCH_CONFIRMED = "batch.confirmed", _("lot de virements confirmé")
        BATCH_LINE_FAILED = "batch.line_failed", _("virement en échec")
        MANDATE_ACCEPTED = "mandate.accepted", _("mandat d'autofacturation accepté")
        MANDATE_REVOKED = "mandate.revoked", _("mandat d'autofacturation révoqué")
        INVOICE_ISSUED = "invoice.issued", _("autofacture émise")
        INVOICE_CONTESTED = "invoice.contested", _("autofacture contestée")
        TREASURY_SETTINGS = "treasury.settings", _("paramètres de trésorerie modifiés")
        WEBHOOK_CHANGED = "project.webhook", _("messagerie d'équipe modifiée")
        RUN_CANCELLED = "run.cancelled", _("calcul de rétribution abandonné")
        RUN_RECOMPUTED = "run.recomputed", _("calcul de rétribution relancé")
        RUN_PREFERENCE_SET = "run.preference_set", _("préférence pour un calcul")
        PROJECT_CHANGED = "project.changed", _("projet modifié")

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


