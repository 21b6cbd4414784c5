"""A select for long flat lists (thousands of envelopes), written in one pass.

``LeanSelect`` writes the same markup as Django's Select through the project's templates
(``select.html`` and the ``select_option.html`` override: "---------" reads "Choisir…"),
without building a dict per option: the quick log offers every envelope of the open
projects, 2,700 in the benchmark data, and the per-option machinery cost ~60 ms of CPU per
form. ``option_attrs`` lets a subclass add attributes to an option (``data-project``).
Grouped choices fall back to Django's own path.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

from .lean_rows import escape

DJANGO_PLACEHOLDER = "---------"


def _label(label, placeholder: str) -> str:
    if isinstance(label, SafeData):
        return str(label)
    text = str(label)
    return placeholder if text == DJANGO_PLACEHOLDER else escape(text)


class LazyChoices(BaseChoiceIterator):
    """Choices computed on first use and kept (Django's callable choices are recomputed and
    normalised option by option at each pass: three passes per render)."""

    def __init__(self, compute: Callable[[], Iterable[tuple[str, str]]]):
        self.compute = compute

    @cached_property
    def _choices(self) -> list[tuple[str, str]]:
        return list(self.compute())

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._choices)

    def __len__(self) -> int:
        return len(self._choices)


class LeanSelect(forms.Select):
    # The options to write instead of the choices, with data-hx-preserve: htmx then keeps
    # the select the page already has, which holds all the choices (the quick log's answer
    # to a saved entry, when its lists have not changed since the page was written).
    kept: list[tuple[str, str]] | None = None

    def option_attrs(self, value: str) -> str:
        """Extra attributes of the option for ``value``, already escaped (" name=...")."""
        return ""

    def get_context(self, name, value, attrs):
        if self.kept is not None:
            context = forms.Widget.get_context(self, name, value,
                                               {**(attrs or {}), "data-hx-preserve": "true"})
            context["widget"]["optgroups"] = ()
            context["widget"]["options_html"] = self.options_html(self.kept,
                                                                  context["widget"]["value"])
            return context
        choices = self.choices if isinstance(self.choices, LazyChoices) else list(self.choices)
        if self.allow_multiple_selected or any(isinstance(label, (list, tuple))
                                               for _value, label in choices):
            return super().get_context(name, value, attrs)
        context = forms.Widget.get_context(self, name, value, attrs)
        context["widget"]["optgroups"] = ()
        context["widget"]["options_html"] = self.options_html(choices, context["widget"]["value"])
        return context

    def options_html(self, choices, selected_values) -> SafeString:
        """The options, the first one whose value is in ``selected_values`` selected."""
        placeholder = conditional_escape(gettext("Choisir…"))
        parts = []
        has_selected = False
        option_attrs = self.option_attrs
        for option_value, option_label in choices:
            text = "" if option_value is None else str(option_value)
            selected = not has_selected and text in selected_values
            has_selected |= selected
            parts.append(f'\n  <option value="{text if text.isdigit() else escape(text)}"'
                         f'{" selected" if selected else ""}{option_attrs(text)}>'
                         f"{_label(option_label, placeholder)}</option>\n")
        return mark_safe("".join(parts))  # noqa: S308 - escaped above
