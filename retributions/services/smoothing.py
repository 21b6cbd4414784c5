"""Smoothing rounds (DESIGN.md §4): members who feel under-paid ask to be considered; the
pilot or a coordinator then distributes the project's smoothing reserve with the ``balanced``
rule over the members they select.

The reserve is the project's reserve-kind envelope: surplus that runs send to the reserve
arrives there as a transfer (see ``services.runs``), so the pool of a round is simply that
envelope's available amount. A round is a :class:`RetributionRun` of kind ``smoothing`` on the
reserve envelope, computed by the same task, approved by the same service (which writes a
``reserve_drawn`` ledger entry and marks no contribution retributed).
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contribbudget.models import Member
from projects.models import Envelope, Project

from .. import selectors_runs as sel
from ..models import RetributionRun, SmoothingRequest
from .runs import _check_period, _insert_run, _refuse_open_overlap, enqueue_compute


@transaction.atomic
def smoothing_request_create(*, member: Member, project: Project, period_start: datetime.date,
                             period_end: datetime.date, reason: str) -> SmoothingRequest:
    """A member asks, with a short reason, to be considered in the period's smoothing round."""
    _check_period(period_start, period_end)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Dites en quelques mots pourquoi vous demandez un "
                                           "lissage.")})
    if not project.contributions.filter(member=member).exists():
        raise ValidationError({"project": _("Vous n'avez pas contribué à ce projet.")})
    request = SmoothingRequest(member=member, project=project, period_start=period_start,
                               period_end=period_end, reason=reason[:500])
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(_("Vous avez déjà demandé un lissage pour ce projet et cette "
                                "période.")) from exc
    return request


def reserve_envelope(project: Project) -> Envelope | None:
    return project.envelopes.filter(kind=Envelope.Kind.RESERVE).order_by("pk").first()


@transaction.atomic
def smoothing_run_create(*, actor, project: Project, period_start: datetime.date,
                         period_end: datetime.date, members: Iterable[Member]) -> RetributionRun:
    """Queue a smoothing round of ``project``'s reserve over the selected members."""
    _check_period(period_start, period_end)
    members = list(members)
    if not members:
        raise ValidationError({"members": _("Choisissez au moins une personne.")})
    envelope = reserve_envelope(project)
    if envelope is None:
        raise ValidationError(_("Ce projet n'a pas de réserve de lissage."))
    Envelope.objects.select_for_update().filter(pk=envelope.pk).first()
    if sel.envelope_available(envelope.pk) <= 0:
        raise ValidationError(_("La réserve de lissage de ce projet est vide."))
    _refuse_open_overlap(envelope, RetributionRun.Kind.SMOOTHING, period_start, period_end)
    run = _insert_run(actor=actor, envelope=envelope, kind=RetributionRun.Kind.SMOOTHING,
                      period_start=period_start, period_end=period_end, parameters={},
                      rule=Envelope.Rule.BALANCED)
    run.selected_members.set(members)
    enqueue_compute(run)
    return run
