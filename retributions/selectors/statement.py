"""A contributor statement's figures: their line in a run, the contributions it covers, the payee."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from contribbudget.models import Member, NetworkSettings
from contributions.models import Contribution

from ..models import RetributionLine, RetributionRun

# --- Contributor statement -----------------------------------------------------------------

@dataclass
class Payee:
    """Who receives the money of a line, and whether they can be sent an invoice request."""

    kind: str  # "self", "place" or "none"
    name: str
    siret: str
    address: str

    @property
    def can_invoice(self) -> bool:
        return self.kind in ("self", "place") and bool(self.siret)


def payee_of(line: RetributionLine) -> Payee:
    member = line.member
    if line.payee == RetributionLine.Payee.PLACE:
        place = line.payee_place or member.home_place
        if place is None:
            return Payee("place", "", "", "")
        address = "\n".join(x for x in (place.address, place.city) if x)
        return Payee("place", place.name, place.siret, address)
    if line.payee == RetributionLine.Payee.SELF:
        return Payee("self", member.full_name, member.siret, member.address)
    return Payee("none", member.full_name, "", "")


def statement_line(run: RetributionRun, member: Member) -> RetributionLine | None:
    return (RetributionLine.objects.filter(run=run, member=member)
            .select_related("member__home_place", "member__user", "payee_place").first())


def statement_data(run: RetributionRun, member: Member) -> dict:
    """A member's line in a run, the contributions it covers, and who is paid (4 queries)."""
    run = RetributionRun.objects.select_related("envelope__project").get(pk=run.pk)
    line = statement_line(run, member)
    contributions = [dict(c) for c in (
        Contribution.objects.filter(retributed_in=run, member=member)
        .order_by("date", "pk").values("date", "hours", "kind", "description", "salaried"))]
    kind_labels: dict[object, object] = dict(Contribution.Kind.choices)
    for c in contributions:
        c["kind_label"] = str(kind_labels.get(c["kind"], c["kind"]))
    hours_by_kind = []
    if line is not None:
        hours_by_kind = [{"label": str(kind_labels.get(k, k)), "hours": Decimal(str(v))}
                         for k, v in sorted((line.hours_by_kind or {}).items())]
    return {"run": run, "project": run.envelope.project, "envelope": run.envelope,
            "member": member, "line": line, "contributions": contributions,
            "hours_by_kind": hours_by_kind,
            "payee": payee_of(line) if line is not None else None,
            "network_name": NetworkSettings.load().name}

