"""Network-level services: the audit trail and invitations."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import AuditEvent, Invitation, Place
from .tasks import send_email


def audit_record(*, actor, action: str, obj: models.Model, reason: str = "", data=None,
                 project=None) -> AuditEvent:
    """Write one audit event. Call it inside the service's transaction, so the event and the
    change it describes are committed together or not at all."""
    if project is None:
        project = getattr(obj, "project", None) if hasattr(obj, "project_id") else None
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        project=project,
        data=data or {},
        reason=reason,
    )


def history_of(obj: models.Model):
    """The audit events about one object, newest first, with their authors (one query)."""
    return (AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
            .select_related("actor__member"))


@transaction.atomic
def invitation_create(*, invited_by, email: str, first_name: str, last_name: str,
                      home_place: Place | None = None) -> Invitation:
    """Invite a person by email. A pending invitation for the same email is re-sent, not
    duplicated; an email that already has an account is refused."""
    email = email.strip().lower()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Cette personne a déjà un compte.")})
    invitation = Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).first()
    if invitation is None:
        invitation = Invitation(email=email, invited_by=invited_by)
    invitation.first_name = first_name.strip()
    invitation.last_name = last_name.strip()
    invitation.home_place = home_place
    invitation.full_clean()
    invitation.save()
    audit_record(actor=invited_by, action=AuditEvent.Action.MEMBER_INVITED, obj=invitation,
                 data={"email": email})
    link = settings.SITE_URL + reverse("invitation_accept", args=[invitation.token])
    body = render_to_string("emails/invitation.txt", {"invitation": invitation, "link": link})
    subject = _("Invitation au budget contributif")
    send_email.delay_on_commit(subject, body, [email])  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery ≥ 5.4)
    return invitation
