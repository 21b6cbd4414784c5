"""Coordination grains: a member's coordination time budget on a field of action."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, FieldOfAction, Member
from contribbudget.money import format_date
from contribbudget.permissions import ensure_can_create_grain
from contribbudget.services import audit_record

from ..grain_rules import grain_holder_check
from ..models import (
    CoordinationGrain,
    Envelope,
    Project,
)
from .checks import _lock_project

# --- Coordination grains ---------------------------------------------------------------------

@transaction.atomic
def grain_create(*, author, member: Member, field: FieldOfAction, project: Project,
                 envelope: Envelope, start, end,
                 mode: str = CoordinationGrain.Mode.CONTRIBUTIVE,
                 yearly_cost: Decimal | None = None,
                 fte_drive: Decimal = CoordinationGrain.DRIVE_FTE,
                 fte_contribute: Decimal = CoordinationGrain.CONTRIBUTE_FTE) -> CoordinationGrain:
    """A coordinator gives ``member`` a 0.3-FTE grain (0.2 driving ``project`` + 0.1 to
    contribute elsewhere) on ``field`` for a period, paid from ``envelope`` of ``project``.
    A member may hold several grains (several fields or periods)."""
    ensure_can_create_grain(author)
    project = _lock_project(project.pk)
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if (Decimal(str(fte_drive)) != CoordinationGrain.DRIVE_FTE
            or Decimal(str(fte_contribute)) != CoordinationGrain.CONTRIBUTE_FTE):
        add("fte_drive", _("Un grain de coordination vaut 0,3 ETP : 0,2 pour piloter un projet "
                           "et 0,1 pour contribuer ailleurs."))
    if start and end and end <= start:
        add("end", _("La fin doit être après le début."))
    if start and start < field.start:
        add("start", _("Le grain ne peut pas commencer avant le champ d'action « %(field)s » "
                       "(%(date)s).") % {"field": field.name,
                                        "date": format_date(field.start)})
    if end and field.end and end > field.end:
        add("end", _("Le grain ne peut pas finir après le champ d'action « %(field)s » "
                     "(%(date)s).") % {"field": field.name, "date": format_date(field.end)})
    if envelope.project_id != project.pk:
        add("envelope", _("L'enveloppe qui paie le grain doit appartenir au projet piloté "
                          "(« %(project)s »).") % {"project": project.name})
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one grain at a time
    grain_holder_check(member=member, field=field, project=project, start=start, end=end, add=add)
    if mode == CoordinationGrain.Mode.SALARIED and not yearly_cost:
        add("yearly_cost", _("Un grain salarié a un coût annuel."))
    if yearly_cost is not None and yearly_cost < 0:
        add("yearly_cost", _("Le coût annuel ne peut pas être négatif."))
    if errors:
        raise ValidationError(errors)
    grain = CoordinationGrain(member=member, field=field, project=project, envelope=envelope,
                              start=start, end=end, mode=mode,
                              yearly_cost=yearly_cost if mode == CoordinationGrain.Mode.SALARIED
                              else None,
                              fte_drive=CoordinationGrain.DRIVE_FTE,
                              fte_contribute=CoordinationGrain.CONTRIBUTE_FTE)
    grain.full_clean()
    grain.save()
    audit_record(actor=author, action=AuditEvent.Action.GRAIN_CREATED, obj=grain, project=project,
                 data={"member": member.pk, "field": field.pk, "envelope": envelope.pk,
                       "start": start.isoformat(), "end": end.isoformat(), "mode": mode})
    return grain
