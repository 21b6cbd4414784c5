"""One length per text field (issue 12, point 7): each limit is named once here and used by
the model field (``max_length``, which sizes the forms built from it), the hand-written
forms and templates, and the services' checks — so the quick log, the week grid, imports,
the admin and the services refuse the same text.

A ``TextField``'s ``max_length`` is not enforced by the model or the database, hence
:func:`check_length` in the services, which every path goes through.
"""
from __future__ import annotations

from collections.abc import Callable

from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _

DESCRIPTION = 2000       # a contribution's description (what was done)
COMMENT = 2000           # a pilot's refusal comment, a decision on a request
REASON = 500             # why an envelope, a coefficient or a share changed
WORK_ESTIMATE = 2000     # an adjustment request's estimate of the work
ADDRESS = 500            # a postal or billing address (members, places, the network)


def bounded(limit: int) -> dict:
    """Keyword arguments for a ``TextField`` limited to ``limit`` characters: ``max_length``
    sizes the forms, the validator makes ``full_clean`` (the admin, the services) refuse."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}


def length_error(value: str | None, limit: int) -> str | None:
    """The French message for a text over ``limit`` characters, or None."""
    if value is not None and len(value) > limit:
        return _("%(limit)s caractères au plus (ce texte en compte %(length)s).") % {
            "limit": number_format(limit, force_grouping=True),
            "length": number_format(len(value), force_grouping=True)}
    return None


def check_length(value: str | None, limit: int, field: str,
                 add: Callable[[str, str], None]) -> None:
    """Report a too-long text through ``add(field, message)`` (the services' error dicts)."""
    message = length_error(value, limit)
    if message:
        add(field, message)
