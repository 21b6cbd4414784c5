"""Defaults of the network's settings and invitations, as plain functions (model field
defaults must be importable callables so migrations can name them)."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

# The networks' practice (DESIGN.md §10): production first, the project's own coordination
# (the 0.2 "drive" part of a grain), the four supports (admin, coop, com, docu), creative /
# alignment sessions, the commons and a smoothing reserve. Shares are percents of the
# project's budget (Decimal strings, summing to 100); the person setting up a project
# adjusts them before saving.
DEFAULT_ENVELOPE_TEMPLATE = [
    {"kind": "production", "name": "Production", "share": "55", "rule": "time_rate",
     "daily_rate": "250.00"},
    {"kind": "coordination", "name": "Coordination", "share": "12", "rule": "time_rate",
     "daily_rate": "250.00"},
    {"kind": "support_admin", "name": "Administration", "share": "5", "rule": "time_rate",
     "daily_rate": "250.00"},
    {"kind": "support_coop", "name": "Coopération", "share": "4", "rule": "time_rate",
     "daily_rate": "250.00"},
    {"kind": "support_com", "name": "Communication", "share": "4", "rule": "time_rate",
     "daily_rate": "250.00"},
    {"kind": "support_docu", "name": "Documentation", "share": "4", "rule": "time_rate",
     "daily_rate": "250.00"},
    {"kind": "creative", "name": "Sessions créatives et d'alignement", "share": "6", "rule": "prorata",
     "daily_rate": "250.00"},
    {"kind": "commons", "name": "Fonds des communs", "share": "5", "rule": "manual",
     "daily_rate": "250.00"},
    {"kind": "reserve", "name": "Réserve de lissage", "share": "5", "rule": "balanced",
     "daily_rate": "250.00"},
]


def default_envelope_template() -> list[dict]:
    return [dict(row) for row in DEFAULT_ENVELOPE_TEMPLATE]


def invitation_expiry() -> datetime.datetime:
    """An invitation is valid ``INVITATION_EXPIRY_DAYS`` days (30 by default)."""
    return timezone.now() + datetime.timedelta(days=settings.INVITATION_EXPIRY_DAYS)
