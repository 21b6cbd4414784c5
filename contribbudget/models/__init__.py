"""Network-level models: the network's settings, places, members, fields of action,
invitations and the append-only audit trail."""
from .audit import AuditEvent
from .exports import ExportJob, export_upload_to
from .invitations import Invitation, new_token
from .network import (
    ActiveQuerySet,
    FieldOfAction,
    Member,
    NetworkSettings,
    Place,
    Preference,
    WorkingGroup,
    siret_validator,
)

__all__ = [
    "ActiveQuerySet",
    "AuditEvent",
    "ExportJob",
    "FieldOfAction",
    "Invitation",
    "Member",
    "NetworkSettings",
    "Place",
    "Preference",
    "WorkingGroup",
    "export_upload_to",
    "new_token",
    "siret_validator",
]
