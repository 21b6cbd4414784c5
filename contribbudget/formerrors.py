"""The one mapping of a service's ``ValidationError`` onto a form (every page that calls a
service from a form uses it, so errors always show the same way)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def errors_to_form(form: forms.BaseForm, error: ValidationError, *,
                   moved: dict[str, str] | None = None) -> None:
    """Show ``error`` on ``form``, which keeps what the user typed: each field's messages next
    to that field (or to the field ``moved`` names for it, when the form has it), the others
    at the top — messages without a field, or about a field the form lacks or hides. A field
    that already shows an error (the form could not even read it) keeps only that one."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    already = set(form.errors)  # read before adding any: the form's own errors
    for field, messages in error.message_dict.items():
        target: str | None = field if field in form.fields else None
        other = (moved or {}).get(field)
        if other in form.fields:
            target = other
        if target and form.fields[target].widget.is_hidden:
            target = None  # shown at the top of the form, not on an invisible field
        if target and target in already:
            continue
        for message in messages:
            form.add_error(target, message)
