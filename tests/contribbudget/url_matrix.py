"""The role × URL matrix: every route of the URLconf, asked by eight kinds of visitor, in GET
and in POST, against one rule per URL name (``RULES``).

A rule says where the URL's kwargs come from (an object of :class:`Scene`) and, for each
visitor, the outcome class the permission module promises (README "Roles",
``contribbudget/permissions.py``): anonymous → login; an account without a member profile
→ 404; a member with no business on the object → 404; a member who sees the object but
lacks the right → 403; a method the view does not take → 405. Used by
``test_url_matrix.py`` (the rules hold, every URL has one) and ``test_valid_html.py`` (every
HTML page those visits produce is valid).
"""
from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from contribbudget.models import Invitation
from contributions import imports
from contributions.models import Contribution
from projects.models import AdjustmentRequest, OpenPeriod
from retributions.models import Document, ShareLink, SmoothingRequest
from tests import factories
from tests.retributions.runs_support import computed_run, validated

# The visitors, in the order of the letters of every rule below.
VISITORS = ("anonymous", "no_member", "outsider", "contributor", "other_pilot", "pilot",
            "treasurer", "coordinator")

# Outcome classes, one letter each:
#   o  allowed: 2xx, a redirect to a page other than a login page, or a 400/409/422 (the
#      visitor got past the permission checks and the view refused the empty input)
#   L  redirect to a login page (allauth's or the admin's)
#   3  403 (a member who sees the object but lacks the right)
#   4  404 (anyone who may not learn the object exists)
#   M  405 (the view does not take that method)
#   5  a server error: never expected, always a failure
OUTCOMES = "oL34M5"


@dataclass(frozen=True)
class Rule:
    """``kwargs``: the :class:`Scene` attribute giving the URL's kwargs (None: no kwargs);
    ``get``/``post``: one outcome letter per visitor, in ``VISITORS`` order; ``data``: the
    Scene attribute giving the POST's form (None: an empty form)."""

    kwargs: str | None
    get: str
    post: str
    data: str | None = None

    def __post_init__(self):
        for profile in (self.get, self.post):
            assert len(profile) == len(VISITORS) and set(profile) <= set(OUTCOMES), profile


R = Rule

# Profiles shared by many URLs. Columns: a n O c X p t k — anonymous, no member, outsider,
# contributor, pilot of another project, the pilot, treasurer, coordinator.
PUBLIC = "oooooooo"          # no login: funders, transparency page, sign-in pages
ACCOUNT = "Looooooo"         # any signed-in account, even one without a member profile
MEMBER = "L4oooooo"          # any member (the network is transparent to its members)
ANY_PILOT = "L433oo3o"       # pilots (of any project) and the coordination
PILOT_OR_NETWORK = "L433oooo"  # pilots, treasurers and coordinators
NETWORK = "L43333oo"         # treasurers and coordinators
COORDINATION = "L433333o"    # coordinators
STEERS = "L4333o3o"          # the object's project: its pilots and the coordination
TEAM_REQUESTS = "L43o3o3o"   # the project's team (and the coordination) asks for budget
RUN_VIEW = "L4434ooo"        # a run: its project's pilots and finance; the team sees it 403
RUN_STEER = "L4434o3o"       # a run: its pilots and the coordination act on it
SEEN_ROW = "L44o4ooo"        # a submitted row: its author, the project's pilots, finance
OWN_ROW = "L44o4333"         # a row only its author edits; the others who see it get 403
DOCUMENT = "L4444ooo"        # a funder report: the project's pilots and finance
OWN_IMPORT = "L4444o44"      # an import: only who uploaded it
LOGIN_405 = "LMMMMMMM"       # login first, then 405: a page without POST, a POST-only action
NO_POST = "MMMMMMMM"         # a page without POST, even anonymous
ADMIN = "LLLLLLLL"           # Django's admin: staff only, nobody here is staff

RULES: dict[str, Rule] = {
    # name                                     kwargs from       GET           POST
    "home":                                   R(None,            ACCOUNT,      ACCOUNT),
    "healthz":                                R(None,            PUBLIC,       PUBLIC),
    "set_language":                           R(None,            PUBLIC,       PUBLIC),
    "invitation_create":                      R(None,            "L333333o",   "L333333o"),
    "invitation_accept":                      R("invitation_token", PUBLIC,    PUBLIC),
    # allauth: signed-in visitors are sent home from the sign-in pages (a redirect: "o")
    "account_login":                          R(None,            PUBLIC,       PUBLIC),
    "account_logout":                         R(None,            PUBLIC,       PUBLIC),
    "account_inactive":                       R(None,            PUBLIC,       NO_POST),
    "account_signup":                         R(None,            PUBLIC,       PUBLIC),
    "account_reauthenticate":                 R(None,            ACCOUNT,      ACCOUNT),
    "account_request_reauthentication_code":  R(None,            ACCOUNT,      ACCOUNT),
    "account_confirm_reauthentication_code":  R(None,            ACCOUNT,      ACCOUNT),
    "account_email":                          R(None,            ACCOUNT,      ACCOUNT),
    "account_email_verification_sent":        R(None,            PUBLIC,       NO_POST),
    "account_change_password":                R(None,            ACCOUNT,      ACCOUNT),
    "account_set_password":                   R(None,            ACCOUNT,      ACCOUNT),
    "account_reset_password":                 R(None,            PUBLIC,       PUBLIC),
    "account_reset_password_done":            R(None,            PUBLIC,       NO_POST),
    "account_reset_password_from_key":        R("reset_key",     PUBLIC,       PUBLIC),
    "account_reset_password_from_key_done":   R(None,            PUBLIC,       NO_POST),
    "account_confirm_login_code":             R(None,            ACCOUNT,      ACCOUNT),
    "account_confirm_email":                  R("email_key",     PUBLIC,       "44444444"),
    # the admin's own sign-in and sign-out pages (every other admin: URL is in FAMILY_RULES)
    "admin:login":                            R(None,            PUBLIC,       PUBLIC),
    "admin:logout":                           R(None,            PUBLIC,       PUBLIC),
    # projects
    "projects:list":                          R(None,            MEMBER,       LOGIN_405),
    "projects:overview":                      R(None,            NETWORK,      "L43333MM"),
    "projects:detail":                        R("project",       MEMBER,       LOGIN_405),
    "projects:public":                        R("project",       PUBLIC,       PUBLIC),
    "projects:envelope_create":               R("project",       STEERS,       STEERS),
    "projects:transfer":                      R("project",       STEERS,       STEERS),
    "projects:envelope_detail":               R("envelope",      MEMBER,       MEMBER),
    "projects:envelope_edit":                 R("envelope",      STEERS,       STEERS),
    "projects:adjust":                        R("envelope",      STEERS,       STEERS),
    "projects:request_create":                R("envelope",      TEAM_REQUESTS, TEAM_REQUESTS),
    "projects:request_decide":                R("request_pk",    LOGIN_405,    STEERS),
    "projects:grains":                        R(None,            MEMBER,       MEMBER),
    "projects:grain_create":                  R(None,            COORDINATION, COORDINATION),
    "projects:grain_detail":                  R("grain_pk",      MEMBER,       MEMBER),
    # setting up (montage), fundings, team, open periods, closing
    "projects:setup":                         R(None,            COORDINATION, COORDINATION),
    "projects:copy":                          R("project",       STEERS,       STEERS),
    "projects:funding_create":                R("project",       STEERS,       STEERS),
    "projects:funding_edit":                  R("funding_pk",    STEERS,       STEERS),
    "projects:funding_delete":                R("funding_pk",    STEERS,       STEERS),
    "projects:team_set":                      R("project",       LOGIN_405,    STEERS),
    "projects:team_remove":                   R("team_member",   LOGIN_405,    STEERS),
    "projects:open_period_add":               R("project",       LOGIN_405,    STEERS),
    "projects:open_period_remove":            R("open_period_pk", LOGIN_405,   STEERS),
    "projects:set_open":                      R("project",       LOGIN_405,    STEERS),
    "projects:close":                         R("project",       STEERS,       STEERS),
    # contributions
    "contributions:mine":                     R(None,            MEMBER,       "L4MMMMMM"),
    "contributions:quick_log":                R(None,            MEMBER,       MEMBER),
    "contributions:week":                     R(None,            MEMBER,       MEMBER),
    "contributions:dashboard":                R(None,            MEMBER,       MEMBER),
    "contributions:preferences":              R(None,            MEMBER,       MEMBER),
    "contributions:bulk_submit":              R(None,            LOGIN_405,    MEMBER),
    "contributions:validation":               R(None,            ANY_PILOT,    ANY_PILOT),
    # validating the contributor's submitted row: its project's pilots and the coordination
    "contributions:validate_bulk":            R(None,            LOGIN_405,    STEERS, "review_data"),
    "contributions:import":                   R(None,            ANY_PILOT,    ANY_PILOT),
    "contributions:import_detail":            R("import_pk",     OWN_IMPORT,   OWN_IMPORT),
    "contributions:detail":                   R("contribution_pk", SEEN_ROW,   SEEN_ROW),
    "contributions:edit":                     R("contribution_pk", OWN_ROW,    OWN_ROW),
    "contributions:delete":                   R("contribution_pk", OWN_ROW,    OWN_ROW),
    # retributions: runs, payments
    "retributions:run_list":                  R(None,            PILOT_OR_NETWORK, PILOT_OR_NETWORK),
    "retributions:run_create":                R(None,            ANY_PILOT,    ANY_PILOT),
    "retributions:run_detail":                R("run_pk",        RUN_VIEW,     RUN_VIEW),
    "retributions:run_progress":              R("run_pk",        RUN_VIEW,     RUN_VIEW),
    "retributions:run_approve":               R("run_pk",        LOGIN_405,    RUN_STEER),
    "retributions:run_recompute":             R("run_pk",        LOGIN_405,    RUN_STEER),
    "retributions:run_cancel":                R("run_pk",        LOGIN_405,    RUN_STEER),
    "retributions:run_line_override":         R("line_pk",       LOGIN_405,    RUN_STEER),
    "retributions:smoothing_request_create":  R(None,            MEMBER,       MEMBER),
    "retributions:smoothing_run_create":      R(None,            ANY_PILOT,    ANY_PILOT),
    "retributions:payments":                  R(None,            "L43333o3",   "L43333o3"),
    # a POST names a run of one's own lines: none here is a draft, so 404 for all
    "retributions:my_retributions":           R(None,            MEMBER,       "L4444444"),
    # retributions: documents, funder links, the treasurer's desk
    "retributions:desk":                      R(None,            NETWORK,      NETWORK),
    "retributions:desk_export":               R("desk_table",    NETWORK,      NETWORK),
    "retributions:document_create":           R(None,            PILOT_OR_NETWORK, PILOT_OR_NETWORK),
    "retributions:document_detail":           R("document_pk",   DOCUMENT,     DOCUMENT),
    "retributions:document_progress":         R("document_pk",   DOCUMENT,     DOCUMENT),
    "retributions:document_download":         R("document_pk",   DOCUMENT,     DOCUMENT),
    "retributions:document_retry":            R("document_pk",   LOGIN_405,    DOCUMENT),
    # pilots read the report, only finance shares it
    "retributions:share_link_create":         R("document_pk",   LOGIN_405,    "L44443oo"),
    "retributions:share_link_revoke":         R("share_link_pk", LOGIN_405,    NETWORK),
    "retributions:shared_document":           R("share_token",   PUBLIC,       PUBLIC),
}

# URL name families whose every member shares one rule: the admin builds its names from the
# registered models (staff only, guarded by admin.site itself, not by our views).
FAMILY_RULES: dict[str, Rule] = {
    "admin:": R("admin_kwargs", ADMIN, ADMIN),
}

# Routes without a name that are allowed to exist (the admin's catch-all and per-model
# redirects, the DEBUG-only media server). Any other unnamed route fails the suite.
UNNAMED_ROUTES = {"admin/", "media/<path:path>"}


def rule_for(name: str) -> Rule | None:
    if name in RULES:
        return RULES[name]
    for prefix, rule in FAMILY_RULES.items():
        if name.startswith(prefix):
            return rule
    return None


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


# --- The scene: one object of each kind, and the visitors ------------------------------------

class Scene:
    """A network with a project in every state a page can show, and a logged-in client per
    visitor. Attributes named in the rules give each URL's kwargs."""

    def __init__(self):
        world = factories.World.build()
        self.world = world
        project = world.project
        project.public_page = True
        project.save(update_fields=["public_page"])
        stranger = factories.member("Zoé")  # a member with no role anywhere
        account = get_user_model().objects.create_user(
            username="sans.membre@example.org", email="sans.membre@example.org",
            password=factories.PASSWORD)
        EmailAddress.objects.create(user=account, email=account.email, verified=True,
                                    primary=True)
        users = {"no_member": account, "outsider": stranger.user,
                 "contributor": world.contributor.user, "other_pilot": world.outsider.user,
                 "pilot": world.pilot.user, "treasurer": world.treasurer.user,
                 "coordinator": world.coordinator.user}
        self.clients: dict[str, Client] = {"anonymous": Client()}
        for visitor, user in users.items():
            client = Client()
            client.force_login(user)
            self.clients[visitor] = client

        # Work of the contributor: validated hours (for the run) and a submitted row.
        validated(world.contributor, world.envelope, hours="6.00",
                  date=timezone.localdate() - datetime.timedelta(days=3))
        validated(world.copilot, world.envelope, hours="3.00",
                  date=timezone.localdate() - datetime.timedelta(days=3))
        self.contribution = factories.contribution(
            world.contributor, world.envelope, status=Contribution.Status.SUBMITTED)
        self.grain = factories.grain(world.pilot, world.envelope)
        self.adjustment_request = AdjustmentRequest.objects.create(
            envelope=world.envelope, requested_by=world.contributor, delta=Decimal("500.00"),
            work_estimate="Deux ateliers de plus", reason="Plus de monde que prévu")
        self.run = computed_run(world)
        self.line = self.run.lines.order_by("pk").first()
        SmoothingRequest.objects.create(
            member=world.contributor, project=project, period_start=self.run.period_start,
            period_end=self.run.period_end, reason="Beaucoup d'heures ce trimestre")
        self.document = Document.objects.create(
            kind=Document.Kind.FUNDER_REPORT, project=project,
            funding=project.fundings.first(), period_start=self.run.period_start,
            period_end=self.run.period_end, status=Document.Status.READY,
            author=world.treasurer.user, finished_at=timezone.now(), page_count=1)
        self.document.file.save("bilan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        self.share_link = ShareLink.objects.create(document=self.document,
                                                   created_by=world.treasurer.user)
        upload = SimpleUploadedFile(
            "passe.csv", ("email;date;hours;project;envelope;kind;description\n"
                          f"{world.contributor.user.email};05/10/2026;2,5;legumerie;Production;"
                          "production;Atelier\n").encode(), content_type="text/csv")
        self.contribution_import, _rows = imports.import_create(user=world.pilot.user,
                                                                upload=upload)
        self.invitation = Invitation.objects.create(
            email="nouvelle@example.org", first_name="Inès", last_name="Nouvelle",
            invited_by=world.coordinator.user)

    # kwargs sources (named in RULES)
    @property
    def project(self):
        return {"slug": self.world.project.slug}

    @property
    def envelope(self):
        return {"pk": self.world.envelope.pk}

    @property
    def funding_pk(self):
        return {"pk": self.world.project.fundings.first().pk}

    @property
    def team_member(self):
        return {"slug": self.world.project.slug, "member_id": self.world.contributor.pk}

    @property
    def open_period_pk(self):
        period, _created = OpenPeriod.objects.get_or_create(
            project=self.world.project, start=self.world.project.start,
            end=self.world.project.start + datetime.timedelta(days=30))
        return {"pk": period.pk}

    @property
    def contribution_pk(self):
        return {"pk": self.contribution.pk}

    @property
    def import_pk(self):
        return {"pk": self.contribution_import.pk}

    @property
    def grain_pk(self):
        return {"pk": self.grain.pk}

    @property
    def request_pk(self):
        return {"pk": self.adjustment_request.pk}

    @property
    def run_pk(self):
        return {"pk": self.run.pk}

    @property
    def line_pk(self):
        return {"pk": self.line.pk}

    @property
    def document_pk(self):
        return {"pk": self.document.pk}

    @property
    def share_link_pk(self):
        return {"pk": self.share_link.pk}

    @property
    def share_token(self):
        return {"token": self.share_link.token}

    @property
    def invitation_token(self):
        return {"token": self.invitation.token}

    @property
    def review_data(self):
        return {"ids": [self.contribution.pk], "action": "validate"}

    @property
    def desk_table(self):
        return {"table": "contributions"}

    @property
    def email_key(self):
        return {"key": "cle-inconnue"}

    @property
    def reset_key(self):
        return {"uidb36": "0", "key": "cle-inconnue"}

    def admin_kwargs(self, route: Route) -> dict:
        # Any value does: nobody here is staff, the admin redirects before reading it.
        return {name: "projects" if name == "app_label" else "1" for name in route.converters}

    def url(self, route: Route, rule: Rule) -> str:
        if rule.kwargs is None:
            return reverse(route.name)
        source = getattr(self, rule.kwargs)
        kwargs = source(route) if callable(source) else source
        return reverse(route.name, kwargs=kwargs)


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


def visit_all(scene: Scene) -> Iterator[Visit]:
    """Every named route × every visitor × GET and POST (an empty form). Each request runs in
    a savepoint rolled back afterwards, and the client's cookies are restored, so a POST
    that deletes, approves or logs out changes nothing for the next visit."""
    logins = login_paths()
    seen = set()
    for route in routes():
        if not route.name or route.name in seen:
            continue
        seen.add(route.name)
        rule = rule_for(route.name)
        if rule is None:
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
                body = b"" if getattr(response, "streaming", False) else response.content
                response.close()  # a download's file handle
                yield Visit(route.name, url, visitor, method, profile[index],
                            outcome(response, logins), response.status_code,
                            response.get("Content-Type", ""), body)
