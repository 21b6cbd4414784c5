"""Review by pilots: the queue of submitted contributions, grouped by person and week, with
bulk validation and refusal with a comment."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contribbudget.permissions import get_member_for
from contribbudget.querystring import id_param

from .. import selectors, services
from ..forms import RejectForm
from .common import member_or_404

PAGE_SIZE = 100


@login_required
def validation(request):
    get_member_for(request.user, action="review")
    queue = selectors.validation_queue(request.user)
    project = id_param(request.GET.get("project"))
    if project is not None:
        queue = queue.filter(project_id=project)
    totals = selectors.queue_group_totals(queue)
    paginator = Paginator(queue.values_list("pk", flat=True), PAGE_SIZE)
    paginator.count = sum(n for n, _hours in totals.values())  # the groups' sum: no COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.queue_rows(selectors.queue_page(page.object_list))
    for row in rows:
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        row["week_start"] = week
        row["group_key"] = f"{row['member_id']}-{week.isoformat()}"
        row["group_count"], row["group_hours"] = totals.get((row["member_id"], week), (0, 0))
    return render(request, "contributions/validation.html", {
        "page": page, "rows": rows, "reject_form": RejectForm(),
        "projects": selectors.reviewable_projects(request.user).order_by("name"),
        "project": str(project) if project is not None else "",
    })


@login_required
@require_POST
def validate_bulk(request):
    """Validate or refuse the ticked contributions; all or none."""
    member_or_404(request)
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
    action = request.POST.get("action")
    back = request.POST.get("next", "")
    target = back if back.startswith("/") and not back.startswith("//") else None
    if action not in ("validate", "reject"):
        messages.error(request, _("Action inconnue."))
    elif not ids:
        messages.warning(request, _("Cochez au moins une contribution."))
    else:
        try:
            n = services.contributions_review_bulk(actor=request.user, ids=ids, action=action,
                                                   comment=request.POST.get("comment", ""))
        except ValidationError as error:
            messages.error(request, _("Rien n'a été modifié. ") + " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("Rien n'a été modifié : vous ne pouvez pas valider une "
                                      "de ces contributions (la vôtre, ou celle d'un projet que "
                                      "vous ne pilotez pas)."))
            return render(request, "403.html", status=403)
        else:
            if action == "validate":
                messages.success(request, _("%(n)s contribution(s) validée(s).") % {"n": n})
            else:
                messages.success(request, _("%(n)s contribution(s) refusée(s) ; les personnes "
                                            "sont prévenues par courriel.") % {"n": n})
    return redirect(target or "contributions:validation")
