"""The role × URL matrix: every route of the URLconf, asked by eight kinds of visitor, in GET
and in POST, against one rule per URL name (``url_rules.RULES``; the objects are in ``url_scene.py``).

A rule says where the URL's kwargs come from (an object of :class:`Scene`) and, for each
visitor, the outcome class the permission module promises (README "Roles",
``contribbudget/permissions.py``): anonymous → login; an account without a member profile
→ 404; a member with no business on the object → 404; a member who sees the object but
lacks the right → 403; a method the view does not take → 405. Used by
``test_url_matrix.py`` (the rules hold, every URL has one) and ``test_valid_html.py`` (every
HTML page those visits produce is valid).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .url_rules import FAMILY_RULES, RULES, UNNAMED_ROUTES, VISITORS, Rule, rule_for
from .url_scene import Scene

__all__ = ["FAMILY_RULES", "RULES", "VISITORS", "Route", "Rule", "Scene", "Visit", "rule_for",
           "routes", "visit_all"]

# --- The URLconf ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    converters: tuple[str, ...]  # kwarg names


def routes(patterns=None, prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    """Every route of the URLconf, with its full name (``namespace:name``)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Route(name, prefix + str(pattern.pattern),
                        tuple(pattern.pattern.regex.groupindex))


def unnamed_routes_not_allowed() -> list[str]:
    return sorted(r.route for r in routes() if r.name is None
                  and not any(r.route.startswith(allowed) for allowed in UNNAMED_ROUTES))


def names_without_rule() -> list[str]:
    return sorted({r.name for r in routes() if r.name and rule_for(r.name) is None})


# --- Visiting ----------------------------------------------------------------------------------

def login_paths() -> set[str]:
    return {reverse("account_login"), reverse("admin:login")}


def outcome(response, logins: set[str]) -> str:
    status = response.status_code
    if 300 <= status < 400:
        return "L" if urlsplit(response["Location"]).path in logins else "o"
    return {403: "3", 404: "4", 405: "M"}.get(status, "5" if status >= 500 else "o")


@dataclass
class Visit:
    name: str
    url: str
    visitor: str
    method: str
    expected: str
    got: str
    status: int
    content_type: str
    body: bytes


def visit_all(scene: Scene, *, families: bool = True) -> Iterator[Visit]:
    """Every named route × every visitor × GET and POST (an empty form). Each request runs in
    a savepoint rolled back afterwards, and the client's cookies are restored, so a POST
    that deletes, approves or logs out changes nothing for the next visit. ``families=False``
    skips the URLs ruled by a family (the admin's: redirects to its login for everyone)."""
    logins = login_paths()
    seen = set()
    for route in routes():
        if not route.name or route.name in seen:
            continue
        seen.add(route.name)
        rule = rule_for(route.name)
        if rule is None or (not families and route.name not in RULES):
            continue
        url = scene.url(route, rule)
        for index, visitor in enumerate(VISITORS):
            client = scene.clients[visitor]
            for method, profile in (("GET", rule.get), ("POST", rule.post)):
                cookies = client.cookies
                client.cookies = type(cookies)(cookies)
                with transaction.atomic():
                    try:
                        if method == "GET":
                            response = client.get(url)
                        else:
                            response = client.post(url, getattr(scene, rule.data) if rule.data
                                                   else {})
                    except Exception as error:  # noqa: BLE001 - reported as a 5xx visit
                        response = None
                        failure = repr(error)
                    transaction.set_rollback(True)
                client.cookies = cookies
                if response is None:
                    yield Visit(route.name, url, visitor, method, profile[index], "5", 500, "",
                                failure.encode())
                    continue
                # Read a download to its end: the test client then closes it (and its file),
                # without the end-of-request signal that would close the test's connection.
                body = (b"".join(response.streaming_content)
                        if getattr(response, "streaming", False) else response.content)
                yield Visit(route.name, url, visitor, method, profile[index],
                            outcome(response, logins), response.status_code,
                            response.get("Content-Type", ""), body)
