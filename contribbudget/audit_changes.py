"""Audit records for plain changes of an object (a project, and — should the admin ever
write them again — places, fields of action, members, roles, fundings, whose pages already
go through audited services): what changed, from what to what, by whom — written in the
transaction of the change.

``snapshot`` before the change, ``audit_change`` after it; ``audit_deletion`` before a
delete. Values are stored as text so the JSON trail never depends on a model's types.
"""
from __future__ import annotations

from django.db import models

from .models import AuditEvent
from .services import audit_record

# Fields never worth a line in the trail (timestamps, secrets).
IGNORED = {"id", "created_at", "updated_at", "password", "last_login", "token"}


def _value(obj: models.Model, field: models.Field) -> str | None:
    value = getattr(obj, field.attname)
    return None if value is None else str(value)


def snapshot(obj: models.Model | None) -> dict[str, str | None]:
    """The concrete fields of ``obj`` as text (an empty dict for a new object)."""
    if obj is None or obj.pk is None:
        return {}
    return {f.name: _value(obj, f) for f in obj._meta.concrete_fields if f.name not in IGNORED}


def audit_change(*, actor, action: str, obj: models.Model, before: dict, reason: str = "",
                 project=None) -> AuditEvent | None:
    """Record what changed on ``obj`` since ``before`` (``{}`` for a creation). Nothing is
    written when nothing changed."""
    after = snapshot(obj)
    if not before:
        data = {"created": True, "values": after}
    else:
        changed = {name: [before.get(name), value] for name, value in after.items()
                   if before.get(name) != value}
        if not changed:
            return None
        data = {"changes": changed}
    return audit_record(actor=actor, action=action, obj=obj, reason=reason, data=data,
                        project=project or _own_project(obj))


def _own_project(obj: models.Model):
    # A project's own changes belong to its history too (audit_record finds the project of
    # objects that have one, not of the project itself).
    return obj if obj._meta.label_lower == "projects.project" else None


def audit_deletion(*, actor, action: str, obj: models.Model, reason: str = "",
                   project=None) -> AuditEvent:
    return audit_record(actor=actor, action=action, obj=obj, reason=reason,
                        data={"deleted": True, "values": snapshot(obj)},
                        project=project or _own_project(obj))


# Which action names a change of each model (label_lower).
ACTIONS = {
    "contribbudget.place": AuditEvent.Action.PLACE_UPDATED,
    "contribbudget.fieldofaction": AuditEvent.Action.FIELD_UPDATED,
    "contribbudget.member": AuditEvent.Action.MEMBER_UPDATED,
    "projects.project": AuditEvent.Action.PROJECT_CHANGED,
    "projects.projectrole": AuditEvent.Action.ROLE_CHANGED,
    "projects.funding": AuditEvent.Action.FUNDING_CHANGED,
}


def action_for(obj: models.Model) -> str:
    return ACTIONS[obj._meta.label_lower]
