"""Reads about contributions. Every total is a SQL aggregate (SUM / GROUP BY); the number
of queries of each function is fixed, whatever the number of rows."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.models import Member, NetworkSettings
from contribbudget.permissions import steered_projects
from projects.models import CoordinationGrain, Envelope, Project, ProjectRole

from .models import Contribution
from .parsing import week_start
from .review_rule import reviewable_by

HOURS: DecimalField = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=HOURS)
DONE = ("validated", "retributed")


def contributions_of(member: Member) -> QuerySet[Contribution]:
    """The member's own contributions, with what the table shows (one query)."""
    return (Contribution.objects.filter(member=member)
            .select_related("project", "envelope", "grain", "invited_by"))


def _team_projects(member: Member) -> QuerySet[Project]:
    return (Project.objects.filter(roles__member=member)
            .exclude(phase=Project.Phase.CLOSED).distinct().order_by("name"))


def projects_for_logging(member: Member) -> QuerySet[Project]:
    """The projects a member can log time on: those they belong to and that are not closed,
    and the open ones (anyone may join them by contributing). ``in_team`` tells them apart:
    the lists mark the others "ouvert". The service checks the date against the open
    periods."""
    in_team = Exists(ProjectRole.objects.filter(project=OuterRef("pk"), member=member))
    return (Project.objects.annotate(in_team=in_team).filter(Q(in_team=True) | Q(is_open=True))
            .exclude(phase=Project.Phase.CLOSED).order_by("name"))


def envelopes_for_logging(member: Member) -> QuerySet[Envelope]:
    in_team = Exists(ProjectRole.objects.filter(project=OuterRef("project"), member=member))
    return (Envelope.objects.annotate(project_in_team=in_team)
            .filter(Q(project_in_team=True) | Q(project__is_open=True))
            .exclude(project__phase=Project.Phase.CLOSED)
            .select_related("project").order_by("project__name", "pk"))


def envelope_rows_for_logging(member: Member) -> list[tuple]:
    """The same envelopes as plain rows (pk, name, project pk, project name, in team), for
    lists of thousands of options: no model instance per row."""
    return list(envelopes_for_logging(member).select_related(None).values_list(  # type: ignore[misc]  # project_in_team: annotated above
        "pk", "name", "project_id", "project__name", "project_in_team"))


def recent_of(member: Member, n: int = 8) -> QuerySet[Contribution]:
    """The quick log's "last entered" rows, with only what its table shows (the whole rows
    of four models cost more than the rest of the list; contrib_member_recent_idx)."""
    return (Contribution.objects.filter(member=member).select_related("project", "envelope")
            .only("date", "hours", "description", "status", "project", "envelope",
                  "project__name", "envelope__name")
            .order_by("-created_at", "-pk")[:n])


def last_used(member: Member) -> Contribution | None:
    """The member's last logged contribution: the quick form starts from its project and
    envelope."""
    return (Contribution.objects.filter(member=member).order_by("-created_at", "-pk")
            .only("project_id", "envelope_id").first())


def team_members(member: Member) -> QuerySet[Member]:
    """The people who may invite a member to a creative session: the teams of the member's
    projects (the service checks the chosen one is in the contribution's project)."""
    return (Member.objects.filter(project_roles__project__in=_team_projects(member))
            .exclude(pk=member.pk).distinct().order_by("last_name", "first_name"))


def active_grains(member: Member, on: datetime.date | None = None) -> QuerySet[CoordinationGrain]:
    qs = CoordinationGrain.objects.filter(member=member).select_related("project", "field")
    if on is not None:
        qs = qs.filter(start__lte=on, end__gte=on)
    return qs


# --- Dashboard -----------------------------------------------------------------------------

def dashboard(member: Member, today: datetime.date | None = None, weeks: int = 26) -> dict:
    """Hours this week / month / year (overall and per project), grains against capacity
    (drive and contribute apart) and hours per week. Four queries."""
    today = today or timezone.localdate()
    monday = week_start(today)
    month = today.replace(day=1)
    year = datetime.date(today.year, 1, 1)
    mine = Contribution.objects.filter(member=member).exclude(status="rejected")
    sums = {
        "week": Coalesce(Sum("hours", filter=Q(date__gte=monday, date__lte=today)), ZERO),
        "month": Coalesce(Sum("hours", filter=Q(date__gte=month, date__lte=today)), ZERO),
        "year": Coalesce(Sum("hours", filter=Q(date__gte=year, date__lte=today)), ZERO),
        "validated": Coalesce(Sum("hours", filter=Q(date__gte=year, status__in=DONE)), ZERO),
    }
    per_project = list(mine.filter(date__gte=min(year, monday)).values("project__name", "project_id")
                       .annotate(**sums).order_by("-year", "project__name"))
    totals = {key: sum((row[key] for row in per_project), Decimal("0")) for key in sums}

    start = week_start(today) - datetime.timedelta(weeks=weeks - 1)
    by_week = dict(mine.filter(date__gte=start, date__lte=today)
                   .annotate(week=TruncWeek("date")).values("week")
                   .annotate(total=Sum("hours")).values_list("week", "total"))
    by_week = {(k.date() if isinstance(k, datetime.datetime) else k): v for k, v in by_week.items()}
    labels, values = [], []
    for i in range(weeks):
        day = start + datetime.timedelta(weeks=i)
        labels.append(day.strftime("%d/%m"))
        values.append(str(by_week.get(day, Decimal("0"))))

    hours_per_fte = NetworkSettings.load().hours_per_fte_year
    grains = []
    for grain in grains_with_use(CoordinationGrain.objects.filter(member=member, end__gte=year)):
        capacity = grain.capacity_hours(hours_per_fte)
        grains.append({"grain": grain, "capacity": capacity,
                       "drive_used": grain.drive_used, "contribute_used": grain.contribute_used,
                       "pending": grain.pending})
    return {"totals": totals, "per_project": per_project, "chart": {"labels": labels,
            "values": values}, "grains": grains, "today": today}


def grains_with_use(queryset: QuerySet[CoordinationGrain]) -> list[CoordinationGrain]:
    """Grains annotated with validated hours tagged to them, split "drive" (on the grain's
    own project) and "contribute" (elsewhere), plus hours still waiting (one query)."""
    done = Q(contributions__status__in=DONE)
    on_project = Q(contributions__project=F("project"))
    return list(queryset.select_related("project", "field", "envelope").annotate(
        drive_used=Coalesce(Sum("contributions__hours", filter=done & on_project), ZERO),
        contribute_used=Coalesce(Sum("contributions__hours", filter=done & ~on_project), ZERO),
        pending=Coalesce(Sum("contributions__hours",
                             filter=Q(contributions__status__in=["draft", "submitted"])), ZERO),
    ).order_by("start"))


# --- Validation queue ---------------------------------------------------------------------

reviewable_projects = steered_projects  # pilots their projects, coordinators all


def validation_queue(user) -> QuerySet[Contribution]:
    """Submitted contributions the user may review (never their own, nor those they wrote
    for someone else: :func:`contribbudget.permissions.reviewable_by`), ordered by person and
    week so the page groups them."""
    return (reviewable_by(user, Contribution.objects.filter(status=Contribution.Status.SUBMITTED))
            .annotate(week=TruncWeek("date")).order_by(*QUEUE_ORDER))


QUEUE_ORDER = ("member__last_name", "member__first_name", "member_id", "-week", "date", "pk")


def queue_page(keys: QuerySet) -> QuerySet:
    """The :data:`QUEUE_FIELDS` of one page of the queue; ``keys``: the page's slice of
    ``validation_queue(...).values_list("pk")``. One query: the page's 100 ids are chosen in
    a subquery that reads the queue's index and the members' names only, then only those
    rows are read whole and joined to their project and envelope (at 10 M rows, joining and
    sorting the 5,000 submitted rows of a large project whole took 50 ms)."""
    return (Contribution.objects.filter(pk__in=keys).annotate(week=TruncWeek("date"))
            .order_by(*QUEUE_ORDER).values(*QUEUE_FIELDS))


# What the queue's rows show (contributions.templatetags.review_rows), read as values: 100
# rows as instances of four models cost ~3x the CPU. Joining the inviter and the author as
# well made PostgreSQL's planner weigh 8 relations (14-17 ms of planning for a 5 ms query at
# 1 M rows): queue_rows() names them in a second, small query.
QUEUE_FIELDS = (
    "pk", "member_id", "week", "date", "hours", "kind", "description", "deliverable_url",
    "invited_by_id", "salaried", "created_by_id", "import_key",
    "member__first_name", "member__last_name", "project__name", "envelope__name",
)


def queue_rows(queryset: QuerySet) -> list[dict]:
    """The page's rows of a :func:`validation_queue` ``values(*QUEUE_FIELDS)`` queryset, with
    ``member_name``, ``invited_by_name``, ``created_by_name`` (``Member.full_name``),
    ``logged_on_behalf`` and ``is_imported`` (the model's properties). One query for the
    people named (inviters, authors, members without a name), none when there are none."""
    rows = list(queryset)
    ids = {row["invited_by_id"] for row in rows} | {row["created_by_id"] for row in rows}
    for row in rows:
        row["member_name"] = Member.display_name(row["member__first_name"],
                                                 row["member__last_name"], "")
        if not row["member_name"]:
            ids.add(row["member_id"])
    ids.discard(None)
    people = {m.pk: m.full_name for m in Member.objects.filter(pk__in=ids).select_related("user")
              .only("first_name", "last_name", "user__email")} if ids else {}
    for row in rows:
        row["member_name"] = row["member_name"] or people[row["member_id"]]
        row["invited_by_name"] = people.get(row["invited_by_id"])
        row["created_by_name"] = people.get(row["created_by_id"])
        row["logged_on_behalf"] = Contribution.written_by_other(row["member_id"],
                                                                row["created_by_id"])
        row["is_imported"] = row["import_key"] is not None
    return rows


def queue_group_totals(queryset: QuerySet[Contribution]) -> dict:
    """``{(member_id, monday): (count, hours)}`` for the queue's groups (one query)."""
    rows = (queryset.order_by().values("member_id", "week")  # type: ignore[misc]  # week: annotated by the caller's queryset
            # COUNT(*), not COUNT(id): the id is not in contrib_submitted_queue_idx, so
            # counting it would read every row from the table instead of the index alone.
            .annotate(n=Count("*"), total=Sum("hours")))
    out = {}
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]
        out[(row["member_id"], week)] = (row["n"], row["total"])
    return out


def export_rows(queryset):
    """Rows for CSV/XLSX, streamed from the filtered queryset (one query)."""
    for c in queryset.iterator(chunk_size=2000):
        yield [c.date, c.project.name, c.envelope.name, c.get_kind_display(), c.description,
               c.hours, c.get_status_display(), _("oui") if c.salaried else _("non"),
               c.invited_by.full_name if c.invited_by else "", c.deliverable_url,
               c.rejection_comment]
