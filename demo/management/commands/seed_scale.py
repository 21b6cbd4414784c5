"""``python manage.py seed_scale``: a network at federation scale, for benchmarks.

    python manage.py seed_scale --members 3000 --projects 300 --contributions 1000000 --seed 42

PostgreSQL only (it is the benchmark's tool). Fast: small tables with ``bulk_create``,
contributions generated inside PostgreSQL from a per-(project, member) plan
(``demo.scale_plan``, ``demo.scale_load``: COPY, ``INSERT … SELECT generate_series``, indexes
rebuilt after the load), then ``VACUUM ANALYZE``.
Realistic: member activity follows a heavy-tailed (Pareto) law — a few very active members,
many occasional ones —, but nobody's day exceeds 24 h; every envelope kind exists in every
project; every status appears (drafts and submitted work in the last month); retributed
production work is tied to one approved run per project.
Reproducible: everything derives from ``--seed``. Refuses to run on a database that already
has contributions unless ``--force`` is given (it only adds rows; it never deletes).
"""
from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from contribbudget.models import FieldOfAction, Member, Place, Preference
from contribbudget.money import to_cents
from contributions import totals
from contributions.models import Contribution
from projects import list_cache
from projects.models import Adjustment, Envelope, Funding, Project, ProjectRole
from retributions import payment_sort_sql, payment_totals_sql
from retributions.models import RetributionRun

from ... import scale_load as load
from ... import scale_plan

KINDS = [k.value for k in Envelope.Kind]
# Loads below this size keep their indexes (rebuilding them would cost more than it saves).
REBUILD_INDEXES_FROM = 100_000
PREFERENCES = ([Preference.MONEY_SELF] * 70 + [Preference.MONEY_PLACE] * 15
               + [Preference.VOLUNTEER] * 10 + [Preference.SYMBOLIC] * 5)


class Command(BaseCommand):
    help = "Crée un réseau à l'échelle d'une fédération (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=3000)
        parser.add_argument("--projects", type=int, default=300)
        parser.add_argument("--contributions", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--prefix", default="scale", help="préfixe des identifiants créés")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale a besoin de PostgreSQL (DATABASE_URL=postgres://…) : "
                               "c'est l'outil des benchmarks.")
        if opts["members"] < 2 or opts["projects"] < 1 or opts["contributions"] < 0:
            raise CommandError("Il faut au moins 2 membres, 1 projet et 0 contribution.")
        if Contribution.objects.exists() and not opts["force"]:
            raise CommandError("La base contient déjà des contributions : ajoutez --force "
                               "pour ajouter le jeu de données à l'échelle.")
        started = time.perf_counter()
        builder = ScaleBuilder(random.Random(opts["seed"]), opts["prefix"], self.stdout)
        try:
            builder.plan(opts["members"], opts["projects"], opts["contributions"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            builder.network()
        # The maintained hours totals (contributions.totals): their per-row triggers are off
        # during the bulk load, and both tables are rebuilt once from the loaded rows.
        with totals.bulk_load():
            with transaction.atomic():
                builder.contributions()
            totals_started = time.perf_counter()
        builder._timed("totals", totals_started)
        # The payments' sort keys and totals (retributions.payment_*_sql): the load's replica
        # mode (demo.scale_load.skip_foreign_key_triggers) skipped their triggers too.
        with transaction.atomic(), connection.cursor() as cursor:
            payment_sort_sql.backfill(cursor)
            payment_totals_sql.rebuild(cursor, connection.vendor)
        builder.after_load()
        # Members, projects, envelopes and roles were bulk-created (no signals): the cached
        # lists (projects.list_cache) start a new generation, or a cache that outlived the
        # reseed would show the old ones.
        for kind in (list_cache.MEMBERS, list_cache.PROJECTS, list_cache.LOGGING):
            list_cache.forget(kind)
        builder.timings["total"] = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            "seed_scale: " + ", ".join(f"{k} {v:.1f} s" for k, v in builder.timings.items())))


class ScaleBuilder:
    """The steps, in order: ``plan`` (pure Python), ``network`` (the small tables),
    ``contributions`` (the bulk load and the approved runs' lines), ``after_load`` (what is
    derived from the loaded rows, then VACUUM ANALYZE)."""

    def __init__(self, rng: random.Random, prefix: str, out):
        self.rng = rng
        self.prefix = prefix
        self.out = out
        self.timings: dict[str, float] = {}
        self.today = timezone.localdate()
        self.first_day = self.today - datetime.timedelta(days=3 * 365)
        self.span = (self.today - self.first_day).days

    def _timed(self, name: str, started: float) -> None:
        self.timings[name] = time.perf_counter() - started
        self.out.write(f"  {name}: {self.timings[name]:.1f} s")

    def plan(self, n_members: int, n_projects: int, n_contributions: int) -> None:
        """Who logs how many contributions on which project (demo.scale_plan): the teams are
        drawn here, from the seed, before any row exists."""
        started = time.perf_counter()
        self.n_members, self.n_projects, self.n = n_members, n_projects, n_contributions
        counts = scale_plan.project_counts(n_contributions, n_projects)
        self.teams = scale_plan.draw_teams(self.rng, n_members,
                                           scale_plan.team_sizes(counts, n_members))
        self.entries = scale_plan.plan(counts, self.teams, n_members,
                                       scale_plan.member_cap(self.span))
        self._timed("plan", started)

    def network(self) -> None:
        started = time.perf_counter()
        rng, p, n_members, n_projects = self.rng, self.prefix, self.n_members, self.n_projects
        User = get_user_model()
        places = Place.objects.bulk_create([
            Place(name=f"{p} lieu {i}", slug=f"{p}-lieu-{i}", siret=f"{i:014d}",
                  address=f"{i} rue du Test", city="Tours") for i in range(max(2, n_members // 50))])
        users = User.objects.bulk_create([
            User(username=f"{p}-{i}@example.org", email=f"{p}-{i}@example.org", password="!")
            for i in range(n_members)], batch_size=2000)
        self.members = Member.objects.bulk_create([
            Member(user=u, first_name=f"Membre{i}", last_name=p.capitalize(),
                   home_place=places[i % len(places)],
                   preference=PREFERENCES[i % len(PREFERENCES)])
            for i, u in enumerate(users)], batch_size=2000)
        fields = FieldOfAction.objects.bulk_create([
            FieldOfAction(name=f"{p} champ {i}", slug=f"{p}-champ-{i}", start=self.first_day)
            for i in range(10)])
        self.projects = Project.objects.bulk_create([
            Project(field=fields[i % 10], name=f"{p} projet {i}", slug=f"{p}-projet-{i}",
                    start=self.first_day, phase="production", is_open=True)
            for i in range(n_projects)], batch_size=2000)
        fundings, envelopes = [], []
        for project in self.projects:
            budget = Decimal(rng.randrange(20, 400)) * 1000
            fundings.append(Funding(project=project, funder="Région", reference=f"{project.slug}-R",
                                    amount=budget, start=self.first_day, end=self.today))
            for kind in KINDS:
                envelopes.append(Envelope(project=project, name=kind.capitalize(), kind=kind,
                                          daily_rate=Decimal("250.00")))
        Funding.objects.bulk_create(fundings, batch_size=2000)
        self.envelopes = Envelope.objects.bulk_create(envelopes, batch_size=2000)
        author = users[0]
        share = Decimal(1) / Decimal(len(KINDS) + 1)
        budgets = {f.project_id: f.amount for f in fundings}
        Adjustment.objects.bulk_create([
            Adjustment(envelope=e, delta=to_cents(budgets[e.project_id] * share),
                       reason="Enveloppe initiale", author=author) for e in self.envelopes],
            batch_size=2000)
        self.envelope_of = {(e.project_id, e.kind): e.pk for e in self.envelopes}
        ProjectRole.objects.bulk_create([
            ProjectRole(project=project, member=self.members[index],
                        role="pilot" if j < 2 else "contributor")
            for project, team in zip(self.projects, self.teams, strict=True) for j, index in enumerate(team)],
            batch_size=5000)
        # One approved run a project over its retributed production work (its lines come
        # with the contributions).
        runs = RetributionRun.objects.bulk_create([
            RetributionRun(envelope_id=self.envelope_of[(pr.pk, "production")], rule="time_rate",
                           period_start=self.first_day, period_end=self.today,
                           status="approved", created_by=author, approved_by=author,
                           approved_at=timezone.now(), available=Decimal("0"),
                           distributed=Decimal("0"), surplus=Decimal("0"))
            for pr in self.projects], batch_size=2000)
        self.run_of = {pr.pk: run.pk for pr, run in zip(self.projects, runs, strict=True)}
        self._timed("network", started)

    def contributions(self) -> None:
        """The bulk load (demo.scale_load), in one transaction: the indexes dropped are back
        at commit, or never gone."""
        started = time.perf_counter()
        with connection.cursor() as cursor:
            load.skip_foreign_key_triggers(cursor)
            rebuild = self.n >= REBUILD_INDEXES_FROM
            ddl = load.drop_secondary_indexes(cursor) if rebuild else []
            load.copy_plan(cursor, self.entries, [m.pk for m in self.members],
                           [pr.pk for pr in self.projects], self.envelope_of, self.run_of)
            load.insert_contributions(cursor, self.today, self.span, (self.rng.random() * 2) - 1)
            self._timed(f"contributions ({self.n})", started)
            started = time.perf_counter()
            load.approved_run_lines(cursor, list(self.run_of.values()))
            self._timed("approved runs", started)
            if rebuild:
                started = time.perf_counter()
                load.create_indexes(cursor, ddl)
                self._timed(f"indexes ({len(ddl)})", started)

    def after_load(self) -> None:
        """What derives from the loaded rows, then VACUUM ANALYZE. VACUUM sets the visibility
        map, as autovacuum would in a living database: without it no index-only scan happens
        and a fresh benchmark measures a state no real network is in."""
        started = time.perf_counter()
        with connection.cursor() as cursor:  # VACUUM cannot run inside a transaction
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self._timed("vacuum analyze", started)
