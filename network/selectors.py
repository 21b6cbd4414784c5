"""Reads of the network's pages: the member directory, places, fields of action and
invitations. Each list is a fixed number of queries whatever the number of rows."""
from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, FieldOfAction, Invitation, Member, Place
from projects.models import ProjectRole


def member_directory(*, q: str = "", place: str = "", role: str = "",
                     status: str = "active") -> QuerySet[Member]:
    """Members matching a search (name or email), a home place, a network role and an
    account status, with their home place and their projects (two queries per page)."""
    members = Member.objects.select_related("user", "home_place").prefetch_related(
        Prefetch("project_roles", queryset=ProjectRole.objects.select_related("project")
                 .order_by("project__name")))
    # PostgreSQL refuses NUL characters in text: a pasted one is dropped, not a 500.
    for word in q.replace("\x00", "").split():
        members = members.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                                 | Q(user__email__icontains=word))
    if place == "none":
        members = members.filter(home_place__isnull=True)
    elif place.isdigit() and len(place) < 19:  # an id a bigint can hold, else no filter
        members = members.filter(home_place_id=int(place))
    if role == "coordinator":
        members = members.filter(is_coordinator=True)
    elif role == "treasurer":
        members = members.filter(is_treasurer=True)
    if status == "active":
        members = members.filter(user__is_active=True)
    elif status == "inactive":
        members = members.filter(user__is_active=False)
    return members.order_by("last_name", "first_name", "pk")


def places_with_counts(*, archived: bool = False) -> QuerySet[Place]:
    return (Place.objects.filter(archived_at__isnull=not archived)
            .annotate(member_count=Count("members", distinct=True)).order_by("name"))


def fields_with_counts(*, archived: bool = False) -> QuerySet[FieldOfAction]:
    return (FieldOfAction.objects.filter(archived_at__isnull=not archived)
            .annotate(project_count=Count("projects", distinct=True)).order_by("name"))


def invitations_list(*, status: str = "") -> QuerySet[Invitation]:
    now = timezone.now()
    invitations = Invitation.objects.select_related("project", "home_place", "invited_by__member")
    if status == "pending":
        invitations = invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                         expires_at__gt=now)
    elif status == "expired":
        invitations = invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True,
                                         expires_at__lte=now)
    elif status == "accepted":
        invitations = invitations.filter(accepted_at__isnull=False)
    elif status == "revoked":
        invitations = invitations.filter(revoked_at__isnull=False)
    return invitations.order_by("-last_sent_at", "-pk")


def first_steps() -> list[dict] | None:
    """A new network's first steps for its coordinators' home page (DESIGN.md §10), or None
    once all are done. Four EXISTS queries."""
    steps = [
        {"label": _("Renseigner les paramètres du réseau (identité, SIRET, modèle d'enveloppes)"),
         "url": reverse("network:settings"),
         "done": AuditEvent.objects.filter(action=AuditEvent.Action.NETWORK_SETTINGS_UPDATED).exists()},
        {"label": _("Ajouter les lieux du réseau"), "url": reverse("network:places"),
         "done": Place.objects.exists()},
        {"label": _("Créer les champs d'action"), "url": reverse("network:fields"),
         "done": FieldOfAction.objects.exists()},
        {"label": _("Inviter les personnes du réseau"), "url": reverse("invitation_create"),
         "done": Invitation.objects.exists()},
    ]
    return None if all(step["done"] for step in steps) else steps
