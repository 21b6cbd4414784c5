"""The project page's "add to the team" member list, rendered once and cached.

The list holds every active member of the network (3,000 at bench scale, 30,000 in a
federation): rendering it option by option through the form templates was ~200 ms of the
project page's ~270 ms. The rendered ``<select>`` depends only on the active members' ids and
names, so it is cached under a generation that any save or delete of a member or a user bumps
(after the transaction commits), and the next page view renders it afresh.
"""
from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from contribbudget.models import Member

_GENERATION_KEY = "projects:member-select:generation"
SELECT_SECONDS = 24 * 3600


def _bump() -> None:
    cache.set(_GENERATION_KEY, time.time_ns(), None)


def forget_member_select(**_kwargs) -> None:
    """Make the cached list stale now (the writer's next page shows the change) and again
    once the transaction commits (a reader who cached the old list meanwhile)."""
    _bump()
    transaction.on_commit(_bump)


def cached_member_select(form) -> SafeString:
    """``str(form["member"])`` of an unbound :class:`projects.forms_setup.TeamForm` (its
    ``auto_id`` is part of the key, so two forms never share a rendering)."""
    generation = cache.get_or_set(_GENERATION_KEY, time.time_ns, None)
    key = f"projects:member-select:{generation}:{get_language()}:{form.auto_id}"
    html = cache.get(key)
    if html is None:
        html = str(form["member"])
        cache.set(key, html, SELECT_SECONDS)
    return mark_safe(html)  # noqa: S308 (rendered by Django's widget, escaped there)


def connect() -> None:
    for model in (Member, get_user_model()):
        post_save.connect(forget_member_select, sender=model,
                          dispatch_uid=f"member-select-save-{model.__name__}")
        post_delete.connect(forget_member_select, sender=model,
                            dispatch_uid=f"member-select-delete-{model.__name__}")
