"""Long lists rendered once and cached: every active member (the project page's "add to the
team" select) and every project (the treasurer desk's export selects).

3,000 members at bench scale (30,000 in a federation) rendered option by option through the
form templates were ~200 ms of the project page's ~270 ms CPU; the desk's two project lists
(300 projects, 3,000 in a federation) most of its ~50 ms. What they show depends only on
the members' or the projects' rows, so each list is cached under a generation that any save
or delete of a member or user (resp. a project) bumps — at once, so the writer's next page
shows the change, and again after the commit, for a reader who cached the old list meanwhile.
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

from .models import Envelope, Project, ProjectRole

LIST_SECONDS = 24 * 3600
MEMBERS, PROJECTS = "members", "projects"
# What the contribution forms offer (contributions.option_cache): the envelopes of the
# member's teams and of the open projects, by name; any project, envelope or role write.
LOGGING = "logging"


def _key(kind: str) -> str:
    return f"projects:list-cache:{kind}:generation"


def generation(kind: str) -> int:
    """The current generation of a list (part of its cache key, e.g. in ``{% cache %}``)."""
    return int(cache.get_or_set(_key(kind), time.time_ns, None) or 0)


def forget(kind: str) -> None:
    cache.set(_key(kind), time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(_key(kind), time.time_ns(), None))


# This process's copies of the current generation's selects: a federation's is 1.5 MB (30,000
# members), ~5 ms a page to read from Redis and unpickle; the generation is still read from
# Redis on every page, so another process's write is seen at once.
_local: dict[str, str] = {}


def cached_member_select(form) -> SafeString:
    """``str(form["member"])`` of an unbound :class:`projects.forms_setup.TeamForm` (its
    ``auto_id`` is part of the key, so two forms never share a rendering)."""
    prefix = f"projects:member-select:{generation(MEMBERS)}:"
    key = f"{prefix}{get_language()}:{form.auto_id}"
    html = _local.get(key)
    if html is None:
        html = cache.get(key)
        if html is None:
            html = str(form["member"])
            cache.set(key, html, LIST_SECONDS)
        for old in [k for k in _local if not k.startswith(prefix)]:
            _local.pop(old, None)  # an older generation's
        _local[key] = html
    return mark_safe(html)  # noqa: S308 (rendered by Django's widget, escaped there)


def _forget_members(**_kwargs) -> None:
    forget(MEMBERS)


def _forget_projects(**_kwargs) -> None:
    forget(PROJECTS)


def _forget_logging(**_kwargs) -> None:
    forget(LOGGING)


def connect() -> None:
    for model, receiver in ((Member, _forget_members), (get_user_model(), _forget_members),
                            (Project, _forget_projects), (Project, _forget_logging),
                            (Envelope, _forget_logging), (ProjectRole, _forget_logging)):
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, weak=False,
                           dispatch_uid=f"list-cache-{signal is post_save}-{model.__name__}"
                                        f"-{receiver.__name__}")
