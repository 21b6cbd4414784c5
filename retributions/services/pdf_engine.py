"""WeasyPrint as the app's documents use it, set up once per process.

WeasyPrint's user-agent stylesheet gives every element of a document ``::marker``,
``::footnote-*`` and ``::note-*`` rules (universal selectors), so it computes six
pseudo-element styles per element: on a 29-page statement laid out as a table of cells
(4,600 cells and rows) that was 23,000 style computations out of 28,000, a quarter of the
render. Those pseudo-elements only exist on list items (markers) and on notes floated out
(``float: footnote``), which the documents' templates mark with the class ``footnote`` or
``note``; :func:`html_class` scopes the rules to them, everything else of the stylesheet
unchanged.
"""
from __future__ import annotations

from functools import cache

#: The universal rules of WeasyPrint's ``html5_ua.css`` → the elements they can apply to.
SCOPED_RULES = (
    ("::marker {", "li::marker, summary::marker {"),
    ("::footnote-call {", ".footnote::footnote-call {"),
    ("::footnote-marker {", ".footnote::footnote-marker {"),
    ("::note-call {", ".note::note-call {"),
    ("::note-marker {", ".note::note-marker {"),
    ("::note-callback {", ".note::note-callback {"),
)


def scoped_ua_text(text: str) -> str | None:
    """WeasyPrint's UA stylesheet with :data:`SCOPED_RULES` applied, or None if one of them
    is not found as expected (another WeasyPrint version: keep its stylesheet as it is)."""
    for universal, scoped in SCOPED_RULES:
        if text.count("\n" + universal) != 1:
            return None
        text = text.replace("\n" + universal, "\n" + scoped)
    return text


@cache
def html_class():
    """``weasyprint.HTML``, or a subclass using the scoped UA stylesheet (parsed once)."""
    from weasyprint import CSS, HTML  # heavy: only the pdf worker needs it
    from weasyprint import html as weasy_html
    from weasyprint.css.counters import CounterStyle

    text = scoped_ua_text(weasy_html.UA)
    if text is None:
        return HTML
    # Its @counter-style rules are already in WeasyPrint's own UA counter styles, which
    # every render copies: parse into a scratch registry, not to register them twice.
    lean = CSS(string=text, counter_style=CounterStyle())

    class DocumentHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [lean, weasy_html.UA_FORM_STYLESHEET] if forms else [lean]

    return DocumentHTML
