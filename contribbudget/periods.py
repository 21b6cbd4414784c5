"""The one check of a period (runs, smoothing rounds, funder reports and their forms): both
dates when the period is required, and the end never before the start. French messages, on
the fields a form shows them next to."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def period_errors(start: datetime.date | None, end: datetime.date | None, *,
                  required: bool = False) -> dict[str, str]:
    """``{field: message}`` for what is wrong with the period, empty when it is fine."""
    if required and (start is None or end is None):
        return {"period_start": _("Indiquez le début et la fin de la période.")}
    if start and end and end < start:
        return {"period_end": _("La fin de la période précède son début.")}
    return {}


def check_period(start: datetime.date | None, end: datetime.date | None, *,
                 required: bool = False) -> None:
    """Raise a ``ValidationError`` on the fields of :func:`period_errors` (for services)."""
    errors = period_errors(start, end, required=required)
    if errors:
        raise ValidationError(errors)
