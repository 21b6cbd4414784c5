"""The rule table of the role × URL matrix (see url_matrix.py): for each URL name, where its
kwargs come from and what each visitor gets in GET and in POST.

A new URL needs one line in RULES: the Scene attribute that gives its kwargs (add one to
url_scene.py when no existing object fits) and two profiles of eight letters, one per
visitor. Derive them from the permission module (contribbudget/permissions.py), not from
what the page happens to answer: anonymous → L (login), an account without a member → 4,
a member with no business on the object → 4, a member who sees it without the right → 3.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    Scene attribute giving the POST's form (None: an empty form); ``query``: appended to the
    URL."""

    kwargs: str | None
    get: str
    post: str
    data: str | None = None
    query: str = ""  # a query string the view needs to answer at all (an export's format)

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
TREASURY = "L43333o3"        # treasurers only: they pay (coordinators included get 403)
EXPORT_JOB = "L44444o4"      # an export job: its author only (here the treasurer)
INVOICE = "L44o44oo"         # a self-billed invoice: its payee and network finance

RULES: dict[str, Rule] = {
    # name                                     kwargs from       GET           POST
    "home":                                   R(None,            ACCOUNT,      ACCOUNT),
    "healthz":                                R(None,            PUBLIC,       PUBLIC),
    "set_language":                           R(None,            PUBLIC,       PUBLIC),
    "invitation_create":                      R(None,            COORDINATION, COORDINATION),
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
    # the installable app (issue 16): a manifest and a service worker, for anyone
    "pwa_manifest":                           R(None,            PUBLIC,       NO_POST),
    "pwa_service_worker":                     R(None,            PUBLIC,       NO_POST),
    # the network's pages (coordinators; treasurers read the member directory)
    "invitation_resend":                      R("invitation_pk", LOGIN_405,    COORDINATION),
    "invitation_revoke":                      R("invitation_pk", LOGIN_405,    COORDINATION),
    "network:settings":                       R(None,            COORDINATION, COORDINATION),
    "network:places":                         R(None,            COORDINATION, COORDINATION),
    "network:place_create":                   R(None,            COORDINATION, COORDINATION),
    "network:place":                          R("place_pk",      COORDINATION, COORDINATION),
    "network:place_archive":                  R("place_pk",      LOGIN_405,    COORDINATION),
    "network:fields":                         R(None,            COORDINATION, COORDINATION),
    "network:field_create":                   R(None,            COORDINATION, COORDINATION),
    "network:field":                          R("field_pk",      COORDINATION, COORDINATION),
    "network:field_archive":                  R("field_pk",      LOGIN_405,    COORDINATION),
    "network:members":                        R(None,            NETWORK,      NETWORK),
    "network:member":                         R("member_pk",     NETWORK,      COORDINATION),
    "network:member_set_active":              R("member_pk",     LOGIN_405,    COORDINATION),
    # background XLSX exports: only who asked for one follows and downloads it
    "export_job":                             R("export_job_pk", EXPORT_JOB,   EXPORT_JOB),
    "export_job_download":                    R("export_job_pk", EXPORT_JOB,   EXPORT_JOB),
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
    "projects:setup":                         R(None,            COORDINATION, COORDINATION),
    "projects:copy":                          R("project",       STEERS,       STEERS),
    "projects:close":                         R("project",       STEERS,       STEERS),
    "projects:funding_create":                R("project",       STEERS,       STEERS),
    "projects:funding_edit":                  R("funding_pk",    STEERS,       STEERS),
    "projects:funding_delete":                R("funding_pk",    STEERS,       STEERS),
    "projects:team_set":                      R("project",       LOGIN_405,    STEERS),
    "projects:team_remove":                   R("team_member",   LOGIN_405,    STEERS),
    "projects:set_open":                      R("project",       LOGIN_405,    STEERS),
    "projects:open_period_add":               R("project",       LOGIN_405,    STEERS),
    "projects:open_period_remove":            R("open_period_pk", LOGIN_405,   STEERS),
    "projects:webhook":                       R("project",       STEERS,       STEERS),
    "projects:webhook_test":                  R("project",       LOGIN_405,    STEERS),
    "projects:grains":                        R(None,            MEMBER,       MEMBER),
    "projects:grain_create":                  R(None,            COORDINATION, COORDINATION),
    "projects:grain_detail":                  R("grain_pk",      MEMBER,       MEMBER),
    # contributions
    "contributions:mine":                     R(None,            MEMBER,       "L4MMMMMM"),
    "contributions:quick_log":                R(None,            MEMBER,       MEMBER),
    "contributions:week":                     R(None,            MEMBER,       MEMBER),
    "contributions:dashboard":                R(None,            MEMBER,       MEMBER),
    "contributions:preferences":              R(None,            MEMBER,       MEMBER),
    "contributions:offline_queue":            R(None,            MEMBER,       MEMBER),
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
    "retributions:payments":                  R(None,            TREASURY,     TREASURY),
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
    # treasury (issue 14): payment batches are the treasurer's; bank details, settings and
    # the books are network finance; invoices are their payee's
    "retributions:batch_list":                R(None,            TREASURY,     TREASURY),
    "retributions:batch_detail":              R("batch_pk",      TREASURY,     TREASURY),
    "retributions:batch_download":            R("batch_pk",      TREASURY,     TREASURY),
    "retributions:batch_confirm":             R("batch_pk",      LOGIN_405,    TREASURY),
    "retributions:batch_line_fail":           R("batch_line_pk", LOGIN_405,    TREASURY),
    "retributions:treasury_settings":         R(None,            NETWORK,      NETWORK),
    "retributions:place_bank_list":           R(None,            NETWORK,      NETWORK),
    "retributions:place_bank":                R("place_pk",      NETWORK,      NETWORK),
    "retributions:books_export":              R(None,            NETWORK,      NETWORK,
                                                query="format=fec"),
    "retributions:my_payee":                  R(None,            MEMBER,       MEMBER),
    "retributions:invoice_download":          R("invoice_pk",    INVOICE,      INVOICE),
    # only the payee contests; finance sees the invoice and gets 403
    "retributions:invoice_contest":           R("invoice_pk",    LOGIN_405,    "L44o4433"),
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
