"""Rules about who may hold which coordination grain (DESIGN.md §1, §3), apart from
``grain_create`` so every path that creates a grain asks the same questions.

- One grain per member, field of action and period: a second one on an overlapping period
  would count the same 0.3 FTE twice (the database also refuses two grains with the same
  member, field and start: constraint ``grain_one_per_member_field_start``).
- The 0.2 "drive" part is the thread of the holder's engagement on one project: the holder
  must pilot that project.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contribbudget.models import FieldOfAction, Member

from .models import CoordinationGrain, Project, ProjectRole


def grain_holder_check(*, member: Member, field: FieldOfAction, project: Project,
                       start: datetime.date | None, end: datetime.date | None,
                       add: Callable[[str, str], None]) -> None:
    """Report each broken rule through ``add(field_name, message)``. The caller holds the
    lock on the project and the member (so two requests cannot both pass)."""
    if start and end:
        overlapping = (CoordinationGrain.objects.filter(member=member, field=field,
                                                        start__lte=end, end__gte=start)
                       .order_by("start").first())
        if overlapping is not None:
            add("start", _("%(member)s a déjà un grain sur le champ d'action « %(field)s » "
                           "du %(start)s au %(end)s : un seul grain par personne, champ et "
                           "période.") % {
                "member": member.full_name, "field": field.name,
                "start": date_format(overlapping.start, "j F Y"),
                "end": date_format(overlapping.end, "j F Y")})
    pilots = ProjectRole.objects.filter(project=project, member=member,
                                        role=ProjectRole.Role.PILOT)
    if not pilots.exists():
        add("project", _("%(member)s ne pilote pas le projet « %(project)s » : la part "
                         "« pilotage » (0,2 ETP) d'un grain va à un projet que la personne "
                         "pilote. Nommez-la d'abord pilote du projet.")
            % {"member": member.full_name, "project": project.name})
