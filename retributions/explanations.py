"""Why a retribution line has its amount, in the reader's language (issue 12, point 15).

A compute used to write the explanation as a sentence in the language of whoever (or
whichever worker) computed it, so an English reader saw French. The compute now stores
the parts — a phrase key and its raw values — in ``RetributionLine.explanation_parts``;
:func:`render` writes the sentence when it is shown (page, PDF), translated and formatted
for the current language. ``explanation`` keeps the French sentence for the record.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from contribbudget.models import Preference
from contribbudget.money import format_hours, format_money
from projects.models import Envelope

PHRASES = {
    "weighted": gettext_noop("%(weighted)s pondérées sur %(hours)s"),
    "time_rate": gettext_noop("au temps passé : %(h)s ÷ %(hpd)s h × %(rate)s"),
    "balanced": gettext_noop("lissage : déjà perçu %(earned)s sur la période"),
    "rule": gettext_noop("règle : %(rule)s"),
    "cap": gettext_noop("plafond de %(cap)s atteint"),
    "no_money": gettext_noop("ne perçoit pas d'argent (%(pref)s) : heures valorisées "
                             "seulement"),
    "outlier": gettext_noop("⚠ coût journalier attendu %(rate)s, bien au-delà de la "
                            "référence"),
}
RULES = dict(Envelope.Rule.choices)
PREFERENCES = dict(Preference.choices)


def _format(kind: str, value: str) -> str:
    if kind == "hours":
        return format_hours(Decimal(value))
    if kind == "money":
        return format_money(Decimal(value))
    if kind == "rule":
        return str(RULES.get(value, value)).lower()
    if kind == "preference":
        return str(PREFERENCES.get(value, value)).lower()
    return str(Decimal(value).normalize()) if kind == "number" else value


def part(key: str, **values: tuple[str, object]) -> list:
    """One part: ``part("cap", cap=("money", Decimal("500")))`` (JSON-safe)."""
    return [key, {name: [kind, str(value)] for name, (kind, value) in values.items()}]


def render(parts: list, language: str | None = None) -> str:
    """The sentence of ``parts`` in the current language (or ``language``)."""
    if language is not None:
        with translation.override(language):
            return render(parts)
    texts = []
    for key, values in parts:
        params = {name: _format(kind, value) for name, (kind, value) in values.items()}
        texts.append(gettext(PHRASES[key]) % params)
    return " ; ".join(texts) + "." if texts else ""


@contextmanager
def batch(language: str) -> Iterator[Callable[[list], str]]:
    """:func:`render` for the many lines of one compute (10,000 at a federation's scale): the
    language is set once, not once a value, and each distinct value is formatted once (a run
    repeats its rate, hours per day, rule and many hour totals). Same sentences as render."""
    formatted: dict[tuple[str, str], str] = {}
    phrases: dict[str, str] = {}

    def render_one(parts: list) -> str:
        texts = []
        for key, values in parts:
            params = {}
            for name, (kind, value) in values.items():
                text = formatted.get((kind, value))
                if text is None:
                    text = formatted[(kind, value)] = _format(kind, value)
                params[name] = text
            phrase = phrases.get(key)
            if phrase is None:
                phrase = phrases[key] = gettext(PHRASES[key])
            texts.append(phrase % params)
        return " ; ".join(texts) + "." if texts else ""

    with translation.override(language):
        yield render_one
