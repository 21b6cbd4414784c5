"""``python manage.py seed_demo``: a realistic French network to try the product.

Idempotent: the demo is created once, inside one transaction; running the command again
finds the demo coordinator's account and changes nothing. Deterministic: one random seed.
The demo accounts exist only when this command is run (``make run`` does it; production
never does).
"""
import datetime
import random
import uuid
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from contribbudget.models import FieldOfAction, Member, NetworkSettings, Place, Preference
from contributions.models import Contribution
from projects.models import Adjustment, CoordinationGrain, Envelope, Funding, Project, ProjectRole
from retributions.demo_treasury import seed_treasury

DEMO_ACCOUNTS = [
    # email, password, first name, last name, role
    ("contributrice@demo.tiers-lieux.org", "demo-contrib-2026", "Camille", "Roux", "contributor"),
    ("pilote@demo.tiers-lieux.org", "demo-pilote-2026", "Malik", "Benali", "pilot"),
    ("tresorier@demo.tiers-lieux.org", "demo-tresor-2026", "Hélène", "Marchand", "treasurer"),
    ("coordination@demo.tiers-lieux.org", "demo-coord-2026", "Sacha", "Lefèvre", "coordinator"),
]

PLACES = [
    ("La Fabrique du Coin", "Tours", "85234567800011", "12 rue des Tanneurs, 37000 Tours"),
    ("Le Moulin Partagé", "Amboise", "81345678900022", "3 chemin du Moulin, 37400 Amboise"),
    ("L'Atelier des Possibles", "Blois", "79456789000033", "45 avenue Wilson, 41000 Blois"),
    ("La Grange Numérique", "Loches", "88567890100044", "Lieu-dit La Grange, 37600 Loches"),
    ("Coworking Les Halles", "Orléans", "83678901200055", "8 place du Martroi, 45000 Orléans"),
    ("Fablab Le Rucher", "Vendôme", "80789012300066", "21 rue Saulnerie, 41100 Vendôme"),
]

FIRST_NAMES = ["Léa", "Hugo", "Inès", "Noé", "Zoé", "Jules", "Manon", "Yanis", "Chloé", "Louis",
               "Emma", "Nathan", "Sarah", "Théo", "Jade", "Lucas", "Anaïs", "Tom", "Clara",
               "Rayan", "Lina", "Paul", "Mila", "Adam", "Rose", "Samuel"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Michel", "Garcia", "David", "Bertrand",
              "Fontaine", "Girard", "Bonnet", "Dupont", "Lambert", "Faure", "Rousseau", "Blanc",
              "Guerin", "Muller"]

FIELDS = [
    ("Transition numérique", "numerique"),
    ("Alimentation et circuits courts", "alimentation"),
    ("Culture et éducation populaire", "culture"),
]

# name, slug, field index, phase, open, fundings [(funder, reference, amount)]
PROJECTS = [
    ("Tiers-lieux numériques accessibles", "numerique-accessible", 0, "production", False,
     [("Région Centre-Val de Loire", "CVL-2026-TL-0142", "48000.00"),
      ("ANCT — Fabriques de territoire", "ANCT-FT-2026-0387", "30000.00")]),
    ("Repair cafés itinérants", "repair-cafes", 0, "emergence", True,
     [("Fondation de France", "FDF-2026-ENV-5521", "15000.00")]),
    ("Légumerie partagée", "legumerie", 1, "production", True,
     [("Région Centre-Val de Loire", "CVL-2026-ALIM-0077", "36000.00"),
      ("Fondation Daniel et Nina Carasso", "FDNC-2026-118", "20000.00")]),
    ("Festival des communs", "festival-communs", 2, "emergence", True,
     [("ANCT — Fabriques de territoire", "ANCT-FT-2026-0412", "12000.00")]),
    ("Résidences d'artistes en campagne", "residences", 2, "production", False,
     [("Région Centre-Val de Loire", "CVL-2026-CULT-0203", "24000.00")]),
]

# Envelopes per project: (name, kind, rule, share of budget, daily rate)
ENVELOPE_PLAN = [
    ("Production", "production", "time_rate", Decimal("0.45"), Decimal("280.00")),
    ("Coordination", "coordination", "time_rate", Decimal("0.15"), Decimal("250.00")),
    ("Administration", "support_admin", "prorata", Decimal("0.06"), Decimal("250.00")),
    ("Communication", "support_com", "time_rate", Decimal("0.06"), Decimal("250.00")),
    ("Documentation", "support_docu", "equal", Decimal("0.04"), Decimal("250.00")),
    ("Sessions créatives", "creative", "peer", Decimal("0.06"), Decimal("250.00")),
    ("Coopération", "support_coop", "request", Decimal("0.04"), Decimal("250.00")),
    ("Communs", "commons", "manual", Decimal("0.05"), Decimal("250.00")),
    ("Réserve de lissage", "reserve", "balanced", Decimal("0.05"), Decimal("250.00")),
]

DESCRIPTIONS = {
    "production": ["Animation d'un atelier d'initiation", "Rédaction du guide pratique",
                   "Installation du matériel", "Accompagnement de porteurs de projet",
                   "Prototype de la plateforme de réservation", "Atelier de réparation"],
    "coordination": ["Réunion de pilotage", "Suivi budgétaire mensuel",
                     "Préparation du comité de suivi", "Coordination des bénévoles"],
    "creative": ["Session créative sur l'identité visuelle", "Atelier d'idéation"],
    "support": ["Mise à jour du site", "Compte rendu et documentation",
                "Relecture de la convention", "Newsletter du réseau"],
    "meeting": ["Réunion d'équipe hebdomadaire", "Plénière du réseau"],
}


class Command(BaseCommand):
    help = "Crée le réseau de démonstration (idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(email=DEMO_ACCOUNTS[3][0]).exists():
            self.stdout.write("Démo déjà présente : rien à faire.")
            return
        with transaction.atomic():
            summary = DemoBuilder(random.Random(2026)).build()
            summary |= seed_treasury()  # the treasury's demo (retributions/demo_treasury.py)
        self.stdout.write(self.style.SUCCESS(
            "Démo créée : " + ", ".join(f"{k} {v}" for k, v in summary.items())))


class DemoBuilder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=91)
        self.year_start = datetime.date(self.today.year, 1, 1)

    def build(self) -> dict:
        settings = NetworkSettings.load()
        settings.name = "Réseau Tiers-Lieux en Commun (démo)"
        settings.save()
        self.places = [Place.objects.create(name=n, slug=_slug(n), city=c, siret=s, address=a,
                                            email=f"contact@{_slug(n)}.example.org")
                       for n, c, s, a in PLACES]
        self.members = self._members()
        self.fields = [FieldOfAction.objects.create(name=n, slug=s, start=self.year_start,
                                                    end=datetime.date(self.today.year + 2, 12, 31))
                       for n, s in FIELDS]
        self.author = self.members["coordinator"].user
        self.projects = [self._project(*spec) for spec in PROJECTS]
        self._roles()
        grains = self._grains()
        count = self._contributions(grains)
        runs = self._retribution_runs()
        return {"calculs": runs, "lieux": len(self.places), "membres": Member.objects.count(),
                "projets": len(self.projects), "grains": len(grains), "contributions": count}

    # --- people --------------------------------------------------------------------------
    def _members(self) -> dict:
        User = get_user_model()
        members = {}
        for i, (email, password, first, last, role) in enumerate(DEMO_ACCOUNTS):
            user = User.objects.create_user(username=email, email=email, password=password)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            members[role] = Member.objects.create(
                user=user, first_name=first, last_name=last, home_place=self.places[i % 6],
                is_treasurer=role == "treasurer", is_coordinator=role == "coordinator",
                expected_daily_rate=Decimal("300.00") if role == "contributor" else None,
                siret="90123456700018" if role == "contributor" else "",
                address="5 rue Nationale, 37000 Tours" if role == "contributor" else "")
        preferences = ([Preference.MONEY_SELF] * 14 + [Preference.MONEY_PLACE] * 6
                       + [Preference.VOLUNTEER] * 3 + [Preference.SYMBOLIC] * 3)
        others = []
        # Other demo members cannot log in: one unusable password (hashing 26 is slow).
        for i in range(26):
            first, last = FIRST_NAMES[i], LAST_NAMES[i]
            email = f"{_slug(first)}.{_slug(last)}@demo.tiers-lieux.org"
            user = User.objects.create_user(username=email, email=email, password=None)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            pref = preferences[i]
            others.append(Member.objects.create(
                user=user, first_name=first, last_name=last, home_place=self.places[i % 6],
                preference=pref,
                symbolic_text="Choisir les couleurs du site" if pref == Preference.SYMBOLIC else "",
                expected_daily_rate=Decimal("1000.00") if i == 5 else (
                    Decimal("250.00") + 10 * i if i % 4 == 0 else None)))
        members["others"] = others
        return members

    # --- projects, fundings, envelopes --------------------------------------------------
    def _project(self, name, slug, field_index, phase, is_open, fundings) -> Project:
        project = Project.objects.create(
            field=self.fields[field_index], name=name, slug=slug, phase=phase, is_open=is_open,
            start=self.year_start, end=datetime.date(self.today.year + 1, 12, 31),
            description=f"Projet collectif du réseau : {name.lower()}.",
            public_page=slug in ("legumerie", "numerique-accessible"),
            public_names="named" if slug == "legumerie" else "anonymised")
        budget = Decimal("0")
        for funder, reference, amount in fundings:
            Funding.objects.create(project=project, funder=funder, reference=reference,
                                   amount=Decimal(amount), start=self.year_start,
                                   end=datetime.date(self.today.year + 1, 12, 31))
            budget += Decimal(amount)
        created = self.start - datetime.timedelta(days=20)
        for name_, kind, rule, share, rate in ENVELOPE_PLAN:
            envelope = Envelope.objects.create(
                project=project, name=name_, kind=kind, rule=rule, daily_rate=rate,
                cap=Decimal("4000.00") if kind == "production" else None,
                # Mid-year runs keep their surplus in the envelope (carry); the commons and
                # reserve envelopes are funded at the start, as the networks do.
                surplus_policy="carry",
                coefficients={"creative": "1"} if kind == "creative" else {})
            Adjustment.objects.create(
                envelope=envelope, delta=(budget * share).quantize(Decimal("0.01")),
                reason="Enveloppe initiale votée en comité de pilotage", author=self.author,
                created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(10))))
        # One transfer between envelopes: two linked adjustments that sum to zero.
        production, coordination = project.envelopes.get(kind="production"), project.envelopes.get(kind="coordination")
        transfer = uuid.uuid4()
        when = timezone.make_aware(datetime.datetime.combine(self.start + datetime.timedelta(days=30), datetime.time(15)))
        for envelope, delta in ((production, Decimal("-500.00")), (coordination, Decimal("500.00"))):
            Adjustment.objects.create(envelope=envelope, delta=delta, transfer_id=transfer,
                                      reason="La coordination demande plus de temps que prévu",
                                      author=self.author, created_at=when)
        return project

    def _roles(self) -> None:
        m = self.members
        pilot, contributor, coordinator = m["pilot"], m["contributor"], m["coordinator"]
        others = m["others"]
        P = ProjectRole.Role
        # The demo pilot pilots two projects, each with a co-pilot (who validates the pilot's
        # own contributions: nobody validates their own work).
        for index, copilot in ((0, others[0]), (2, others[1])):
            ProjectRole.objects.create(project=self.projects[index], member=pilot, role=P.PILOT)
            ProjectRole.objects.create(project=self.projects[index], member=copilot, role=P.PILOT)
        ProjectRole.objects.create(project=self.projects[1], member=others[2], role=P.PILOT)
        ProjectRole.objects.create(project=self.projects[3], member=others[3], role=P.PILOT)
        ProjectRole.objects.create(project=self.projects[4], member=others[4], role=P.PILOT)
        ProjectRole.objects.create(project=self.projects[1], member=pilot, role=P.CONTRIBUTOR)
        for index in (0, 2, 3):
            ProjectRole.objects.create(project=self.projects[index], member=contributor,
                                       role=P.CONTRIBUTOR)
        ProjectRole.objects.create(project=self.projects[4], member=coordinator, role=P.CONTRIBUTOR)
        for i, member in enumerate(others[5:]):
            for index in {i % 5, (i * 2 + 1) % 5}:
                ProjectRole.objects.get_or_create(project=self.projects[index], member=member,
                                                  defaults={"role": P.CONTRIBUTOR})

    def _grains(self) -> list:
        grains = []
        period_end = datetime.date(self.today.year, 12, 31)
        specs = [(self.members["pilot"], 0, "contributive", None),
                 (self.members["others"][1], 2, "contributive", None),
                 (self.members["others"][3], 3, "salaried", Decimal("14500.00")),
                 (self.members["coordinator"], 4, "contributive", None)]
        for member, project_index, mode, cost in specs:
            project = self.projects[project_index]
            grains.append(CoordinationGrain.objects.create(
                member=member, field=project.field, project=project,
                envelope=project.envelopes.get(kind="coordination"), start=self.year_start,
                end=period_end, mode=mode, yearly_cost=cost))
        return grains

    # --- contributions --------------------------------------------------------------------
    def _contributions(self, grains) -> int:
        rng = self.rng
        roles = ProjectRole.objects.select_related("project", "member")
        envelopes = {}
        for envelope in Envelope.objects.all():
            envelopes.setdefault(envelope.project_id, {})[envelope.kind] = envelope
        grain_by_member = {g.member_id: g for g in grains}
        pilots = {}
        for role in roles.filter(role="pilot"):
            pilots.setdefault(role.project_id, []).append(role.member)
        kinds = [("production", "production", 6), ("coordination", "coordination", 2),
                 ("support", "support_com", 2), ("support", "support_docu", 1),
                 ("meeting", "production", 1), ("creative", "creative", 1)]
        weights = [k[2] for k in kinds]
        rows = []
        days = (self.today - self.start).days
        for role in roles:
            member, project = role.member, role.project
            activity = 18 if member in (self.members["contributor"], self.members["pilot"]) else rng.choice([3, 5, 8, 12, 20])
            for _ in range(activity):
                kind, envelope_kind, _w = rng.choices(kinds, weights)[0]
                date = self.start + datetime.timedelta(days=rng.randrange(days + 1))
                if date.weekday() >= 5:
                    date -= datetime.timedelta(days=2)
                hours = Decimal(rng.choice([1, 2, 3, 4, 6, 8, 12, 14, 16, 28])) / 4
                age = (self.today - date).days
                status = ("draft" if age < 6 and rng.random() < .6 else
                          "submitted" if age < 25 and rng.random() < .7 else
                          "rejected" if rng.random() < .05 else "validated")
                grain = grain_by_member.get(member.pk)
                validator = next((p for p in pilots.get(project.pk, []) if p.pk != member.pk), None)
                if status == "validated" and validator is None:
                    status = "submitted"
                # The demo pilot's own work on the projects he pilots waits for his co-pilot
                # (nobody validates their own work): he has no share in their runs, so he
                # can approve them in the demo.
                if member == self.members["pilot"] and role.role == "pilot" and status in ("validated", "rejected"):
                    status = "submitted"
                invited_by = None
                if kind == "creative":
                    invited_by = validator
                rows.append(Contribution(
                    member=member, project=project, envelope=envelopes[project.pk][envelope_kind],
                    date=date, hours=hours, kind=kind,
                    description=rng.choice(DESCRIPTIONS["support" if kind == "support" else kind]),
                    grain=grain if kind == "coordination" and grain and grain.project_id == project.pk else None,
                    invited_by=invited_by, salaried=member.home_place_id == self.places[5].pk and kind == "production" and rng.random() < .3,
                    status=status,
                    rejection_comment="Merci de préciser le livrable et la date exacte." if status == "rejected" else "",
                    validated_by=validator if status == "validated" else None,
                    validated_at=timezone.now() if status == "validated" else None))
        # The demo contributor always has one of each status to look at.
        c, p = self.members["contributor"], self.projects[0]
        for status, label, comment in (("draft", "brouillon", ""), ("submitted", "soumise", ""),
                                       ("rejected", "refusée", "Doublon avec la saisie du mardi : à fusionner.")):
            rows.append(Contribution(member=c, project=p, envelope=envelopes[p.pk]["production"],
                                     date=self.today - datetime.timedelta(days=3), hours=Decimal("2.5"),
                                     kind="production", description=f"Préparation de l'atelier ({label})",
                                     status=status, rejection_comment=comment))
        Contribution.objects.bulk_create(rows, batch_size=500)
        return len(rows)

    # --- retribution runs (runs feature) ------------------------------------------------
    def _retribution_runs(self) -> int:
        """Through the run services: one approved run on the Légumerie's production envelope
        with two lines paid, one draft run on its communication envelope, and one smoothing
        request, so the demo shows every status. Computed in-process (the task that the
        services also enqueue finds the run computed and does nothing)."""
        from django.core.exceptions import ValidationError

        from retributions.models import SmoothingRequest
        from retributions.services import payments as pay_services
        from retributions.services import runs as run_services

        pilot, treasurer = self.members["pilot"].user, self.members["treasurer"].user
        legumerie = self.projects[2]
        made = 0
        plans = [("production", self.start, self.today - datetime.timedelta(days=35), True),
                 ("support_com", self.start, self.today, False)]
        for kind, start, end, approve in plans:
            envelope = legumerie.envelopes.get(kind=kind)
            try:
                run = run_services.run_create(actor=pilot, envelope=envelope,
                                              period_start=start, period_end=end)
            except ValidationError:
                continue  # no validated work in that window with this seed: skip
            run = run_services.run_compute(run_id=run.pk)
            made += 1
            if approve and run is not None and run.status == "draft":
                run_services.run_approve(actor=pilot, run=run)
                paid = list(run.lines.filter(money__gt=0).order_by("member__last_name")
                            .values_list("pk", flat=True)[:2])
                pay_services.payments_mark_paid(
                    actor=treasurer, line_ids=paid, paid_on=self.today - datetime.timedelta(days=7),
                    reference=f"VIR-{self.today:%Y%m}-001")
        demo = [self.members[r].pk for r in ("contributor", "pilot", "treasurer", "coordinator")]
        asker = (Member.objects.filter(contributions__project=legumerie).exclude(pk__in=demo)
                 .order_by("pk").first())
        if asker is not None:
            SmoothingRequest.objects.create(
                member=asker, project=legumerie, period_start=self.year_start,
                period_end=datetime.date(self.today.year, 12, 31),
                reason="Beaucoup de préparation des ateliers non déclarée en heures.")
        return made


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)
