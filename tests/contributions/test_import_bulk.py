"""The import's commit applies the form service's rules to the whole file at once and writes
in bulk (issue 15, point 3): every rule still holds, all or nothing, one import event, the
progress bar reaches the end, the rows are those the service would have written, and the
number of SQL queries does not grow with the rows."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from contribbudget.models import AuditEvent
from contributions import import_write, services
from contributions.imports import (
    analyse_rows,
    import_commit,
    import_create,
    import_progress,
    read_rows,
)
from contributions.models import Contribution, ContributionImport
from projects.models import OpenPeriod, ProjectRole

pytestmark = pytest.mark.django_db
HEADER = "email;date;hours;project;envelope;kind;description;invited_by\n"


def line(member, date="05/10/2026", hours="1", project="legumerie", kind="production",
         description="Atelier", invited_by=None):
    return (f"{member.user.email};{date};{hours};{project};Production;{kind};{description};"
            f"{invited_by.user.email if invited_by else ''}")


def preview(world, lines, who=None):
    body = (HEADER + "".join(x + "\n" for x in lines)).encode()
    user = (who or world.coordinator).user
    imp, _rows = import_create(user=user, upload=SimpleUploadedFile("passe.csv", body, "text/csv"))
    return imp


def commit(imp, progress=None):
    """Queue and commit, even an import whose preview found errors (as if the file had been
    queued before the database changed): the commit must check again by itself."""
    ContributionImport.objects.filter(pk=imp.pk).update(status=ContributionImport.Status.QUEUED)
    result = import_commit(import_id=imp.pk, progress=progress)
    imp.refresh_from_db()
    return result


def days(n, start=datetime.date(2026, 1, 5)):
    return [(start + datetime.timedelta(days=i % 300)).strftime("%d/%m/%Y") for i in range(n)]


def test_one_bad_row_among_good_ones_writes_nothing_and_names_that_row(world):
    lines = [line(world.contributor, date=d, description=f"Ligne {i}")
             for i, d in enumerate(days(20))]
    lines[12] = line(world.contributor, date="05/10/2030", description="Futur")  # line 14
    imp = preview(world, lines)
    assert [e["line"] for e in imp.errors] == [14]
    preview_errors = imp.errors
    result = commit(imp)
    assert result["status"] == "failed" and imp.created_rows == 0
    assert imp.errors == preview_errors  # the commit reports what the preview said
    assert "futur" in " ".join(imp.errors[0]["messages"])
    assert not Contribution.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CONTRIBUTION_IMPORTED).exists()


def test_two_rows_of_the_file_that_together_exceed_24_hours_a_day_are_refused(world):
    lines = [line(world.contributor, date="06/10/2026", hours="20", description="Long"),
             line(world.contributor, date="07/10/2026", hours="20", description="Autre jour"),
             line(world.contributor, date="06/10/2026", hours="5", description="Trop")]
    imp = preview(world, lines)
    assert [e["line"] for e in imp.errors] == [4]
    assert "Vous avez déjà 20\u00a0h le 6 octobre" in imp.errors[0]["messages"][0]
    assert commit(imp)["status"] == "failed"
    assert imp.errors[0]["line"] == 4 and "dépasserait 24 h" in imp.errors[0]["messages"][0]
    assert not Contribution.objects.exists()


def test_hours_logged_after_the_preview_refuse_the_row_they_conflict_with(world, client_for):
    lines = [line(world.contributor, date=d, description=f"Ligne {i}")
             for i, d in enumerate(days(10))]
    imp = preview(world, lines)
    assert imp.errors == []
    # Meanwhile, the member logs 23.5 h on the day of the file's 4th row (line 5).
    services.contribution_create(
        member=world.contributor, actor=world.contributor.user, project=world.project,
        envelope=world.envelope, date=datetime.date(2026, 1, 8), hours=Decimal("23.5"),
        kind="production", description="Saisi entre-temps")
    assert commit(imp)["status"] == "failed"
    assert [e["line"] for e in imp.errors] == [5]
    assert "Vous avez déjà 23,5\u00a0h le 8 janvier" in imp.errors[0]["messages"][0]
    assert Contribution.objects.count() == 1  # only the one logged meanwhile


def test_an_import_writes_one_import_event_and_reaches_100_percent(world):
    n = 2 * import_write.BATCH_ROWS + 10
    lines = [line(world.contributor, date=d, hours="0,25", description=f"Ligne {i}")
             for i, d in enumerate(days(n))]
    imp = preview(world, lines)
    seen = []
    result = commit(imp, progress=lambda done, total: seen.append((done, total)))
    assert result == {"status": "done", "created": n, "skipped": 0}
    assert seen[-1] == (n, n) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert len(seen) == 3  # per batch, not per row
    assert import_progress(imp) == imp.total_rows == n and imp.progress_percent == 100
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CONTRIBUTION_IMPORTED)
    assert events.count() == 1
    assert events.get().data == {"created": n, "skipped": 0, "file": "passe.csv"}
    # As with the form service, each contribution has its own "submitted" event.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONTRIBUTION_SUBMITTED).count() == n
    # Importing it again creates nothing and still writes one event for that import.
    again = preview(world, lines)
    assert again.skipped_rows == n
    assert commit(again) == {"status": "done", "created": 0, "skipped": n}
    assert Contribution.objects.count() == n and events.count() == 2


def _snapshot():
    contributions = [
        {f.attname: getattr(c, f.attname) for f in Contribution._meta.concrete_fields
         if f.attname not in ("id", "created_at", "updated_at")}
        for c in Contribution.objects.order_by("import_key")]
    audits = sorted(
        (e.action, e.object_type, e.project_id, e.actor_id, repr(sorted(e.data.items())), e.reason,
         # name the contribution by its import key, the role by its member: ids differ
         Contribution.objects.get(pk=e.object_id).import_key
         if e.object_type == "contributions.contribution"
         else ProjectRole.objects.get(pk=e.object_id).member_id)
        for e in AuditEvent.objects.exclude(action=AuditEvent.Action.CONTRIBUTION_IMPORTED))
    roles = sorted(ProjectRole.objects.values_list("project_id", "member_id", "role"))
    return contributions, audits, roles


def test_the_rows_written_are_those_the_form_service_writes_for_the_same_file(world):
    OpenPeriod.objects.create(project=world.project, start=datetime.date(2026, 10, 1),
                              end=datetime.date(2026, 10, 31))
    lines = [
        line(world.contributor, description="  Atelier  "),
        line(world.contributor, hours="1h30", kind="réunion", description="Réunion"),
        line(world.contributor, kind="creative", description="Invité", invited_by=world.pilot),
        # A newcomer: the first row (in the open window) makes them part of the team, so the
        # second (outside it) and their invitation are the team's, as with the service.
        line(world.outsider, date="06/10/2026", description="Première fois"),
        line(world.outsider, date="03/11/2026", description="Ensuite"),
        line(world.contributor, kind="creative", date="04/11/2026", description="Par Olga",
             invited_by=world.outsider),
        line(world.contributor, description="  Atelier  "),  # identical rows: two contributions
    ]
    imp = preview(world, lines)
    assert imp.errors == []
    rows = analyse_rows(read_rows(imp.file.open("rb").read(), "passe.csv"), world.coordinator.user)
    imp.file.close()

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            for row in rows:
                v = row.values
                services.contribution_create(
                    member=v["member"], actor=world.coordinator.user, project=v["project"],
                    envelope=v["envelope"], date=v["date"], hours=v["hours"], kind=v["kind"],
                    description=v["description"], invited_by=v["invited_by"], submit=True,
                    import_key=row.import_key)
            one_by_one = _snapshot()
            raise Rollback
    except Rollback:
        pass
    assert not Contribution.objects.exists()
    assert commit(imp)["status"] == "done" and imp.created_rows == len(lines)
    assert _snapshot() == one_by_one
    assert len(one_by_one[0]) == len(lines)
    assert (world.project.pk, world.outsider.pk, "contributor") in one_by_one[2]


def _commit_queries(world, n):
    lines = [line(world.contributor, date=d, hours="0,25", description=f"Ligne {n} {i}")
             for i, d in enumerate(days(n))]
    imp = preview(world, lines)
    ContributionImport.objects.filter(pk=imp.pk).update(status=ContributionImport.Status.QUEUED)
    with CaptureQueriesContext(connection) as ctx:
        assert import_commit(import_id=imp.pk)["created"] == n
    return [q["sql"] for q in ctx.captured_queries]


def test_committing_50_or_500_rows_runs_the_same_number_of_queries(world):
    small = _commit_queries(world, 50)
    large = _commit_queries(world, 500)
    if connection.vendor == "sqlite":
        # SQLite caps the parameters of one statement: Django splits each bulk insert.
        fields = len(Contribution._meta.concrete_fields)
        extra = 500 // (connection.features.max_query_params // fields) + 1
        assert len(small) <= len(large) <= len(small) + 2 * extra
    else:
        assert len(large) == len(small)
        # The members are locked as the form service locks its member.
        assert any("FOR UPDATE" in sql and "contribbudget_member" in sql for sql in large)


def test_where_the_insert_returns_no_ids_they_are_read_back_by_import_key(world):
    rows = [Contribution(member=world.contributor, project=world.project, envelope=world.envelope,
                         date=datetime.date(2026, 10, 5), hours=Decimal("1"), kind="production",
                         description=f"Ligne {i}", import_key=f"cle-{i}") for i in range(3)]
    Contribution.objects.bulk_create(rows)
    expected = [r.pk for r in rows]
    for r in rows:
        r.pk = None
    import_write._fill_pks(rows)
    assert [r.pk for r in rows] == expected
