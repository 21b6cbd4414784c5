"""What a project's chat hears (DESIGN §12): a daily digest of the hours submitted,
validated and refused, and announcements of runs computed or approved and funder reports
ready. Read from the audit trail and the runs' and documents' own dates, so nothing has to
remember to notify: a window ``(since, until]`` per webhook is claimed by a conditional
update, which makes each event told once even when two beat processes overlap.

This module reads the contributions and retributions models: it sits above them (only the
tasks import it).
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contribbudget.models import AuditEvent
from contribbudget.money import format_date, format_hours, format_money
from contributions.models import Contribution
from retributions.models import Document, RetributionRun

from .webhook_models import ProjectWebhook

Window = tuple[datetime.datetime, datetime.datetime]


def claim_window(webhook: ProjectWebhook, field: str,
                 now: datetime.datetime | None = None) -> Window | None:
    """Move the webhook's cursor ``field`` to now; the window it covered, or None when
    another process moved it first."""
    now = now or timezone.now()
    since = getattr(webhook, field)
    claimed = ProjectWebhook.objects.filter(pk=webhook.pk, **{field: since}).update(
        **{field: now})
    return (since, now) if claimed else None


def _contributions_in(project_id: int, action: str, window: Window) -> tuple[int, Decimal]:
    ids = set(AuditEvent.objects.filter(project_id=project_id, action=action,
                                        object_type="contributions.contribution",
                                        created_at__gt=window[0], created_at__lte=window[1])
              .values_list("object_id", flat=True))
    if not ids:
        return 0, Decimal("0")
    hours = Contribution.objects.filter(pk__in=[int(i) for i in ids]).aggregate(
        total=Sum("hours"))["total"] or Decimal("0")
    return len(ids), hours


def digest_text(webhook: ProjectWebhook, window: Window) -> str | None:
    """The day's digest, or None when nothing happened (no message for an empty day)."""
    project = webhook.project
    with translation.override(settings.LANGUAGE_CODE):
        submitted = _contributions_in(project.pk, AuditEvent.Action.CONTRIBUTION_SUBMITTED,
                                      window)
        validated = _contributions_in(project.pk, AuditEvent.Action.CONTRIBUTION_VALIDATED,
                                      window)
        refused = _contributions_in(project.pk, AuditEvent.Action.CONTRIBUTION_REJECTED, window)
        if not (submitted[0] or validated[0] or refused[0]):
            return None
        lines = [_("Résumé du jour — %(project)s") % {"project": project.name}]
        for (count, hours), label in ((submitted, _("soumise(s)")),
                                      (validated, _("validée(s)")),
                                      (refused, _("refusée(s)"))):
            if count:
                lines.append("• " + ngettext("%(n)s contribution %(label)s (%(hours)s)",
                                             "%(n)s contributions %(label)s (%(hours)s)",
                                             count)
                             % {"n": count, "label": label, "hours": format_hours(hours)})
        if submitted[0]:
            lines.append(_("À valider : %(url)s")
                         % {"url": settings.SITE_URL + reverse("contributions:validation")})
        return "\n".join(lines)


def announcements(webhook: ProjectWebhook, window: Window) -> list[str]:
    """One message per run computed or approved and per funder report ready."""
    project = webhook.project
    since, until = window
    out = []
    with translation.override(settings.LANGUAGE_CODE):
        runs = (RetributionRun.objects.filter(envelope__project=project)
                .select_related("envelope"))
        for run in runs.filter(computed_at__gt=since, computed_at__lte=until):
            out.append(_("Calcul de rétribution prêt à relire — %(project)s · %(envelope)s, "
                         "du %(start)s au %(end)s : %(amount)s à répartir. %(url)s") % {
                "project": project.name, "envelope": run.envelope.name,
                "start": format_date(run.period_start),
                "end": format_date(run.period_end),
                "amount": format_money(run.distributed),
                "url": settings.SITE_URL + reverse("retributions:run_detail", args=[run.pk])})
        for run in runs.filter(approved_at__gt=since, approved_at__lte=until):
            out.append(_("Rétribution approuvée — %(project)s · %(envelope)s : %(amount)s "
                         "distribués.") % {"project": project.name,
                                           "envelope": run.envelope.name,
                                           "amount": format_money(run.distributed)})
        for document in Document.objects.filter(
                project=project, kind=Document.Kind.FUNDER_REPORT,
                status=Document.Status.READY, finished_at__gt=since, finished_at__lte=until):
            out.append(_("Bilan financeur prêt — %(project)s. %(url)s") % {
                "project": project.name,
                "url": settings.SITE_URL + reverse("retributions:document_detail",
                                                   args=[document.pk])})
    return out
