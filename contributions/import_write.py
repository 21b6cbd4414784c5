"""Writing a checked import in bulk (issue 15, point 3).

The form service writes one contribution with about nine queries (savepoint, member lock,
idempotency look-up, team, the day's hours, insert, team join, audit, release): 4–6 ms a
row, 45 s for a 10,000-row file. An import applies the same rules to the whole file at once
instead: :func:`contributions.imports.analyse_rows` reads what the rules need in a few
queries and runs ``services.contribution_check`` on every row in Python, under the member
locks the form service takes; this module then writes the rows it accepted with
``bulk_create``, in batches, with exactly what ``services.contribution_create`` writes for
each of them:

- the contribution, built by ``services.contribution_new`` (submitted, ``created_by`` the
  importer, the row's ``import_key``);
- its "submitted" audit event, built by ``services.submitted_event``;
- for a member outside the team of an open project, the team join of
  ``projects.teams.join_on_contribution`` (once per member and project: the service's
  ``get_or_create`` creates it on the first row only).

The caller holds the transaction: everything is written, or nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from contribbudget.models import AuditEvent
from contribbudget.permissions import member_of
from projects.teams import join_on_contribution

from . import services
from .models import Contribution

BATCH_ROWS = 1000  # rows per INSERT, and per progress update


def write_rows(rows: Sequence, *, actor, progress: Callable[[int, int], None]) -> int:
    """Write the accepted ``rows`` (``ImportRow`` with ``values`` and ``import_key``; a row
    marked ``joins_team`` is its member's first on an open project they are not in the team
    of); report ``progress(done, total)`` after each batch. Returns the number of
    contributions created."""
    created_by = member_of(actor)
    total = len(rows)
    for row in rows:
        if row.joins_team:
            join_on_contribution(project=row.values["project"], member=row.values["member"],
                                 actor=actor)
    for start in range(0, total, BATCH_ROWS):
        batch = rows[start:start + BATCH_ROWS]
        contributions = [services.contribution_new(
            member=v["member"], created_by=created_by, project=v["project"],
            envelope=v["envelope"], date=v["date"], hours=v["hours"], kind=v["kind"],
            description=v["description"], invited_by=v["invited_by"], submit=True,
            import_key=row.import_key) for row in batch for v in (row.values,)]
        Contribution.objects.bulk_create(contributions, batch_size=BATCH_ROWS)
        _fill_pks(contributions)
        AuditEvent.objects.bulk_create(
            [services.submitted_event(actor=actor, contribution=c) for c in contributions],
            batch_size=BATCH_ROWS)
        progress(start + len(batch), total)
    return total


def _fill_pks(contributions: list[Contribution]) -> None:
    """The audit events name their contribution: PostgreSQL and SQLite ≥ 3.35 return the
    new ids from the insert; elsewhere they are read back by import key."""
    if all(c.pk is not None for c in contributions):
        return
    keys = [c.import_key for c in contributions]
    ids: dict[str | None, int] = {}
    for start in range(0, len(keys), 900):  # an old SQLite takes 999 parameters at most
        ids.update(Contribution.objects.filter(import_key__in=keys[start:start + 900])
                   .values_list("import_key", "pk"))
    for contribution in contributions:
        contribution.pk = ids[contribution.import_key]
