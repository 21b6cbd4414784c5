"""Writes about a project's fundings after it was set up: add, change or remove a grant
line. The budget is the sum of the fundings and the envelopes never exceed it (DESIGN.md
§3), so every change locks the project row (the envelope services queue on it too), checks
the new budget against what the envelopes hold, writes, and audits — in one transaction."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent
from contribbudget.money import format_money
from contribbudget.services import audit_record

from .models import Adjustment, Funding, Project
from .montage import check_funding_period
from .montage import lock_project as _lock_project
from .selectors import project_budget as _budget


def _allocated(project_id: int) -> Decimal:
    """What the project's envelopes hold (sum of their adjustments)."""
    return Adjustment.objects.filter(envelope__project_id=project_id).aggregate(
        t=Sum("delta"))["t"] or Decimal("0.00")

FUNDING_FIELDS = ("funder", "reference", "amount", "start", "end")


def _check(project: Project, funding: Funding, new_budget: Decimal) -> None:
    errors: dict[str, list[str]] = {}
    if not funding.funder.strip():
        errors.setdefault("funder", []).append(_("Indiquez le financeur."))
    if not funding.reference.strip():
        errors.setdefault("reference", []).append(_("Indiquez la référence de la convention."))
    elif (Funding.objects.filter(project=project, reference__iexact=funding.reference.strip())
          .exclude(pk=funding.pk).exists()):
        errors.setdefault("reference", []).append(
            _("Un autre financement du projet a déjà la référence « %(ref)s ».")
            % {"ref": funding.reference})
    if funding.amount is None or funding.amount <= 0:
        errors.setdefault("amount", []).append(
            _("Le montant doit être positif : pour retirer ce financement, supprimez-le."))
    elif funding.amount != funding.amount.quantize(Decimal("0.01")):
        errors.setdefault("amount", []).append(_("Un montant s'exprime au centime près."))
    period = check_funding_period(project.start, project.end, funding.start, funding.end,
                                  _("Période éligible"))
    if period:
        errors.setdefault("end", []).extend(period)
    if errors:
        raise ValidationError(errors)
    _check_envelopes_fit(project, new_budget, "amount")


def _check_envelopes_fit(project: Project, new_budget: Decimal, field: str) -> None:
    allocated = _allocated(project.pk)
    if allocated > new_budget:
        raise ValidationError({field: _(
            "Les enveloppes du projet totalisent %(allocated)s : le budget passerait à "
            "%(budget)s. Baissez d'abord les enveloppes de %(over)s (ajustement négatif ou "
            "virement), puis modifiez le financement.") % {
            "allocated": format_money(allocated), "budget": format_money(new_budget),
            "over": format_money(allocated - new_budget)}})


@transaction.atomic
def funding_create(*, project: Project, author, funder: str, reference: str, amount: Decimal,
                   start: datetime.date, end: datetime.date) -> Funding:
    project = _lock_project(project.pk)
    funding = Funding(project=project, funder=(funder or "").strip(),
                      reference=(reference or "").strip(), amount=amount, start=start, end=end)
    _check(project, funding, _budget(project) + (amount or 0))
    funding.save()
    audit_record(actor=author, action=AuditEvent.Action.FUNDING_CHANGED, obj=funding,
                 project=project, data={"created": {"funder": funding.funder,
                                                    "reference": funding.reference,
                                                    "amount": str(amount)}})
    return funding


@transaction.atomic
def funding_update(*, funding: Funding, author, **changes) -> Funding:
    """Change a funding's funder, reference, amount or period. A lower amount is refused
    when the envelopes would then hold more than the budget."""
    unknown = set(changes) - set(FUNDING_FIELDS)
    if unknown:
        raise ValueError(f"not a funding field: {sorted(unknown)}")
    project = _lock_project(funding.project_id)
    funding = Funding.objects.get(pk=funding.pk)
    before = {k: getattr(funding, k) for k in changes}
    old_amount = funding.amount
    for name, value in changes.items():
        setattr(funding, name, value.strip() if isinstance(value, str) else value)
    new_budget = _budget(project) - old_amount + (funding.amount or 0)
    _check(project, funding, new_budget)
    funding.save()
    audit_record(actor=author, action=AuditEvent.Action.FUNDING_CHANGED, obj=funding,
                 project=project,
                 data={k: [str(before[k]), str(getattr(funding, k))] for k in changes
                       if before[k] != getattr(funding, k)})
    return funding


@transaction.atomic
def funding_delete(*, funding: Funding, author) -> None:
    """Remove a funding, unless the envelopes then hold more than the budget left."""
    project = _lock_project(funding.project_id)
    funding = Funding.objects.get(pk=funding.pk)
    _check_envelopes_fit(project, _budget(project) - funding.amount, "__all__")
    data = {"deleted": {"funder": funding.funder, "reference": funding.reference,
                        "amount": str(funding.amount)}}
    audit_record(actor=author, action=AuditEvent.Action.FUNDING_CHANGED, obj=funding,
                 project=project, data=data)
    funding.delete()
