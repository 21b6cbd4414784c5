"""The Django admin, for superusers only, and never a way around a rule.

* Only active superusers enter (coordinators do everything in the app: DESIGN.md §2).
* Money and roles are read-only there: fundings, envelopes, adjustments, runs, lines,
  payments, documents, project roles, members' network roles, the network's settings and
  invitations. Their writes go through the services behind the app's pages (lock, checks
  such as "the last coordinator stays", audit). The rule is applied when a model is
  registered, so the ``admin.py`` of every app keeps its display options and stays
  read-only whatever it says. Places, fields of action, members' other fields and projects
  stay editable for an operator, each change audited by ``AuditedAdmin``.
* Its login is rate-limited like the app's (allauth's limits do not cover it): failed
  attempts are counted per client IP in the cache (Redis when configured, so shared by the
  web processes; without Redis each process counts its own).
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db.models.base import ModelBase
from django.shortcuts import render
from django.utils.translation import gettext as _

READ_ONLY_MODELS = {
    "projects.funding", "projects.envelope", "projects.adjustment", "projects.adjustmentrequest",
    "projects.projectrole", "projects.coordinationgrain",
    "retributions.retributionrun", "retributions.retributionline", "retributions.ledgerentry",
    "retributions.document", "retributions.sharelink", "retributions.smoothingrequest",
    "contribbudget.networksettings", "contribbudget.invitation", "contribbudget.auditevent",
}
# Fields shown read-only on models that stay editable: roles change through their services.
READ_ONLY_FIELDS = {"contribbudget.member": ("is_treasurer", "is_coordinator")}
# Models other branches add for payments and the books fall under the same rule by name.
READ_ONLY_NAME_PARTS = ("payment", "batch", "invoice", "mandate", "ledger")


def is_read_only(model) -> bool:
    label = model._meta.label_lower
    if label in READ_ONLY_MODELS:
        return True
    app, _dot, name = label.partition(".")
    return app == "retributions" and any(part in name for part in READ_ONLY_NAME_PARTS)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _read_only(cls):
    return type(f"ReadOnly{cls.__name__}", (ReadOnlyMixin, cls), {})


def _read_only_fields(cls, fields: tuple[str, ...]):
    readonly = tuple(dict.fromkeys((*getattr(cls, "readonly_fields", ()), *fields)))
    return type(cls.__name__, (cls,), {"readonly_fields": readonly})


def _lock_inlines(cls):
    """The same class, with every inline on a read-only model made read-only."""
    inlines = [(_read_only(inline) if is_read_only(inline.model) else inline)
               for inline in getattr(cls, "inlines", [])]
    if inlines == list(getattr(cls, "inlines", [])):
        return cls
    return type(cls.__name__, (cls,), {"inlines": inlines})


def client_ip(request) -> str:
    """The client's IP as allauth sees it (``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies trusted)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # noqa: BLE001 - a header that does not match the proxy count
        return request.META.get("REMOTE_ADDR", "unknown")


def _failures_key(request) -> str:
    return f"admin-login-failures:{client_ip(request)}"


class LockedAdminSite(admin.AdminSite):
    site_header = "Budget contributif — administration"
    site_title = "Budget contributif"

    def has_permission(self, request):
        return bool(request.user.is_active and request.user.is_superuser)

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        for model in models:
            cls = admin_class or admin.ModelAdmin
            cls = _read_only(_lock_inlines(cls)) if is_read_only(model) else _lock_inlines(cls)
            if model._meta.label_lower in READ_ONLY_FIELDS:
                cls = _read_only_fields(cls, READ_ONLY_FIELDS[model._meta.label_lower])
            super().register(model, cls, **options)

    def login(self, request, extra_context=None):
        key = _failures_key(request)
        limit = settings.ADMIN_LOGIN_FAILURES_LIMIT
        if request.method == "POST" and (cache.get(key) or 0) >= limit:
            return render(request, "errors/rate_limited.html", {
                "message": _("Trop de tentatives de connexion échouées depuis votre adresse. "
                             "Réessayez dans quelques minutes.")}, status=429)
        response = super().login(request, extra_context)
        if request.method == "POST":
            if response.status_code == 200:  # the form again: a failed attempt
                window = settings.ADMIN_LOGIN_FAILURES_WINDOW
                if not cache.add(key, 1, window):
                    try:
                        cache.incr(key)
                    except ValueError:  # expired between add and incr
                        cache.set(key, 1, window)
            elif response.status_code == 302:
                cache.delete(key)
        return response
