"""Hours totals kept by the database, so pages sum a handful of rows instead of a project's
(or the network's) contributions.

Both tables are derived from ``contributions_contribution`` only, by triggers on that table
(contributions/totals_sql.py): every write path — forms, services, ``QuerySet.update()``,
``bulk_create``, imports, the admin, raw SQL — keeps them exact, in the same transaction as the
write. Only validated and retributed hours are kept (what the pages sum), so drafts and
submissions never lock a totals row; keys are fine enough that concurrent validations rarely
touch the same row (an envelope's month; a member's project), and each key is upserted, so
two writers inserting the first row of a key at once both count. Rows whose hours fall back to zero stay
(they sum to nothing); the foreign keys carry no database constraint so that a trigger never
fails on them, and Django deletes the rows with their project, envelope or member.
"""
from django.db import models

from contribbudget.models import Member
from projects.models import Envelope, Project


class EnvelopeMonthTotal(models.Model):
    """Hours of an envelope's validated (or retributed) contributions in one calendar month."""

    # Indexed by the key and the two covering indexes below.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, db_constraint=False,
                                db_index=False, related_name="+")
    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, db_constraint=False,
                                 db_index=False, related_name="+")
    status = models.CharField(max_length=12)
    month = models.DateField()  # the first day of the month
    hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "envelope", "status", "month"],
                                               name="envelope_month_total_key")]
        # Covering (index-only reads): a project's and an envelope's hours, the year's. The
        # project's also keeps the overview's estimated cost low enough that PostgreSQL does
        # not JIT-compile it (measured: 374 ms of JIT on a 100 ms query without it).
        indexes = [models.Index(fields=["project", "status"], include=["envelope", "hours"],
                                name="envelope_month_total_proj_idx"),
                   models.Index(fields=["envelope", "status"], include=["hours"],
                                name="envelope_month_total_env_idx"),
                   models.Index(fields=["status", "month"], include=["hours"],
                                name="envelope_month_total_month_idx")]

    def __str__(self) -> str:
        return f"{self.envelope_id} {self.status} {self.month:%Y-%m}: {self.hours} h"


class MemberProjectTotal(models.Model):
    """Validated (or retributed) hours a member gave a project (the project page's team)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, db_constraint=False,
                                db_index=False, related_name="+")  # first in the key
    member = models.ForeignKey(Member, on_delete=models.CASCADE, db_constraint=False,
                               related_name="+")
    status = models.CharField(max_length=12)
    hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "member", "status"],
                                               name="member_project_total_key")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.member_id} {self.status}: {self.hours} h"


class EnvelopeYearInKindTotal(models.Model):
    """Hours of an envelope's validated (or retributed) contributions in one calendar year,
    split into salaried hours and, for the rest, whether the member gives their time (a
    volunteer or symbolic preference): the treasurer's desk values its in-kind figure from
    these rows (contributions/in_kind_sql.py keeps them, members' preference changes
    included)."""

    year = models.PositiveSmallIntegerField()
    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, db_constraint=False,
                                 db_index=False, related_name="+")  # second in the key
    salaried = models.BooleanField()
    volunteer = models.BooleanField()
    hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "envelope", "salaried", "volunteer"],
                                               name="envelope_year_in_kind_key")]

    def __str__(self) -> str:
        return f"{self.envelope_id} {self.year} salaried={self.salaried} volunteer={self.volunteer}: {self.hours} h"
