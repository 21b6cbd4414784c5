"""Small factories: plain functions with sensible defaults, so tests read as sentences."""
from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from contribbudget.models import FieldOfAction, Member, Place
from contributions.models import Contribution
from projects.models import Adjustment, CoordinationGrain, Envelope, Funding, Project, ProjectRole

_seq = itertools.count(1)
PASSWORD = "mot-de-passe-de-test-2026"


def place(**kw) -> Place:
    n = next(_seq)
    kw.setdefault("name", f"Lieu {n}")
    kw.setdefault("slug", f"lieu-{n}")
    kw.setdefault("siret", f"{n:014d}")
    kw.setdefault("address", f"{n} rue des Tests, 37000 Tours")
    return Place.objects.create(**kw)


def member(first_name: str = "Alex", last_name: str | None = None, **kw) -> Member:
    n = next(_seq)
    last_name = last_name or f"Test{n}"
    email = kw.pop("email", f"{first_name.lower()}.{n}@example.org")
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return Member.objects.create(user=user, first_name=first_name, last_name=last_name, **kw)


def field(**kw) -> FieldOfAction:
    n = next(_seq)
    kw.setdefault("name", f"Champ {n}")
    kw.setdefault("slug", f"champ-{n}")
    kw.setdefault("start", datetime.date(2026, 1, 1))
    kw.setdefault("end", datetime.date(2027, 12, 31))
    return FieldOfAction.objects.create(**kw)


def project(*, budget: str | Decimal = "10000.00", **kw) -> Project:
    n = next(_seq)
    kw.setdefault("field", field())
    kw.setdefault("name", f"Projet {n}")
    kw.setdefault("slug", f"projet-{n}")
    kw.setdefault("start", datetime.date(2026, 1, 1))
    kw.setdefault("end", datetime.date(2027, 12, 31))
    kw.setdefault("phase", Project.Phase.PRODUCTION)
    p = Project.objects.create(**kw)
    if budget:
        Funding.objects.create(project=p, funder="Région", reference=f"REF-{n}",
                               amount=Decimal(budget), start=p.start, end=p.end or p.start)
    return p


def envelope(project: Project, *, amount: str | Decimal | None = "5000.00", author=None,
             **kw) -> Envelope:
    n = next(_seq)
    kw.setdefault("name", f"Enveloppe {n}")
    kw.setdefault("kind", Envelope.Kind.PRODUCTION)
    kw.setdefault("daily_rate", Decimal("280.00"))
    e = Envelope.objects.create(project=project, **kw)
    if amount:
        author = author or member("Auteur").user
        Adjustment.objects.create(envelope=e, delta=Decimal(amount), reason="Enveloppe initiale",
                                  author=author)
    return e


def role(project: Project, member: Member, role: str = ProjectRole.Role.CONTRIBUTOR) -> ProjectRole:
    return ProjectRole.objects.create(project=project, member=member, role=role)


def contribution(member: Member, envelope: Envelope, **kw) -> Contribution:
    kw.setdefault("project", envelope.project)
    kw.setdefault("date", timezone.localdate() - datetime.timedelta(days=1))
    kw.setdefault("hours", Decimal("2.00"))
    kw.setdefault("kind", Contribution.Kind.PRODUCTION)
    kw.setdefault("description", "Atelier")
    return Contribution.objects.create(member=member, envelope=envelope, **kw)


def grain(member: Member, envelope: Envelope, **kw) -> CoordinationGrain:
    kw.setdefault("field", envelope.project.field)
    kw.setdefault("project", envelope.project)
    kw.setdefault("start", datetime.date(2026, 1, 1))
    kw.setdefault("end", datetime.date(2026, 12, 31))
    return CoordinationGrain.objects.create(member=member, envelope=envelope, **kw)


@dataclass
class World:
    project: Project
    other_project: Project
    envelope: Envelope
    other_envelope: Envelope
    contributor: Member
    pilot: Member
    copilot: Member
    treasurer: Member
    coordinator: Member
    outsider: Member

    @classmethod
    def build(cls) -> World:
        home = place(name="La Fabrique", slug="la-fabrique")
        contributor = member("Camille", home_place=home)
        pilot = member("Malik")
        copilot = member("Nadia")
        treasurer = member("Hélène", is_treasurer=True)
        coordinator = member("Sacha", is_coordinator=True)
        outsider = member("Olga")
        p = project(name="Légumerie", slug="legumerie", budget="20000.00")
        other = project(name="Festival", slug="festival", budget="8000.00")
        role(p, contributor)
        role(p, pilot, ProjectRole.Role.PILOT)
        role(p, copilot, ProjectRole.Role.PILOT)
        role(other, outsider, ProjectRole.Role.PILOT)
        env = envelope(p, name="Production", amount="10000.00", author=coordinator.user)
        other_env = envelope(other, name="Production", amount="4000.00", author=coordinator.user)
        return cls(p, other, env, other_env, contributor, pilot, copilot, treasurer, coordinator,
                   outsider)
