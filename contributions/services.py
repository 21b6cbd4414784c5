"""Writes about contributions. Every rule of the issue lives in :func:`contribution_check`,
and every path that writes a contribution (quick log, edit, week timesheet, import, admin)
goes through it, so the rules hold everywhere.

Status machine (DESIGN.md §3): draft → submitted → validated | rejected (with a comment)
→ retributed (locked). Editing a validated contribution sends it back to submitted. Each
change of status writes an audit event in the same transaction.
"""
from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contribbudget import limits
from contribbudget.limits import check_length, length_error
from contribbudget.links import absolute_url
from contribbudget.models import AuditEvent, Member, Preference
from contribbudget.money import format_hours
from contribbudget.permissions import ensure_can_validate, member_of
from contribbudget.services import audit_event, audit_record
from contribbudget.tasks import send_email
from projects.models import CoordinationGrain, Envelope, Project
from projects.teams import join_on_contribution, newcomer_refusal, project_team

from .models import Contribution
from .parsing import is_quarter

MAX_DAY_HOURS = Decimal("24")
# Rows that count towards a member's day: everything but refused work.
COUNTED_STATUSES = ("draft", "submitted", "validated", "retributed")
KIND_VALUES = frozenset(Contribution.Kind.values)  # built once: an import checks every row
EDITABLE_FIELDS = ("project", "envelope", "date", "hours", "kind", "description",
                   "deliverable_url", "grain", "invited_by", "salaried")


def _d(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def contribution_check(*, member: Member, project: Project | None, envelope: Envelope | None,
                       date: datetime.date | None, hours: Decimal | None, kind: str,
                       description: str = "x", grain: CoordinationGrain | None = None,
                       invited_by: Member | None = None, exclude_pk: int | None = None,
                       extra_day_hours: Decimal = Decimal("0"),
                       today: datetime.date | None = None, team: set[int] | None = None,
                       day_hours: Decimal | None = None) -> None:
    """Raise a ``ValidationError`` (dict form, French messages, one per field) when a
    contribution breaks a rule; write nothing. ``extra_day_hours`` lets an import count
    rows of the same file that are not written yet; an import also passes the project's
    ``team`` (member ids) and the member's recorded ``day_hours``, read once for the whole
    file, so checking a row costs no query."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (description or "").strip():
        add("description", _("Décrivez en quelques mots ce que vous avez fait."))
    check_length((description or "").strip(), limits.DESCRIPTION, "description", add)
    if hours is None:
        add("hours", _("Indiquez un nombre d'heures."))
    elif hours <= 0:
        add("hours", _("Le nombre d'heures doit être supérieur à zéro."))
    elif not is_quarter(hours):
        add("hours", _("Les heures se saisissent au quart d'heure (0,25 ; 0,5 ; 0,75…) : "
                       "%(hours)s n'en est pas un multiple.") % {"hours": format_hours(hours)})
    elif hours > MAX_DAY_HOURS:
        add("hours", _("Une journée compte au plus 24 h."))
    if date is None:
        add("date", _("Indiquez une date."))
    elif date > today:
        add("date", _("La date ne peut pas être dans le futur."))
    if project is None:
        add("project", _("Choisissez un projet."))
    else:
        if date is not None and date < project.start:
            add("date", _("Le projet « %(project)s » commence le %(start)s.")
                % {"project": project.name, "start": _d(project.start)})
        if date is not None and project.end and date > project.end:
            add("date", _("Le projet « %(project)s » s'est terminé le %(end)s.")
                % {"project": project.name, "end": _d(project.end)})
        team = project_team(project) if team is None else team
        if project.phase == Project.Phase.CLOSED:
            add("project", _("Le projet « %(project)s » est clos : il ne reçoit plus de "
                             "contributions.") % {"project": project.name})
        elif member.pk not in team:
            # Outside the team: only while the project is open, on a date of an open period.
            refusal = newcomer_refusal(project, date)
            if refusal:
                add("project", refusal)
        if envelope is None:
            add("envelope", _("Choisissez une enveloppe."))
        elif envelope.project_id != project.pk:
            add("envelope", _("Cette enveloppe appartient à un autre projet que « %(project)s ».")
                % {"project": project.name})
        if kind == Contribution.Kind.CREATIVE:
            if invited_by is None:
                add("invited_by", _("Une session créative est rétribuée sur invitation : "
                                    "indiquez qui vous a invité·e."))
            elif invited_by.pk == member.pk:
                add("invited_by", _("On ne s'invite pas soi-même à une session créative."))
            elif invited_by.pk not in team:
                add("invited_by", _("La personne qui invite doit faire partie de l'équipe du "
                                    "projet : son temps est pris sur l'enveloppe du projet."))
    if kind not in KIND_VALUES:
        add("kind", _("Type de contribution inconnu."))
    elif invited_by is not None and kind != Contribution.Kind.CREATIVE:
        add("invited_by", _("Seule une session créative se fait sur invitation."))
    if grain is not None and grain.member_id != member.pk:
        add("grain", _("Ce grain de coordination appartient à un·e autre membre."))
    if date is not None and hours is not None and "hours" not in errors and "date" not in errors:
        already = day_hours if day_hours is not None else (
            Contribution.objects.filter(member=member, date=date, status__in=COUNTED_STATUSES)
            .exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None excludes nothing, as meant
            .aggregate(t=Sum("hours"))["t"] or Decimal("0"))
        already += extra_day_hours
        if already + hours > MAX_DAY_HOURS:
            add("hours", _("Vous avez déjà %(already)s le %(date)s : avec %(hours)s de plus, la "
                           "journée dépasserait 24 h.")
                % {"already": format_hours(already), "date": _d(date),
                   "hours": format_hours(hours)})
    if errors:
        raise ValidationError(errors)


def _check_instance(contribution: Contribution, *, exclude_self: bool = True) -> None:
    contribution_check(
        member=contribution.member, project=contribution.project,
        envelope=contribution.envelope, date=contribution.date, hours=contribution.hours,
        kind=contribution.kind, description=contribution.description, grain=contribution.grain,
        invited_by=contribution.invited_by,
        exclude_pk=contribution.pk if exclude_self else None)


def _lock_member(member: Member) -> None:
    # One member's writes are serialised: the 24 h per day total and the double-click token
    # are checked then written, and two requests at once must not both pass the check.
    Member.objects.select_for_update().filter(pk=member.pk).first()


@transaction.atomic
def contribution_create(*, member: Member, actor, project: Project, envelope: Envelope,
                        date: datetime.date, hours: Decimal, kind: str, description: str,
                        deliverable_url: str = "", grain: CoordinationGrain | None = None,
                        invited_by: Member | None = None, salaried: bool = False,
                        submit: bool = False, client_token: uuid.UUID | None = None,
                        import_key: str | None = None,
                        team: set[int] | None = None) -> Contribution:
    """Log a contribution, as a draft or submitted at once.

    Idempotent: a second call with the same ``client_token`` (a double click) or the same
    ``import_key`` (the same import row) returns the first row and writes nothing. ``team``:
    the project's team as the form just read it (:func:`project_team`); the day's hours are
    read again here, under the member's lock, whatever the form saw."""
    _lock_member(member)
    if client_token is not None:
        existing = Contribution.objects.filter(member=member, client_token=client_token).first()
        if existing is not None:
            return existing
    if import_key is not None:
        existing = Contribution.objects.filter(import_key=import_key).first()
        if existing is not None:
            return existing
    team = project_team(project) if team is None else team
    contribution_check(member=member, project=project, envelope=envelope, date=date,
                       hours=hours, kind=kind, description=description, grain=grain,
                       invited_by=invited_by, team=team)
    contribution = contribution_new(
        member=member, created_by=member_of(actor), project=project, envelope=envelope,
        date=date, hours=hours, kind=kind, description=description,
        deliverable_url=deliverable_url, grain=grain, invited_by=invited_by, salaried=salaried,
        submit=submit, client_token=client_token, import_key=import_key)
    contribution.save()
    if project.is_open and member.pk not in team:
        # A first contribution during an open period makes the member part of the team
        # (in a closed period only the team logs, so there is nobody to add).
        join_on_contribution(project=project, member=member, actor=actor)
    if submit:
        submitted_event(actor=actor, contribution=contribution).save()
    return contribution


def contribution_new(*, member: Member, created_by: Member | None, project: Project,
                     envelope: Envelope, date: datetime.date, hours: Decimal, kind: str,
                     description: str, deliverable_url: str = "",
                     grain: CoordinationGrain | None = None, invited_by: Member | None = None,
                     salaried: bool = False, submit: bool = False,
                     client_token: uuid.UUID | None = None,
                     import_key: str | None = None) -> Contribution:
    """The unsaved row :func:`contribution_create` writes once the rules pass; the import
    builds its rows with it too and writes them in bulk (``imports``), so both are alike."""
    return Contribution(
        member=member, project=project, envelope=envelope, date=date, hours=hours, kind=kind,
        description=description.strip(), deliverable_url=deliverable_url or "", grain=grain,
        invited_by=invited_by if kind == Contribution.Kind.CREATIVE else None,
        salaried=salaried, created_by=created_by,
        status=Contribution.Status.SUBMITTED if submit else Contribution.Status.DRAFT,
        client_token=client_token, import_key=import_key)


def submitted_event(*, actor, contribution: Contribution) -> AuditEvent:
    """The unsaved audit event of a contribution logged as submitted (saved one by one by
    the form service, in bulk by the import)."""
    return audit_event(actor=actor, action=AuditEvent.Action.CONTRIBUTION_SUBMITTED,
                       obj=contribution, data={"hours": str(contribution.hours),
                                               "date": contribution.date.isoformat()})


def _locked(contribution: Contribution) -> Contribution:
    return (Contribution.objects.select_for_update(of=("self",))
            .select_related("member", "project", "envelope", "grain", "invited_by")
            .get(pk=contribution.pk))


@transaction.atomic
def contribution_update(*, contribution: Contribution, actor, submit: bool = False,
                        **fields) -> Contribution:
    """Change a contribution. Retributed rows are locked; a validated one goes back to
    submitted (a pilot validates it again); ``submit`` also submits a draft or a refused
    one."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _lock_member(contribution.member)
    current = _locked(contribution)
    if current.status == Contribution.Status.RETRIBUTED:
        raise ValidationError(_("Cette contribution est rétribuée : elle ne peut plus être "
                                "modifiée."))
    for name, value in fields.items():
        setattr(current, name, value)
    if current.kind != Contribution.Kind.CREATIVE and "invited_by" not in fields:
        current.invited_by = None
    _check_instance(current)
    changed = [name for name in fields if getattr(contribution, name, None) != fields[name]]
    if current.status == Contribution.Status.VALIDATED:
        current.status = Contribution.Status.SUBMITTED
        current.validated_by = None
        current.validated_at = None
        audit_record(actor=actor, action=AuditEvent.Action.CONTRIBUTION_REOPENED, obj=current,
                     reason=_("Modifiée après validation."), data={"fields": changed})
    elif submit and current.status in (Contribution.Status.DRAFT, Contribution.Status.REJECTED):
        current.status = Contribution.Status.SUBMITTED
        current.rejection_comment = ""
        audit_record(actor=actor, action=AuditEvent.Action.CONTRIBUTION_SUBMITTED, obj=current,
                     data={"fields": changed})
    current.save()
    return current


@transaction.atomic
def contribution_submit(*, contribution: Contribution, actor) -> Contribution:
    """A draft or a refused contribution goes to its project's pilots (rules re-checked:
    the project may have closed since the draft was written)."""
    current = _locked(contribution)
    if current.status not in (Contribution.Status.DRAFT, Contribution.Status.REJECTED):
        raise ValidationError(_("Seuls les brouillons et les contributions refusées peuvent "
                                "être soumis."))
    _check_instance(current)
    previous = current.status
    current.status = Contribution.Status.SUBMITTED
    current.rejection_comment = ""
    current.save(update_fields=["status", "rejection_comment", "updated_at"])
    audit_record(actor=actor, action=AuditEvent.Action.CONTRIBUTION_SUBMITTED, obj=current,
                 data={"from": previous})
    return current


@transaction.atomic
def contributions_submit_bulk(*, member: Member, ids: Iterable[int], actor) -> int:
    """Submit the member's selected drafts, all or none (an error names the row)."""
    rows = list(Contribution.objects.filter(member=member, pk__in=list(ids),
                                            status=Contribution.Status.DRAFT)
                .select_related("project").order_by("date", "pk"))
    for row in rows:
        try:
            contribution_submit(contribution=row, actor=actor)
        except ValidationError as error:
            raise ValidationError(_("Contribution du %(date)s (%(project)s) : %(errors)s") % {
                "date": _d(row.date), "project": row.project.name,
                "errors": " ".join(error.messages)}) from error
    return len(rows)


@transaction.atomic
def contribution_delete(*, contribution: Contribution, actor) -> None:
    current = _locked(contribution)
    if current.status != Contribution.Status.DRAFT:
        raise ValidationError(_("Seuls les brouillons peuvent être supprimés."))
    current.delete()


@transaction.atomic
def contribution_validate(*, contribution: Contribution, actor) -> Contribution:
    """A pilot of the project (or a coordinator) validates — never their own work."""
    current = _locked(contribution)
    ensure_can_validate(actor, current, _("Vous ne pouvez pas valider cette contribution."))
    if current.status != Contribution.Status.SUBMITTED:
        raise ValidationError(_("Seules les contributions soumises peuvent être validées."))
    current.status = Contribution.Status.VALIDATED
    current.validated_by = member_of(actor)
    current.validated_at = timezone.now()
    current.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])
    audit_record(actor=actor, action=AuditEvent.Action.CONTRIBUTION_VALIDATED, obj=current,
                 data={"hours": str(current.hours)})
    return current


@transaction.atomic
def contribution_reject(*, contribution: Contribution, actor, comment: str) -> Contribution:
    """Refuse a submitted (or validated) contribution with a comment the contributor reads;
    they are told by email."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Expliquez le refus : la personne lira votre "
                                            "commentaire.")})
    too_long = length_error(comment, limits.COMMENT)
    if too_long:
        raise ValidationError({"comment": too_long})
    current = _locked(contribution)
    ensure_can_validate(actor, current, _("Vous ne pouvez pas refuser cette contribution."))
    if current.status not in (Contribution.Status.SUBMITTED, Contribution.Status.VALIDATED):
        raise ValidationError(_("Seules les contributions soumises ou validées peuvent être "
                                "refusées."))
    current.status = Contribution.Status.REJECTED
    current.rejection_comment = comment
    current.validated_by = None
    current.validated_at = None
    current.save(update_fields=["status", "rejection_comment", "validated_by", "validated_at",
                                "updated_at"])
    audit_record(actor=actor, action=AuditEvent.Action.CONTRIBUTION_REJECTED, obj=current,
                 reason=comment)
    link = absolute_url(reverse("contributions:detail", args=[current.pk]))
    body = render_to_string("emails/contributions_rejected.txt", {
        "contribution": current, "comment": comment, "link": link,
        "reviewer": member_of(actor)})
    send_email.delay_on_commit(_("Contribution refusée : %(project)s")  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery ≥ 5.4)
                               % {"project": current.project.name}, body,
                               [current.member.user.email])
    return current


@transaction.atomic
def contributions_review_bulk(*, actor, ids: Iterable[int], action: str,
                              comment: str = "") -> int:
    """Validate or refuse many submitted contributions at once, all or none. A row the
    actor may not review (own work, project not piloted) refuses the whole batch."""
    if action not in ("validate", "reject"):
        raise ValueError(action)
    rows = list(Contribution.objects.filter(pk__in=list(ids),
                                            status=Contribution.Status.SUBMITTED)
                .select_related("member__user", "project").order_by("pk"))
    for row in rows:
        if action == "validate":
            contribution_validate(contribution=row, actor=actor)
        else:
            contribution_reject(contribution=row, actor=actor, comment=comment)
    return len(rows)


@transaction.atomic
def member_preferences_update(*, member: Member, actor, reminders_enabled: bool,
                              preference: str, symbolic_text: str = "",
                              expected_daily_rate: Decimal | None = None, siret: str = "",
                              address: str = "") -> Member:
    """A member's own settings: reminders, retribution preference, invoicing identity."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors: dict[str, str] = {}
    if preference == Preference.MONEY_PLACE and member.home_place_id is None:
        errors["preference"] = _("Vous n'avez pas de lieu d'attache pour recevoir la "
                                 "rétribution : demandez à la coordination de vous en "
                                 "associer un, ou choisissez une autre option.")
    if preference == Preference.SYMBOLIC and not symbolic_text.strip():
        errors["symbolic_text"] = _("Dites quelle rétribution symbolique vous souhaitez.")
    if expected_daily_rate is not None and expected_daily_rate < 0:
        errors["expected_daily_rate"] = _("Le coût journalier ne peut pas être négatif.")
    if errors:
        raise ValidationError(errors)
    member.reminders_enabled = reminders_enabled
    member.preference = preference
    member.symbolic_text = symbolic_text.strip()
    member.expected_daily_rate = expected_daily_rate
    member.siret = siret.strip()
    member.address = address.strip()
    member.full_clean()
    member.save()
    return member
