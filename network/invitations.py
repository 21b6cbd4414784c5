"""Invitations: many at once, optionally into a project with a role; resend, revoke,
expiry; single use. Every write here is a service (atomic, locked, audited)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.links import absolute_url
from contribbudget.models import AuditEvent, Invitation, Member, Place, new_token
from contribbudget.network_defaults import invitation_expiry
from contribbudget.services import audit_record
from contribbudget.tasks import send_email
from projects.models import Project, ProjectRole

MAX_LINES = 200
_SEPARATORS = re.compile(r"[,;\t]")


@dataclass
class Invitee:
    line: int
    email: str
    first_name: str
    last_name: str


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def parse_invitation_lines(text: str) -> tuple[list[Invitee], list[str]]:
    """Lines of ``email`` or ``Name, email`` (comma, semicolon or tab; ``Name <email>`` too)
    → the invitees and one French error per bad line. Blank lines are skipped."""
    invitees: list[Invitee] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    lines = (text or "").splitlines()
    if len([raw for raw in lines if raw.strip()]) > MAX_LINES:
        return [], [_("Au plus %(n)d personnes par envoi : partagez la liste en plusieurs "
                      "fois.") % {"n": MAX_LINES}]
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        angle = re.fullmatch(r"(.*)<\s*([^<>]+?)\s*>", line)
        if angle:
            name, email = angle.group(1).strip().strip(",;"), angle.group(2)
        else:
            parts = [p.strip() for p in _SEPARATORS.split(line)]
            if len(parts) == 1:
                name, email = "", parts[0]
            elif len(parts) == 2:
                name, email = parts
            else:
                errors.append(_("Ligne %(n)d : format attendu « courriel » ou « Prénom Nom, "
                                "courriel » (« %(line)s »).") % {"n": number, "line": line})
                continue
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Ligne %(n)d : « %(email)s » n'est pas une adresse de courriel "
                            "valide.") % {"n": number, "email": email})
            continue
        if email in seen:
            errors.append(_("Ligne %(n)d : %(email)s figure déjà ligne %(first)d.")
                          % {"n": number, "email": email, "first": seen[email]})
            continue
        seen[email] = number
        first, last = _split_name(name)
        if len(first) > 100 or len(last) > 100:
            errors.append(_("Ligne %(n)d : le nom est trop long (100 caractères au plus).")
                          % {"n": number})
            continue
        invitees.append(Invitee(number, email, first, last))
    if not invitees and not errors:
        errors.append(_("Indiquez au moins une personne : une ligne « courriel » ou « Prénom "
                        "Nom, courriel » par personne."))
    return invitees, errors


def _line_number(message: str) -> int:
    """The line a message is about (its first number), to sort the messages by line."""
    found = re.search(r"\d+", message)
    return int(found.group(0)) if found else 0


def _send(invitation: Invitation, request=None) -> None:
    link = absolute_url(reverse("invitation_accept", args=[invitation.token]), request)
    body = render_to_string("emails/invitation.txt", {"invitation": invitation, "link": link})
    send_email.delay_on_commit(  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit
        _("Invitation au budget contributif"), body, [invitation.email])


def _check_project_role(project: Project | None, project_role: str) -> str:
    if project is None:
        return ""
    if project_role not in Invitation.Role.values:
        raise ValidationError({"project_role": _("Choisissez le rôle dans le projet : pilote "
                                                 "ou contributeur·rice.")})
    if project.phase == Project.Phase.CLOSED:
        raise ValidationError({"project": _("Ce projet est clos : on ne peut plus y inviter.")})
    return project_role


@transaction.atomic
def invitations_create(*, invited_by, text: str, home_place: Place | None = None,
                       project: Project | None = None, project_role: str = "",
                       request=None) -> list[Invitation]:
    """Invite every person of ``text`` (see :func:`parse_invitation_lines`), or nobody: any
    bad line, or an email that already has an account, refuses the whole batch. An open
    invitation for the same email is renewed (new link, new expiry), not duplicated."""
    invitees, errors = parse_invitation_lines(text)
    emails = [i.email for i in invitees]
    taken = {e.lower() for e in get_user_model().objects.filter(email__in=emails)
             .values_list("email", flat=True)}
    for invitee in invitees:
        if invitee.email in taken:
            errors.append(_("Ligne %(n)d : %(email)s est déjà membre du réseau (inutile de "
                            "l'inviter ; retrouvez la personne dans l'annuaire).")
                          % {"n": invitee.line, "email": invitee.email})
    if errors:
        errors.sort(key=_line_number)
        raise ValidationError({"lines": errors})
    project_role = _check_project_role(project, project_role)
    if home_place is not None and home_place.archived_at is not None:
        raise ValidationError({"home_place": _("Ce lieu est archivé.")})
    # Lock the open invitations of these emails, so two coordinators pasting the same list
    # at once renew one row each rather than racing on the unique constraint.
    open_rows = {inv.email: inv for inv in Invitation.objects.select_for_update()
                 .filter(email__in=emails, accepted_at__isnull=True, revoked_at__isnull=True)}
    now = timezone.now()
    created = []
    for invitee in invitees:
        invitation = open_rows.get(invitee.email)
        renewed = invitation is not None
        if invitation is None:
            invitation = Invitation(email=invitee.email, invited_by=invited_by, created_at=now)
        else:
            invitation.token = new_token()
            invitation.expires_at = invitation_expiry()
            invitation.send_count += 1
        invitation.last_sent_at = now
        invitation.first_name = invitee.first_name or invitation.first_name
        invitation.last_name = invitee.last_name or invitation.last_name
        invitation.home_place = home_place or invitation.home_place
        invitation.project = project
        invitation.project_role = project_role
        invitation.save()
        audit_record(actor=invited_by, action=(AuditEvent.Action.INVITATION_RESENT if renewed
                                               else AuditEvent.Action.MEMBER_INVITED),
                     obj=invitation, project=project,
                     data={"email": invitee.email, "project": project.pk if project else None,
                           "role": project_role})
        _send(invitation, request)
        created.append(invitation)
    return created


def _lock(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().get(pk=invitation.pk)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor, request=None) -> Invitation:
    """Send the invitation again with a new link (the old one stops working) and a new
    expiry. Refused for a used or revoked invitation."""
    invitation = _lock(invitation)
    if invitation.accepted_at:
        raise ValidationError(_("Cette invitation a déjà été acceptée."))
    if invitation.revoked_at:
        raise ValidationError(_("Cette invitation a été révoquée : invitez à nouveau la "
                                "personne."))
    invitation.token = new_token()
    invitation.expires_at = invitation_expiry()
    invitation.last_sent_at = timezone.now()
    invitation.send_count += 1
    invitation.save(update_fields=["token", "expires_at", "last_sent_at", "send_count"])
    audit_record(actor=actor, action=AuditEvent.Action.INVITATION_RESENT, obj=invitation,
                 data={"email": invitation.email})
    _send(invitation, request)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    invitation = _lock(invitation)
    if invitation.accepted_at:
        raise ValidationError(_("Cette invitation a déjà été acceptée : désactivez plutôt le "
                                "compte depuis l'annuaire."))
    if invitation.revoked_at:
        raise ValidationError(_("Cette invitation est déjà révoquée."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=AuditEvent.Action.INVITATION_REVOKED, obj=invitation,
                 data={"email": invitation.email})
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, first_name: str = "",
                      last_name: str = "") -> Member:
    """The invited person created their account: create their member profile, give the
    project role the invitation carries, mark it used (once: the row is locked)."""
    invitation = _lock(invitation)
    if not invitation.is_usable:
        raise ValidationError(_("Cette invitation n'est plus valable."))
    member, _created = Member.objects.get_or_create(user=user, defaults={
        "first_name": first_name or invitation.first_name or user.email.split("@")[0],
        "last_name": last_name or invitation.last_name,
        "home_place": invitation.home_place})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(actor=user, action=AuditEvent.Action.INVITATION_ACCEPTED, obj=invitation,
                 data={"email": invitation.email, "member": member.pk})
    project = invitation.project
    if project is not None and invitation.project_role and project.phase != Project.Phase.CLOSED:
        role, _new = ProjectRole.objects.get_or_create(
            project=project, member=member, defaults={"role": invitation.project_role})
        audit_record(actor=invitation.invited_by, action=AuditEvent.Action.ROLE_CHANGED,
                     obj=role, project=project,
                     reason=_("Rôle donné par l'invitation"),
                     data={"member": member.pk, "role": role.role, "invitation": invitation.pk})
    return member
