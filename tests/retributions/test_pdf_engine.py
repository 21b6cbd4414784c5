"""The documents' WeasyPrint set-up (retributions.services.pdf_engine): the user-agent rules
it scopes still apply where they can (a list keeps its bullets and numbers, a footnote its
call and marker), and a WeasyPrint whose stylesheet is not the expected one is used as is."""
from weasyprint import HTML

from retributions.services.documents import render_pdf
from retributions.services.pdf_engine import html_class, scoped_ua_text

from ._documents_helpers import pdf_text


def test_the_installed_weasyprint_gets_the_scoped_stylesheet():
    assert html_class() is not HTML and issubclass(html_class(), HTML)


def test_lists_keep_their_bullets_and_numbers():
    pdf, _pages = render_pdf("<ul><li>pommes</li></ul><ol><li>poires</li><li>prunes</li></ol>")
    text = pdf_text(pdf)
    assert "• pommes" in text
    assert "1. poires" in text and "2. prunes" in text


def test_a_footnote_keeps_its_call_and_marker():
    html = ('<style>.footnote { float: footnote }</style>'
            '<p>Texte<span class="footnote">la note</span> suivi.</p>')
    text = pdf_text(render_pdf(html)[0])
    assert "1. la note" in text  # the marker, at the foot of the page
    assert text.replace("1. la note", "").count("1") == 1  # the call, in the text (superscript)


def test_an_unexpected_stylesheet_is_left_alone():
    assert scoped_ua_text("p { margin: 1em }\n") is None
    assert scoped_ua_text("\n::marker {}\n::marker {}\n") is None
