"""Network-level services: the audit trail. Invitations live in ``network/invitations.py``, the
network's settings, places, fields and members in ``network/services.py``."""
from __future__ import annotations

from django.db import models

from .models import AuditEvent


def audit_record(*, actor, action: str, obj: models.Model, reason: str = "", data=None,
                 project=None) -> AuditEvent:
    """Write one audit event. Call it inside the service's transaction, so the event and the
    change it describes are committed together or not at all."""
    event = audit_event(actor=actor, action=action, obj=obj, reason=reason, data=data,
                        project=project)
    event.save(force_insert=True)
    return event


def audit_event(*, actor, action: str, obj: models.Model, reason: str = "", data=None,
                project=None) -> AuditEvent:
    """The unsaved event :func:`audit_record` writes: a service writing many rows at once
    (an import) builds its events with it and writes them with ``bulk_create``."""
    if project is None:
        project = getattr(obj, "project", None) if hasattr(obj, "project_id") else None
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        project=project,
        data=data or {},
        reason=reason,
    )


# A project's page shows the changes of the project itself and of what it is made of (its
# team, its fundings, the grains that drive it); envelopes, runs and contributions have
# their own pages and histories.
PROJECT_PARTS = ("projects.project", "projects.projectrole", "projects.funding",
                 "projects.coordinationgrain", "projects.openperiod")


def history_of(obj: models.Model):
    """The audit events about one object, newest first, with their authors (one query).
    Shown on each object's page by ``templates/includes/_history.html``."""
    label = obj._meta.label_lower
    match = models.Q(object_type=label, object_id=str(obj.pk))
    if label == "projects.project":
        match |= models.Q(project=obj, object_type__in=PROJECT_PARTS)
    return AuditEvent.objects.filter(match).select_related("actor__member")

