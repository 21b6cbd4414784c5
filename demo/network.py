"""The demo network: settings, places, people, fields of action, projects with their fundings,
envelopes and teams, and the coordination grains.

Money, budgets and grains go through the services people use (``envelope_create``,
``envelope_transfer``, ``grain_create``), so the demo obeys their rules and writes their
audit. The rows that have no service yet (the network's settings, places, accounts, fields,
projects, fundings, team roles: the set-up pages of issue 11) are written here with the
model's own validation (``full_clean``), and are to go through those services once they
exist.
"""
from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TypeVar

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from contribbudget.models import FieldOfAction, Member, NetworkSettings, Place, Preference
from contribbudget.money import to_cents
from projects.models import CoordinationGrain, Funding, Project, ProjectRole
from projects.services import envelope_create, envelope_transfer, grain_create

from .data import DEMO_ACCOUNTS, ENVELOPE_PLAN, FIELDS, FIRST_NAMES, LAST_NAMES, PLACES, PROJECTS

M = TypeVar("M", bound=models.Model)


def _saved(obj: M) -> M:
    obj.full_clean()
    obj.save()
    return obj


class DemoNetwork:
    """The network's structure; :mod:`demo.activity` then logs and retributes the work."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=91)
        self.year_start = datetime.date(self.today.year, 1, 1)

    def build(self) -> None:
        settings = NetworkSettings.load()
        settings.name = "Réseau Tiers-Lieux en Commun (démo)"
        _saved(settings)
        self.places = [_saved(Place(name=n, slug=slugify(n), city=c, siret=s, address=a,
                                    email=f"contact@{slugify(n)}.example.org"))
                       for n, c, s, a in PLACES]
        self.members = self._members()
        self.fields = [_saved(FieldOfAction(name=n, slug=s, start=self.year_start,
                                            end=datetime.date(self.today.year + 2, 12, 31)))
                       for n, s in FIELDS]
        self.author = self.members["coordinator"].user
        self.projects = [self._project(*spec) for spec in PROJECTS]
        self._roles()
        self.grains = self._grains()

    # --- people --------------------------------------------------------------------------
    def _account(self, email: str, password: str | None):
        user = get_user_model().objects.create_user(username=email, email=email,
                                                    password=password)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _members(self) -> dict:
        members: dict = {}
        for i, (email, password, first, last, role) in enumerate(DEMO_ACCOUNTS):
            members[role] = _saved(Member(
                user=self._account(email, password), first_name=first, last_name=last,
                home_place=self.places[i % 6],
                is_treasurer=role == "treasurer", is_coordinator=role == "coordinator",
                expected_daily_rate=Decimal("300.00") if role == "contributor" else None,
                siret="90123456700018" if role == "contributor" else "",
                address="5 rue Nationale, 37000 Tours" if role == "contributor" else ""))
        preferences = ([Preference.MONEY_SELF] * 14 + [Preference.MONEY_PLACE] * 6
                       + [Preference.VOLUNTEER] * 3 + [Preference.SYMBOLIC] * 3)
        others = []
        # Other demo members cannot log in: one unusable password (hashing 26 is slow).
        for i in range(26):
            first, last = FIRST_NAMES[i], LAST_NAMES[i]
            pref = preferences[i]
            others.append(_saved(Member(
                user=self._account(f"{slugify(first)}.{slugify(last)}@demo.tiers-lieux.org",
                                   None),
                first_name=first, last_name=last, home_place=self.places[i % 6],
                preference=pref,
                symbolic_text="Choisir les couleurs du site" if pref == Preference.SYMBOLIC else "",
                expected_daily_rate=Decimal("1000.00") if i == 5 else (
                    Decimal("250.00") + 10 * i if i % 4 == 0 else None))))
        members["others"] = others
        return members

    # --- projects, fundings, envelopes --------------------------------------------------
    def _project(self, name, slug, field_index, phase, is_open, fundings) -> Project:
        end = datetime.date(self.today.year + 1, 12, 31)
        project = _saved(Project(
            field=self.fields[field_index], name=name, slug=slug, phase=phase, is_open=is_open,
            start=self.year_start, end=end,
            description=f"Projet collectif du réseau : {name.lower()}.",
            public_page=slug in ("legumerie", "numerique-accessible"),
            public_names="named" if slug == "legumerie" else "anonymised"))
        budget = Decimal("0")
        for funder, reference, amount in fundings:
            _saved(Funding(project=project, funder=funder, reference=reference,
                           amount=Decimal(amount), start=self.year_start, end=end))
            budget += Decimal(amount)
        envelopes = {}
        for name_, kind, rule, share, rate in ENVELOPE_PLAN:
            envelopes[kind] = envelope_create(
                project=project, author=self.author, name=name_, kind=kind, rule=rule,
                daily_rate=rate, cap=Decimal("4000.00") if kind == "production" else None,
                # Mid-year runs keep their surplus in the envelope (carry); the commons and
                # reserve envelopes are funded at the start, as the networks do.
                surplus_policy="carry",
                coefficients={"creative": "1"} if kind == "creative" else {},
                coefficients_reason=("Les sessions créatives sont rétribuées sur invitation."
                                     if kind == "creative" else ""),
                amount=to_cents(budget * share),
                reason="Enveloppe initiale votée en comité de pilotage")
        # One transfer between envelopes: two linked adjustments that sum to zero.
        envelope_transfer(source=envelopes["production"], target=envelopes["coordination"],
                          amount=Decimal("500.00"), author=self.author,
                          reason="La coordination demande plus de temps que prévu")
        return project

    def _role(self, project: Project, member: Member, role: str) -> None:
        _saved(ProjectRole(project=project, member=member, role=role))

    def _roles(self) -> None:
        m = self.members
        pilot, contributor, coordinator = m["pilot"], m["contributor"], m["coordinator"]
        others = m["others"]
        P = ProjectRole.Role
        # The demo pilot pilots two projects, each with a co-pilot (who validates the pilot's
        # own contributions: nobody validates their own work).
        for index, copilot in ((0, others[0]), (2, others[1])):
            self._role(self.projects[index], pilot, P.PILOT)
            self._role(self.projects[index], copilot, P.PILOT)
        self._role(self.projects[1], others[2], P.PILOT)
        self._role(self.projects[3], others[3], P.PILOT)
        self._role(self.projects[4], others[4], P.PILOT)
        self._role(self.projects[1], pilot, P.CONTRIBUTOR)
        for index in (0, 2, 3):
            self._role(self.projects[index], contributor, P.CONTRIBUTOR)
        # The coordinator's grain drives project 4: a grain's 0.2 "drive" part goes to a
        # project its holder pilots (projects.grain_rules).
        self._role(self.projects[4], coordinator, P.PILOT)
        for i, member in enumerate(others[5:]):
            for index in {i % 5, (i * 2 + 1) % 5}:
                if not ProjectRole.objects.filter(project=self.projects[index],
                                                  member=member).exists():
                    self._role(self.projects[index], member, P.CONTRIBUTOR)

    def _grains(self) -> list[CoordinationGrain]:
        period_end = datetime.date(self.today.year, 12, 31)
        specs = [(self.members["pilot"], 0, "contributive", None),
                 (self.members["others"][1], 2, "contributive", None),
                 (self.members["others"][3], 3, "salaried", Decimal("14500.00")),
                 (self.members["coordinator"], 4, "contributive", None)]
        grains = []
        for member, project_index, mode, cost in specs:
            project = self.projects[project_index]
            grains.append(grain_create(
                author=self.author, member=member, field=project.field, project=project,
                envelope=project.envelopes.get(kind="coordination"), start=self.year_start,
                end=period_end, mode=mode, yearly_cost=cost))
        return grains
