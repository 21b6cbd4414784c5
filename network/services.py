"""Services of the network's administration: settings, places, fields of action, members
and the first coordinator. Each one is atomic, locks what it changes, checks, writes and
records its audit event in the same transaction (DESIGN.md §10)."""
from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, FieldOfAction, Member, NetworkSettings, Place
from contribbudget.services import audit_record
from projects.models import Envelope

from .accounts import unique_username
from .validators import clean_envelope_template, validate_siret

SETTINGS_FIELDS = ("name", "legal_name", "siret", "address", "hours_per_fte_year",
                   "hours_per_day", "reference_daily_rate", "daily_rate_outlier_factor",
                   "invoice_prefix", "default_surplus_policy",
                   "default_surplus_commons_percent", "envelope_template", "site_url")


def _jsonable(value):
    if isinstance(value, (str, int, bool, list, dict)) or value is None:
        return value
    return str(value)


def _raise_full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


# --- Network settings ----------------------------------------------------------------------

@transaction.atomic
def network_settings_update(*, actor, logo=None, remove_logo: bool = False,
                            **changes) -> NetworkSettings:
    """Change the network's settings. The audit event keeps each changed field's value
    before and after (the logo by file name)."""
    NetworkSettings.load()
    network = NetworkSettings.objects.select_for_update().get(pk=1)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    errors: dict[str, list[str]] = {}
    if "siret" in changes:
        try:
            changes["siret"] = validate_siret(changes["siret"])
        except ValidationError as error:
            errors["siret"] = error.messages
    if "default_surplus_policy" in changes and \
            changes["default_surplus_policy"] not in Envelope.SurplusPolicy.values:
        errors["default_surplus_policy"] = [_("Choisissez une politique d'excédent de la liste.")]
    if "envelope_template" in changes:
        try:
            changes["envelope_template"] = clean_envelope_template(changes["envelope_template"])
        except ValidationError as error:
            errors["envelope_template"] = error.messages
    if errors:
        raise ValidationError(errors)
    before, after = {}, {}
    for field, value in changes.items():
        old = getattr(network, field)
        if old != value:
            before[field], after[field] = _jsonable(old), _jsonable(value)
            setattr(network, field, value)
    old_logo = network.logo.name if network.logo else ""
    if remove_logo and old_logo:
        network.logo = None
        before["logo"], after["logo"] = old_logo, ""
    elif logo is not None:
        network.logo.save(logo.name, logo, save=False)
        before["logo"], after["logo"] = old_logo, network.logo.name
    _raise_full_clean(network)
    network.save()
    if before:
        audit_record(actor=actor, action=AuditEvent.Action.NETWORK_SETTINGS_UPDATED, obj=network,
                     data={"before": before, "after": after})
    return network


# --- Places and fields of action -----------------------------------------------------------

def _unique_slug(model, name: str, exclude_pk=None) -> str:
    base = (slugify(name) or "x")[:70]
    slug, n = base, 2
    qs = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_name(model, name: str, exclude_pk, message: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom.")})
    qs = model.objects.filter(name__iexact=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"name": message % {"name": name}})
    return name


PLACE_FIELDS = ("name", "siret", "address", "city", "department", "email")


@transaction.atomic
def place_create(*, actor, name: str, siret: str = "", address: str = "", city: str = "",
                 email: str = "", department: str = "") -> Place:
    name = _check_name(Place, name, None, _("Un lieu s'appelle déjà « %(name)s » : choisissez "
                                            "un autre nom ou modifiez le lieu existant."))
    place = Place(name=name, slug=_unique_slug(Place, name), siret=validate_siret_field(siret),
                  address=address.strip(), city=city.strip(), email=email.strip(),
                  department=department.strip().upper())
    _raise_full_clean(place)
    place.save()
    audit_record(actor=actor, action=AuditEvent.Action.PLACE_CREATED, obj=place,
                 data={"name": place.name})
    return place


def validate_siret_field(value: str) -> str:
    try:
        return validate_siret(value)
    except ValidationError as error:
        raise ValidationError({"siret": error.messages}) from error


@transaction.atomic
def place_update(*, actor, place: Place, **changes) -> Place:
    place = Place.objects.select_for_update().get(pk=place.pk)
    if "name" in changes:
        changes["name"] = _check_name(Place, changes["name"], place.pk, _(
            "Un lieu s'appelle déjà « %(name)s » : choisissez un autre nom."))
    if "siret" in changes:
        typed = "".join((changes["siret"] or "").split())
        # Checked when it changes: a SIRET recorded before the key was checked does not
        # block editing the place's other fields.
        changes["siret"] = typed if typed == place.siret else validate_siret_field(typed)
    before, after = _apply(place, changes, PLACE_FIELDS)
    _raise_full_clean(place)
    place.save()
    if before:
        audit_record(actor=actor, action=AuditEvent.Action.PLACE_UPDATED, obj=place,
                     data={"before": before, "after": after})
    return place


def _apply(obj, changes: dict, allowed) -> tuple[dict, dict]:
    before, after = {}, {}
    for field, value in changes.items():
        if field not in allowed:
            raise ValueError(field)
        if isinstance(value, str):
            value = value.strip()
        old = getattr(obj, field)
        if old != value:
            before[field], after[field] = _jsonable(old), _jsonable(value)
            setattr(obj, field, value)
    return before, after


@transaction.atomic
def place_set_archived(*, actor, place: Place, archived: bool) -> Place:
    """Archive a place (hidden from choice lists; its members, payments and history stay) or
    bring it back."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    if archived == (place.archived_at is not None):
        raise ValidationError(_("Ce lieu est déjà archivé.") if archived
                              else _("Ce lieu n'est pas archivé."))
    place.archived_at = timezone.now() if archived else None
    place.save(update_fields=["archived_at"])
    audit_record(actor=actor, obj=place, action=(AuditEvent.Action.PLACE_ARCHIVED if archived
                                                 else AuditEvent.Action.PLACE_RESTORED))
    return place


FIELD_FIELDS = ("name", "description", "start", "end")


def _check_period(start, end) -> None:
    if start is None:
        raise ValidationError({"start": _("Indiquez la date de début.")})
    if end is not None and end < start:
        raise ValidationError({"end": _("La fin ne peut pas précéder le début.")})


@transaction.atomic
def field_create(*, actor, name: str, start: datetime.date, end: datetime.date | None = None,
                 description: str = "") -> FieldOfAction:
    name = _check_name(FieldOfAction, name, None, _(
        "Un champ d'action s'appelle déjà « %(name)s » : choisissez un autre nom."))
    _check_period(start, end)
    field = FieldOfAction(name=name, slug=_unique_slug(FieldOfAction, name), start=start, end=end,
                          description=description.strip())
    _raise_full_clean(field)
    field.save()
    audit_record(actor=actor, action=AuditEvent.Action.FIELD_CREATED, obj=field,
                 data={"name": field.name})
    return field


@transaction.atomic
def field_update(*, actor, field: FieldOfAction, **changes) -> FieldOfAction:
    field = FieldOfAction.objects.select_for_update().get(pk=field.pk)
    if "name" in changes:
        changes["name"] = _check_name(FieldOfAction, changes["name"], field.pk, _(
            "Un champ d'action s'appelle déjà « %(name)s » : choisissez un autre nom."))
    _check_period(changes.get("start", field.start), changes.get("end", field.end))
    before, after = _apply(field, changes, FIELD_FIELDS)
    _raise_full_clean(field)
    field.save()
    if before:
        audit_record(actor=actor, action=AuditEvent.Action.FIELD_UPDATED, obj=field,
                     data={"before": before, "after": after})
    return field


@transaction.atomic
def field_set_archived(*, actor, field: FieldOfAction, archived: bool) -> FieldOfAction:
    field = FieldOfAction.objects.select_for_update().get(pk=field.pk)
    if archived == (field.archived_at is not None):
        raise ValidationError(_("Ce champ d'action est déjà archivé.") if archived
                              else _("Ce champ d'action n'est pas archivé."))
    field.archived_at = timezone.now() if archived else None
    field.save(update_fields=["archived_at"])
    audit_record(actor=actor, obj=field, action=(AuditEvent.Action.FIELD_ARCHIVED if archived
                                                 else AuditEvent.Action.FIELD_RESTORED))
    return field


# --- Members -------------------------------------------------------------------------------

def _locked_active_coordinators() -> list[int]:
    """Lock every active coordinator's row: two coordinators stepping down at once queue
    here, and the second one sees that the first already left."""
    return list(Member.objects.select_for_update()
                .filter(is_coordinator=True, user__is_active=True).values_list("pk", flat=True))


@transaction.atomic
def member_update(*, actor, member: Member, home_place: Place | None, is_treasurer: bool,
                  is_coordinator: bool, reason: str = "") -> Member:
    """A coordinator sets a member's home place and network roles. Nobody changes their
    own roles (another coordinator does), and the network always keeps one coordinator."""
    coordinators = _locked_active_coordinators()
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    roles_change = (member.is_treasurer, member.is_coordinator) != (is_treasurer, is_coordinator)
    if roles_change and actor is not None and member.user_id == actor.pk:
        raise ValidationError({"is_coordinator": _(
            "Vous ne pouvez pas modifier vos propres rôles : demandez à une autre personne de "
            "la coordination.")})
    if member.is_coordinator and not is_coordinator and coordinators == [member.pk]:
        raise ValidationError({"is_coordinator": _(
            "C'est la dernière personne de la coordination : nommez d'abord quelqu'un d'autre "
            "à la coordination.")})
    if home_place is not None and home_place.archived_at is not None \
            and home_place.pk != member.home_place_id:
        raise ValidationError({"home_place": _("Ce lieu est archivé : choisissez un lieu actif.")})
    if home_place is None and member.preference == "money_place":
        raise ValidationError({"home_place": _(
            "Cette personne est rétribuée via son lieu : un lieu d'attache est nécessaire.")})
    before = {"home_place": member.home_place_id, "is_treasurer": member.is_treasurer,
              "is_coordinator": member.is_coordinator}
    member.home_place = home_place
    member.is_treasurer = is_treasurer
    member.is_coordinator = is_coordinator
    member.save(update_fields=["home_place", "is_treasurer", "is_coordinator"])
    after = {"home_place": member.home_place_id, "is_treasurer": is_treasurer,
             "is_coordinator": is_coordinator}
    if before != after:
        action = AuditEvent.Action.ROLE_CHANGED if roles_change else AuditEvent.Action.MEMBER_UPDATED
        audit_record(actor=actor, action=action, obj=member, reason=reason,
                     data={"before": before, "after": after})
    return member


@transaction.atomic
def member_set_active(*, actor, member: Member, active: bool, reason: str = "") -> Member:
    """Deactivate a member (they can no longer log in; their contributions, lines and
    documents stay, as accounting law wants) or reactivate them."""
    coordinators = _locked_active_coordinators()
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    user = member.user
    if user.is_active == active:
        raise ValidationError(_("Ce compte est déjà actif.") if active
                              else _("Ce compte est déjà désactivé."))
    if not active:
        if actor is not None and user.pk == actor.pk:
            raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."))
        if member.is_coordinator and coordinators == [member.pk]:
            raise ValidationError(_("C'est la dernière personne de la coordination : nommez "
                                    "d'abord quelqu'un d'autre à la coordination."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, obj=member, reason=reason,
                 action=(AuditEvent.Action.MEMBER_REACTIVATED if active
                         else AuditEvent.Action.MEMBER_DEACTIVATED))
    return member


@transaction.atomic
def coordinator_create(*, email: str, full_name: str, password: str) -> Member:
    """The first run: an account, its verified email and a member with the coordinator
    role. Refuses an email that already has an account."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("« %(email)s » n'est pas une adresse de courriel "
                                          "valide.") % {"email": email}}) from error
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists() or \
            EmailAddress.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà pour %(email)s : rien n'a été "
                                          "créé.") % {"email": email}})
    parts = (full_name or "").split()
    if not parts:
        raise ValidationError({"full_name": _("Indiquez le prénom et le nom.")})
    first, last = parts[0], " ".join(parts[1:])
    user = users.model(username=unique_username(email), email=email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    member = Member.objects.create(user=user, first_name=first[:100], last_name=last[:100],
                                   is_coordinator=True)
    audit_record(actor=None, action=AuditEvent.Action.MEMBER_CREATED, obj=member,
                 reason=_("Première personne de la coordination (create_coordinator)"),
                 data={"email": email, "is_coordinator": True})
    return member
