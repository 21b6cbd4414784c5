"""A contributor asks for an envelope adjustment; a pilot accepts or refuses it."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from contribbudget import limits
from contribbudget.limits import check_length, length_error
from contribbudget.links import absolute_url
from contribbudget.models import AuditEvent, Member
from contribbudget.permissions import ensure_can_request_adjustment
from contribbudget.services import audit_record
from contribbudget.tasks import send_email

from ..models import (
    AdjustmentRequest,
    Envelope,
    ProjectRole,
)
from .checks import _lock_project, _money
from .envelopes import envelope_adjust

# --- Adjustment requests ---------------------------------------------------------------------

def _envelope_url(envelope: Envelope) -> str:
    return absolute_url(reverse("projects:envelope_detail", args=[envelope.pk]))


@transaction.atomic
def adjustment_request_create(*, envelope: Envelope, requested_by: Member, delta,
                              work_estimate: str, reason: str) -> AdjustmentRequest:
    """A team member proposes to adjust an envelope; the project's pilots are emailed."""
    project = _lock_project(envelope.project_id)
    ensure_can_request_adjustment(requested_by, project)
    delta = _money(delta, "delta")
    errors = {}
    if delta == 0:
        errors["delta"] = [_("Indiquez un montant différent de 0 €.")]
    if not (work_estimate or "").strip():
        errors["work_estimate"] = [_("Estimez le travail : combien d'heures, pour quoi ?")]
    if not (reason or "").strip():
        errors["reason"] = [_("Indiquez le motif de la demande.")]
    check_length((work_estimate or "").strip(), limits.WORK_ESTIMATE, "work_estimate",
                 lambda name, message: errors.setdefault(name, []).append(message))
    check_length((reason or "").strip(), limits.REASON, "reason",
                 lambda name, message: errors.setdefault(name, []).append(message))
    if errors:
        raise ValidationError(errors)
    request = AdjustmentRequest.objects.create(
        envelope=envelope, requested_by=requested_by, delta=delta,
        work_estimate=work_estimate.strip(), reason=reason.strip())
    audit_record(actor=requested_by.user, action=AuditEvent.Action.ADJUSTMENT_REQUESTED,
                 obj=request, project=project, reason=request.reason,
                 data={"envelope": envelope.pk, "delta": str(delta)})
    pilots = list(Member.objects.filter(
        project_roles__project=project, project_roles__role=ProjectRole.Role.PILOT)
        .exclude(pk=requested_by.pk).values_list("user__email", flat=True))
    if pilots:
        body = render_to_string("emails/projects_request_created.txt", {
            "request": request, "envelope": envelope, "project": project,
            "link": _envelope_url(envelope)})
        subject = _("Demande d'ajustement : %(envelope)s (%(project)s)") % {
            "envelope": envelope.name, "project": project.name}
        send_email.delay_on_commit(subject, body, pilots)  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery ≥ 5.4)
    return request


@transaction.atomic
def adjustment_request_decide(*, request: AdjustmentRequest, decided_by: Member, accept: bool,
                              comment: str = "") -> AdjustmentRequest:
    """Accept (the request becomes an adjustment, through :func:`envelope_adjust`, so every
    budget rule holds) or decline with a comment. The requester is emailed either way."""
    project = _lock_project(request.envelope.project_id)
    request = AdjustmentRequest.objects.select_for_update().select_related(
        "envelope", "requested_by__user").get(pk=request.pk)
    if request.status != AdjustmentRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Expliquez le refus à la personne qui a fait la "
                                            "demande.")})
    too_long = length_error(comment, limits.COMMENT)
    if too_long:
        raise ValidationError({"comment": too_long})
    if accept:
        reason = _("Demande de %(who)s acceptée : %(reason)s") % {
            "who": request.requested_by.full_name, "reason": request.reason}
        if comment:
            reason += f" — {comment}"
        # The full texts stay on the request; the adjustment's reason quotes them within
        # the one limit every reason has.
        reason = Truncator(reason).chars(limits.REASON)
        envelope_adjust(envelope=request.envelope, delta=request.delta, reason=reason,
                        author=decided_by.user, request=request)
    request.status = (AdjustmentRequest.Status.ACCEPTED if accept
                      else AdjustmentRequest.Status.DECLINED)
    request.decided_by = decided_by
    request.decision_comment = comment
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decision_comment", "decided_at"])
    audit_record(actor=decided_by.user, action=AuditEvent.Action.ADJUSTMENT_DECIDED,
                 obj=request, project=project, reason=comment,
                 data={"status": request.status, "delta": str(request.delta)})
    body = render_to_string("emails/projects_request_decided.txt", {
        "request": request, "envelope": request.envelope, "project": project,
        "link": _envelope_url(request.envelope)})
    subject = _("Votre demande d'ajustement : %(status)s") % {
        "status": request.get_status_display().lower()}
    send_email.delay_on_commit(subject, body, [request.requested_by.user.email])  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery ≥ 5.4)
    return request

