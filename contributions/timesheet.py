"""The week timesheet: a grid of days × (envelope, kind) rows for one member.

A cell holds the hours of one contribution. A cell is editable when it is empty or holds
exactly one draft; submitted, validated, refused or retributed work is shown but locked
(it is changed from its own page). Saving goes through the same services as the quick log,
in one transaction: if any cell breaks a rule, nothing is written and every error is shown
next to its cell, with what the member typed kept.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.models import Member
from projects.models import Envelope

from . import services
from .models import Contribution
from .parsing import ParseError, parse_hours
from .selectors import envelopes_for_logging

DAYS = 7
TIMESHEET_KINDS = [k for k in Contribution.Kind.choices if k[0] != Contribution.Kind.CREATIVE]


@dataclass
class Cell:
    date: datetime.date
    value: str = ""
    contribution: Contribution | None = None
    locked: bool = False
    future: bool = False
    errors: list[str] = field(default_factory=list)
    others: int = 0
    # Stored hours that count (refused work excluded), for a locked cell's totals.
    counted: Decimal = Decimal("0")

    def hours_for_totals(self) -> Decimal:
        """What this cell adds to its row and day: refused hours never count (the 24 h
        rule and the dashboard leave them out too). Raises ParseError on a typo."""
        if self.locked:
            return self.counted
        return parse_hours(self.value) if self.value else Decimal("0")


@dataclass
class Row:
    envelope: Envelope | None
    kind: str
    description: str = ""
    cells: list[Cell] = field(default_factory=list)
    is_new: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        total = Decimal("0")
        for cell in self.cells:
            try:
                total += cell.hours_for_totals()
            except ParseError:
                continue
        return total

    @property
    def kind_label(self) -> str:
        return str(dict(Contribution.Kind.choices).get(self.kind, self.kind))

    @property
    def key(self) -> str:
        return f"{self.envelope.pk if self.envelope else ''}:{self.kind}"


def week_days(monday: datetime.date) -> list[datetime.date]:
    return [monday + datetime.timedelta(days=i) for i in range(DAYS)]


def build_rows(member: Member, monday: datetime.date, blank_rows: int = 1) -> list[Row]:
    """The grid as stored (one query for the week's contributions)."""
    today = timezone.localdate()
    days = week_days(monday)
    found = list(Contribution.objects.filter(member=member, date__gte=days[0], date__lte=days[-1])
                 .select_related("envelope__project").order_by("envelope__project__name",
                                                               "envelope_id", "kind", "date", "pk"))
    rows: dict[tuple, Row] = {}
    by_cell: dict[tuple, list[Contribution]] = {}
    for c in found:
        key = (c.envelope_id, c.kind)
        if key not in rows:
            rows[key] = Row(envelope=c.envelope, kind=c.kind, description=c.description)
        by_cell.setdefault((key, c.date), []).append(c)
    out = []
    for key, row in rows.items():
        for day in days:
            cell = Cell(date=day, future=day > today)
            items = by_cell.get((key, day), [])
            if items:
                # A cell may mix refused rows with counted ones: it shows (and counts) the
                # counted hours, and the refused ones only when nothing else is there.
                counted = [c for c in items if c.status != Contribution.Status.REJECTED]
                shown = counted or items
                cell.counted = sum((c.hours for c in counted), Decimal("0"))
                cell.value = _plain(sum((c.hours for c in shown), Decimal("0")))
                cell.contribution = shown[0]
                cell.others = len(items) - 1
                cell.locked = len(items) > 1 or items[0].status != Contribution.Status.DRAFT
            row.cells.append(cell)
        out.append(row)
    for _i in range(blank_rows):
        out.append(blank_row(monday))
    return out


def blank_row(monday: datetime.date) -> Row:
    today = timezone.localdate()
    return Row(envelope=None, kind=Contribution.Kind.PRODUCTION, is_new=True,
               cells=[Cell(date=d, future=d > today) for d in week_days(monday)])


def _plain(hours: Decimal) -> str:
    text = f"{hours:f}".rstrip("0").rstrip(".") if "." in f"{hours:f}" else f"{hours:f}"
    return text.replace(".", ",")


def rows_from_post(member: Member, monday: datetime.date, post) -> list[Row]:
    """Rebuild the grid from the stored rows, then lay over it what the member typed."""
    stored = {row.key: row for row in build_rows(member, monday, blank_rows=0)}
    allowed = {str(e.pk): e for e in envelopes_for_logging(member)}
    try:
        count = min(int(post.get("rows", 0)), 60)
    except ValueError:
        count = 0
    out: list[Row] = []
    for i in range(count):
        prefix = f"r{i}-"
        envelope_id = post.get(prefix + "envelope", "")
        kind = post.get(prefix + "kind", Contribution.Kind.PRODUCTION)
        key = f"{envelope_id}:{kind}"
        row = stored.pop(key, None)
        if row is None:
            row = blank_row(monday)
            row.envelope = allowed.get(envelope_id)
            row.kind = kind if kind in Contribution.Kind.values else Contribution.Kind.PRODUCTION
            if envelope_id and row.envelope is None:
                row.errors.append(_("Choisissez une enveloppe d'un de vos projets."))
        row.description = post.get(prefix + "description", row.description).strip()
        for j, cell in enumerate(row.cells):
            if not cell.locked and not cell.future:
                cell.value = post.get(f"{prefix}d{j}", cell.value).strip()
        out.append(row)
    # Stored rows the form did not send (another tab added them) stay as they are.
    out.extend(stored.values())
    return out


class TimesheetError(Exception):
    def __init__(self, rows: list[Row]):
        super().__init__("timesheet has errors")
        self.rows = rows


def timesheet_save(*, member: Member, actor, monday: datetime.date, rows: list[Row],
                   submit: bool = False) -> dict:
    """Write the grid: create, change or delete draft cells; with ``submit``, submit every
    draft of the week. All or nothing: on any error :class:`TimesheetError` carries the rows
    with their errors and nothing is written."""
    has_errors = False
    created = updated = deleted = submitted = 0
    with transaction.atomic():
        operations = []
        for row in rows:
            has_errors |= bool(row.errors)
            typed = any(c.value for c in row.cells if not c.locked and not c.future
                        and c.contribution is None)
            if row.envelope is None:
                if typed:
                    row.errors.append(_("Choisissez le projet et l'enveloppe de cette ligne."))
                    has_errors = True
                continue
            for cell in row.cells:
                if cell.locked:
                    continue
                old = cell.contribution.hours if cell.contribution else None
                if not cell.value:
                    new = None
                else:
                    try:
                        new = parse_hours(cell.value)
                    except ParseError as error:
                        cell.errors.append(str(error))
                        has_errors = True
                        continue
                if cell.future and new is not None and old is None:
                    cell.errors.append(_("La date ne peut pas être dans le futur."))
                    has_errors = True
                    continue
                if new == old and (cell.contribution is None
                                   or cell.contribution.description == row.description
                                   or not row.description):
                    continue
                operations.append((row, cell, old, new))
        # Decreases first, so moving hours between two rows of one day never trips the
        # 24 h rule half-way.
        operations.sort(key=lambda op: (op[3] or Decimal("0")) - (op[2] or Decimal("0")))
        for row, cell, _old, new in operations:
            try:
                if new is None:
                    assert cell.contribution is not None  # only a filled cell is emptied
                    services.contribution_delete(contribution=cell.contribution, actor=actor)
                    deleted += 1
                elif cell.contribution is None:
                    assert row.envelope is not None  # rows without an envelope are refused
                    services.contribution_create(
                        member=member, actor=actor, project=row.envelope.project,
                        envelope=row.envelope, date=cell.date, hours=new, kind=row.kind,
                        description=row.description)
                    created += 1
                else:
                    services.contribution_update(contribution=cell.contribution, actor=actor,
                                                 hours=new,
                                                 description=row.description
                                                 or cell.contribution.description)
                    updated += 1
            except ValidationError as error:
                has_errors = True
                _place_errors(row, cell, error)
        if not has_errors and submit:
            days = week_days(monday)
            drafts = Contribution.objects.filter(member=member, date__gte=days[0],
                                                 date__lte=days[-1],
                                                 status=Contribution.Status.DRAFT)
            try:
                submitted = services.contributions_submit_bulk(
                    member=member, ids=list(drafts.values_list("pk", flat=True)), actor=actor)
            except ValidationError as error:
                has_errors = True
                rows[0].errors.extend(error.messages) if rows else None
        if has_errors:
            transaction.set_rollback(True)
    if has_errors:
        raise TimesheetError(rows)
    return {"created": created, "updated": updated, "deleted": deleted, "submitted": submitted}


def _place_errors(row: Row, cell: Cell, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        cell.errors.extend(error.messages)
        return
    for name, messages in error.message_dict.items():
        if name in ("hours", "date"):
            cell.errors.extend(messages)
        else:
            for message in messages:
                if message not in row.errors:
                    row.errors.append(message)


def column_totals(rows: list[Row]) -> list[Decimal]:
    """Hours per day of the grid as shown (a week: at most a few dozen cells), refused work
    excluded, so the totals follow what the member typed when the page comes back with
    errors."""
    totals = [Decimal("0")] * DAYS
    for row in rows:
        for j, cell in enumerate(row.cells):
            try:
                totals[j] += cell.hours_for_totals()
            except ParseError:
                continue
    return totals
