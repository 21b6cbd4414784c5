"""The network's pages for coordinators (treasurers read the member directory): settings,
places, fields of action, members. Thin: permission, form, one service, message."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contribbudget.links import remember_site_url
from contribbudget.models import FieldOfAction, Member, NetworkSettings, Place
from contribbudget.permissions import get_network_object_for, require_network
from contribbudget.services import history_of

from . import selectors, services
from .forms import (
    DeactivateForm,
    FieldForm,
    MemberForm,
    NetworkSettingsForm,
    PlaceForm,
    TemplateFormSet,
    template_rows,
)


def put_errors(form, error: ValidationError) -> None:
    """A service's French errors, back on the form that keeps what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _flash_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Settings ------------------------------------------------------------------------------

SETTINGS_FORM_FIELDS = ("name", "legal_name", "siret", "address", "hours_per_fte_year",
                        "hours_per_day", "reference_daily_rate", "daily_rate_outlier_factor",
                        "invoice_prefix", "default_surplus_policy",
                        "default_surplus_commons_percent", "site_url")


@login_required
def network_settings(request):
    require_network(request.user)
    remember_site_url(request)
    network = NetworkSettings.load()
    if request.method == "POST":
        form = NetworkSettingsForm(request.POST, request.FILES)
        formset = TemplateFormSet(request.POST, prefix="tpl")
        template_errors: list[str] = []
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                services.network_settings_update(
                    actor=request.user, logo=data.get("logo") or None,
                    remove_logo=data.get("remove_logo", False),
                    envelope_template=template_rows(formset),
                    **{f: data[f] for f in SETTINGS_FORM_FIELDS})
            except ValidationError as error:
                errors = error.message_dict
                template_errors = errors.pop("envelope_template", [])
                if errors:
                    put_errors(form, ValidationError(errors))
            else:
                messages.success(request, _("Paramètres du réseau enregistrés."))
                return redirect("network:settings")
    else:
        form = NetworkSettingsForm(initial={f: getattr(network, f) for f in SETTINGS_FORM_FIELDS})
        formset = TemplateFormSet(prefix="tpl", initial=network.envelope_template)
        template_errors = []
    return render(request, "network/settings.html", {
        "form": form, "formset": formset, "template_errors": template_errors,
        "network": network, "history": history_of(network)[:10]})


# --- Places and fields of action -----------------------------------------------------------

KINDS: dict[str, dict[str, Any]] = {
    "place": {"model": Place, "form": PlaceForm, "fields": ("name", "siret", "address", "city", "department", "email"),
              "create": services.place_create, "update": services.place_update,
              "archive": services.place_set_archived, "list": "network:places",
              "title_new": gettext_lazy("Nouveau lieu"),
              "saved": gettext_lazy("Lieu « %(name)s » enregistré.")},
    "field": {"model": FieldOfAction, "form": FieldForm, "fields": ("name", "description", "start", "end"),
              "create": services.field_create, "update": services.field_update,
              "archive": services.field_set_archived, "list": "network:fields",
              "title_new": gettext_lazy("Nouveau champ d'action"),
              "saved": gettext_lazy("Champ d'action « %(name)s » enregistré.")},
}


@login_required
def places(request):
    require_network(request.user)
    archived = request.GET.get("archives") == "1"
    return render(request, "network/places.html", {
        "places": selectors.places_with_counts(archived=archived), "archived": archived})


@login_required
def fields(request):
    require_network(request.user)
    archived = request.GET.get("archives") == "1"
    return render(request, "network/fields.html", {
        "fields": selectors.fields_with_counts(archived=archived), "archived": archived})


def _object_form(request, kind: str, pk=None):
    conf = KINDS[kind]
    if pk is None:
        require_network(request.user)
        obj = None
    else:
        obj = get_network_object_for(request.user, conf["model"], pk)
    if request.method == "POST":
        form = conf["form"](request.POST)
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in conf["fields"]}
            try:
                if obj is None:
                    obj = conf["create"](actor=request.user, **values)
                else:
                    obj = conf["update"](actor=request.user, **{kind: obj}, **values)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, conf["saved"] % {"name": obj.name})
                return redirect(conf["list"])
    else:
        form = conf["form"](initial={f: getattr(obj, f) for f in conf["fields"]} if obj else None)
    return render(request, "network/object_form.html", {
        "form": form, "object": obj, "kind": kind, "list_url": conf["list"],
        "title": obj.name if obj else conf["title_new"],
        "history": history_of(obj)[:20] if obj else []})


@login_required
def place_create(request):
    return _object_form(request, "place")


@login_required
def place_edit(request, pk: int):
    return _object_form(request, "place", pk)


@login_required
def field_create(request):
    return _object_form(request, "field")


@login_required
def field_edit(request, pk: int):
    return _object_form(request, "field", pk)


def _archive(request, kind: str, pk: int):
    conf = KINDS[kind]
    obj = get_network_object_for(request.user, conf["model"], pk)
    archived = request.POST.get("archived") == "1"
    try:
        conf["archive"](actor=request.user, **{kind: obj}, archived=archived)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, (_("« %(name)s » archivé : il n'est plus proposé dans les "
                                     "listes ; son historique est conservé.") if archived
                                   else _("« %(name)s » est de nouveau actif.")) % {"name": obj.name})
    return redirect(conf["list"])


@login_required
@require_POST
def place_archive(request, pk: int):
    return _archive(request, "place", pk)


@login_required
@require_POST
def field_archive(request, pk: int):
    return _archive(request, "field", pk)


# --- Members -------------------------------------------------------------------------------

@login_required
def members(request):
    me = require_network(request.user, action="view")
    params = {k: request.GET.get(k, "").strip() for k in ("q", "place", "role", "status")}
    params["status"] = params["status"] or "active"
    page = Paginator(selectors.member_directory(**params), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "network/members.html", {
        "page": page, "params": params, "query": query.urlencode(),
        "places": Place.objects.order_by("name"), "can_manage": me.is_coordinator})


@login_required
def member_detail(request, pk: int):
    me = require_network(request.user, action="view")
    member = get_network_object_for(request.user, Member, pk, action="view")
    member = (selectors.member_directory(status="all").filter(pk=member.pk).first())
    assert member is not None  # status="all": every member is in the directory
    form = None
    if me.is_coordinator:
        if request.method == "POST":
            form = MemberForm(request.POST, current_place=member.home_place)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.member_update(actor=request.user, member=member,
                                           home_place=data["home_place"],
                                           is_treasurer=data["is_treasurer"],
                                           is_coordinator=data["is_coordinator"],
                                           reason=data["reason"])
                except ValidationError as error:
                    put_errors(form, error)
                else:
                    messages.success(request, _("Fiche de %(name)s enregistrée.")
                                     % {"name": member.full_name})
                    return redirect("network:member", pk=member.pk)
        else:
            form = MemberForm(current_place=member.home_place, initial={
                "home_place": member.home_place, "is_treasurer": member.is_treasurer,
                "is_coordinator": member.is_coordinator})
    elif request.method == "POST":
        require_network(request.user)  # treasurers read, they do not change
    return render(request, "network/member_detail.html", {
        "member": member, "form": form, "deactivate_form": DeactivateForm(),
        "is_self": member.user_id == request.user.pk, "history": history_of(member)[:20]})


@login_required
@require_POST
def member_set_active(request, pk: int):
    member = get_network_object_for(request.user, Member, pk)
    active = request.POST.get("active") == "1"
    form = DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.member_set_active(actor=request.user, member=member, active=active, reason=reason)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, (_("%(name)s peut de nouveau se connecter.") if active else
                                   _("%(name)s ne peut plus se connecter ; ses contributions, "
                                     "rétributions et documents restent.")) % {"name": member.full_name})
    return redirect("network:member", pk=member.pk)
