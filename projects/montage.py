"""Setting up a project (*montage de projet*, DESIGN.md §10): the project, its pilots and
team, its fundings and its envelopes proposed from the network's template, all created in
one transaction with its audit record — or nothing at all.

The template follows the networks' practice: production, coordination (paid from the
project's own envelope: the 0.2 "drive" part of a grain), the four support envelopes
(admin, coop, com, docu), creative/alignment sessions, commons and a smoothing reserve. Each
row suggests a share of the budget (a percentage), a rule and a reference daily rate; the
person setting up edits every row before saving. The template is a network setting
(``NetworkSettings.envelope_template``, edited on the network settings page); an empty one
falls back to :data:`contribbudget.network_defaults.DEFAULT_ENVELOPE_TEMPLATE`.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, FieldOfAction, Member, NetworkSettings
from contribbudget.money import ZERO, format_date, format_money, to_cents
from contribbudget.network_defaults import DEFAULT_ENVELOPE_TEMPLATE
from contribbudget.services import audit_record

from . import list_cache, services
from .models import RESERVED_SLUGS, Envelope, Funding, Project, ProjectRole
from .selectors import project_envelopes

# Rule parameters a copied project takes over from the envelope of the same name.
COPIED_PARAMETERS = ("hours_per_day", "declined_shares", "surplus_policy",
                     "surplus_commons_percent", "coefficients", "coefficients_reason")


def lock_project(project_id: int) -> Project:
    """The project's row lock, the one every budget, team and closing change queues on
    (the envelope services take the same lock)."""
    return Project.objects.select_for_update().get(pk=project_id)


def envelope_template() -> list[dict]:
    """The network's envelope template, or the default one. A malformed row of the
    network's template is skipped rather than breaking the page."""
    rows = NetworkSettings.load().envelope_template or DEFAULT_ENVELOPE_TEMPLATE
    valid = []
    for row in rows:
        if (isinstance(row, dict) and row.get("kind") in Envelope.Kind.values
                and row.get("rule", "time_rate") in Envelope.Rule.values and row.get("name")):
            valid.append({"kind": row["kind"], "name": str(row["name"]),
                          "share": str(row.get("share") or "0"),
                          "rule": row.get("rule") or "time_rate",
                          "daily_rate": str(row.get("daily_rate") or "250.00")})
    return valid


def share_amount(budget: Decimal, share: Decimal) -> Decimal:
    """The amount a share (percent) of the budget gives, half-up to the cent."""
    return to_cents(budget * share / Decimal(100))


@dataclass
class FundingInput:
    funder: str
    reference: str
    amount: Decimal | None
    start: datetime.date | None
    end: datetime.date | None


@dataclass
class EnvelopeInput:
    name: str
    kind: str
    rule: str
    daily_rate: Decimal | None
    amount: Decimal | None
    extra: dict = field(default_factory=dict)


def _d(value: datetime.date) -> str:
    return format_date(value)  # the one date format of messages


def check_funding_period(project_start: datetime.date, project_end: datetime.date | None,
                         start: datetime.date | None, end: datetime.date | None,
                         label: str) -> list[str]:
    """A funding's eligible period lies inside the project's period (one home for the rule,
    used by the setup and by the funding services)."""
    errors = []
    if start is None or end is None:
        return [_("%(label)s : indiquez le début et la fin de la période éligible.")
                % {"label": label}]
    if end < start:
        errors.append(_("%(label)s : la fin de la période éligible précède son début.")
                      % {"label": label})
    if start < project_start or (project_end is not None and end > project_end):
        period = (_("du %(start)s au %(end)s") % {"start": _d(project_start), "end": _d(project_end)}
                  if project_end else _("à partir du %(start)s") % {"start": _d(project_start)})
        errors.append(_("%(label)s : la période éligible (%(fstart)s – %(fend)s) sort de la "
                        "période du projet (%(period)s). Raccourcissez-la ou élargissez celle "
                        "du projet.") % {"label": label, "fstart": _d(start), "fend": _d(end),
                                         "period": period})
    return errors


def _check_project_fields(*, name: str, slug: str, start, end, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append(_("Donnez un nom au projet."))
    elif Project.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        errors.setdefault("name", []).append(
            _("Un projet s'appelle déjà « %(name)s » : choisissez un autre nom (par exemple "
              "avec l'année ou le territoire).") % {"name": name})
    try:
        validate_slug(slug)
    except ValidationError:
        errors.setdefault("slug", []).append(
            _("L'identifiant ne peut contenir que des lettres sans accent, des chiffres et des "
              "tirets."))
    else:
        if slug in RESERVED_SLUGS:
            errors.setdefault("slug", []).append(
                _("« %(slug)s » est réservé par l'application : choisissez un autre "
                  "identifiant.") % {"slug": slug})
        elif Project.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
            errors.setdefault("slug", []).append(
                _("L'identifiant « %(slug)s » est déjà pris par un autre projet : choisissez-en "
                  "un autre.") % {"slug": slug})
    if start is None:
        errors.setdefault("start", []).append(_("Indiquez la date de début du projet."))
    elif end is not None and end < start:
        errors.setdefault("end", []).append(_("La fin du projet précède son début."))
    return errors


def _check_fundings(fundings: list[FundingInput], start, end) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for i, f in enumerate(fundings, start=1):
        label = _("Financement %(n)d (%(funder)s)") % {"n": i, "funder": f.funder or "?"}
        if not f.funder.strip() or not f.reference.strip():
            errors.append(_("%(label)s : indiquez le financeur et la référence de la "
                            "convention.") % {"label": label})
        if f.reference.strip().lower() in seen:
            errors.append(_("%(label)s : la référence « %(ref)s » est déjà utilisée par un autre "
                            "financement du projet.") % {"label": label, "ref": f.reference})
        seen.add(f.reference.strip().lower())
        if f.amount is None or f.amount <= 0:
            errors.append(_("%(label)s : le montant doit être positif.") % {"label": label})
        elif f.amount != f.amount.quantize(Decimal("0.01")):
            errors.append(_("%(label)s : un montant s'exprime au centime près.")
                          % {"label": label})
        if start is not None:
            errors += check_funding_period(start, end, f.start, f.end, label)
    return errors


def _check_envelopes(envelopes: list[EnvelopeInput], budget: Decimal) -> list[str]:
    errors: list[str] = []
    names: set[str] = set()
    total = ZERO
    for i, e in enumerate(envelopes, start=1):
        label = _("Enveloppe %(n)d (%(name)s)") % {"n": i, "name": e.name or "?"}
        if not e.name.strip():
            errors.append(_("%(label)s : donnez-lui un nom.") % {"label": label})
        elif e.name.strip().lower() in names:
            errors.append(_("%(label)s : deux enveloppes portent ce nom.") % {"label": label})
        names.add(e.name.strip().lower())
        if e.kind not in Envelope.Kind.values or e.rule not in Envelope.Rule.values:
            errors.append(_("%(label)s : type ou règle inconnus.") % {"label": label})
        if e.daily_rate is None or e.daily_rate < 0:
            errors.append(_("%(label)s : le coût journalier ne peut pas être négatif.")
                          % {"label": label})
        elif e.rule == Envelope.Rule.TIME_RATE and e.daily_rate == 0:
            errors.append(_("%(label)s : la règle « au temps passé » a besoin d'un coût "
                            "journalier.") % {"label": label})
        if e.amount is None or e.amount < 0:
            errors.append(_("%(label)s : le montant ne peut pas être négatif.") % {"label": label})
        else:
            total += e.amount
    if total > budget:
        errors.append(_(
            "Les enveloppes totalisent %(total)s, au-delà du budget (%(budget)s, la somme des "
            "financements) : baissez des enveloppes de %(over)s ou ajoutez un financement.")
            % {"total": format_money(total), "budget": format_money(budget),
               "over": format_money(total - budget)})
    return errors


@transaction.atomic
def project_setup(*, author, field: FieldOfAction, name: str, slug: str = "",
                  description: str = "", start: datetime.date | None,
                  end: datetime.date | None = None, phase: str = Project.Phase.EMERGENCE,
                  is_open: bool = True, pilots: list[Member],
                  fundings: list[FundingInput], envelopes: list[EnvelopeInput],
                  copy_from: Project | None = None) -> Project:
    """Create a project with its pilots, fundings and envelopes — all or nothing. With
    ``copy_from``, the earlier project's contributors join the team and each envelope takes
    over the rule parameters of the envelope of the same name. Raises ``ValidationError``
    keyed ``name``/``slug``/``start``/``end``/``pilots``/``fundings``/``envelopes``."""
    name = (name or "").strip()
    slug = (slug or "").strip() or slugify(name)[:80]
    errors = _check_project_fields(name=name, slug=slug, start=start, end=end)
    if phase not in Project.Phase.values or phase == Project.Phase.CLOSED:
        errors.setdefault("phase", []).append(_("Un projet se monte en émergence ou en "
                                                "production."))
    if not pilots:
        errors.setdefault("pilots", []).append(_("Choisissez au moins un·e pilote."))
    funding_errors = _check_fundings(fundings, start, end)
    if funding_errors:
        errors["fundings"] = funding_errors
    budget = sum((f.amount for f in fundings if f.amount and f.amount > 0), ZERO)
    envelope_errors = _check_envelopes(envelopes, budget)
    if envelope_errors:
        errors["envelopes"] = envelope_errors
    if errors:
        raise ValidationError(errors)
    try:
        # A savepoint: two people creating the same slug at once, the second one gets the
        # message below instead of an error page (the unique index decides).
        with transaction.atomic():
            project = Project.objects.create(field=field, name=name, slug=slug,
                                             description=(description or "").strip(),
                                             start=start, end=end, phase=phase,
                                             is_open=is_open)
    except IntegrityError as exc:
        raise ValidationError({"slug": _("L'identifiant « %(slug)s » est déjà pris par un autre "
                                         "projet : choisissez-en un autre.") % {"slug": slug}}
                              ) from exc
    pilot_ids = {m.pk for m in pilots}
    roles = [ProjectRole(project=project, member=m, role=ProjectRole.Role.PILOT) for m in pilots]
    if copy_from is not None:
        roles += [ProjectRole(project=project, member_id=member_id,
                              role=ProjectRole.Role.CONTRIBUTOR)
                  for member_id in copy_from.roles.values_list("member_id", flat=True)
                  if member_id not in pilot_ids]
    ProjectRole.objects.bulk_create(roles)
    list_cache.forget(list_cache.LOGGING)  # bulk_create sends no signal; the pilots log here
    Funding.objects.bulk_create([
        Funding(project=project, funder=f.funder.strip(), reference=f.reference.strip(),
                amount=f.amount, start=f.start, end=f.end) for f in fundings])
    source = ({e.name.lower(): e for e in copy_from.envelopes.all()} if copy_from else {})
    for e in envelopes:
        extra = {k: getattr(source[e.name.strip().lower()], k) for k in COPIED_PARAMETERS} \
            if e.name.strip().lower() in source else {}
        extra.update(e.extra)
        # The envelope service locks the project, checks the budget and audits each one.
        services.envelope_create(project=project, author=author, name=e.name, kind=e.kind,
                                 rule=e.rule, daily_rate=e.daily_rate, amount=e.amount,
                                 reason=_("Montage du projet"), **extra)
    audit_record(actor=author, action=AuditEvent.Action.PROJECT_CREATED, obj=project,
                 project=project,
                 data={"name": name, "slug": slug, "budget": str(budget),
                       "pilots": sorted(pilot_ids), "team": len(roles),
                       "fundings": [{"funder": f.funder, "reference": f.reference,
                                     "amount": str(f.amount)} for f in fundings],
                       "envelopes": [{"name": e.name, "kind": e.kind, "amount": str(e.amount)}
                                     for e in envelopes],
                       "copied_from": copy_from.pk if copy_from else None})
    return project


def copy_initial(source: Project) -> dict:
    """What the setup form starts from when copying ``source``: same field, pilots and
    envelope structure (each envelope's share of the old budget), no fundings."""
    budget = sum((f.amount for f in source.fundings.all()), ZERO)
    rows = []
    for e in project_envelopes(source):
        share = (e.amount * 100 / budget).quantize(Decimal("0.01")) if budget else Decimal("0")
        rows.append({"kind": e.kind, "name": e.name, "share": str(share), "rule": e.rule,
                     "daily_rate": str(e.daily_rate)})
    # The next edition starts the day after the earlier one ends, for as long.
    start = end = None
    if source.end:
        start = source.end + datetime.timedelta(days=1)
        end = start + (source.end - source.start)
    return {"field": source.field_id, "description": source.description,
            "start": start, "end": end,
            "is_open": source.is_open,
            "pilots": list(source.roles.filter(role=ProjectRole.Role.PILOT)
                           .values_list("member_id", flat=True)),
            "envelopes": rows}


def parse_decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None
