"""Payee details and self-billing mandates (*mandats d'autofacturation*), each change audited.

A mandate is written (its terms are stored as accepted), prior (it covers runs approved
after its start), revocable at any time by its signer, with a contest period. Only a member
invoicing in their own name with a SIRET, under *franchise en base de TVA*, can sign one here:
the self-billed invoice then needs no VAT computation ("TVA non applicable, art. 293 B du
CGI"). Others keep the invoice request (*appel à facture*)."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget import payee as checks
from contribbudget.models import AuditEvent, Member, NetworkSettings, Place
from contribbudget.services import audit_record

from ..models import SelfBillingMandate

DEFAULT_DURATION_MONTHS = 12
DEFAULT_CONTEST_DAYS = 15


def mandate_terms(member: Member, *, duration_months: int = DEFAULT_DURATION_MONTHS,
                  contest_days: int = DEFAULT_CONTEST_DAYS) -> str:
    """The mandate's text, as the member reads and accepts it (stored with the mandate)."""
    network = NetworkSettings.load().name
    return _(
        "Je soussigné·e %(name)s (SIRET %(siret)s) donne mandat à %(network)s d'établir en mon "
        "nom et pour mon compte les factures relatives aux rétributions qui me sont versées "
        "(article 289 I-2 du code général des impôts). Chaque facture porte la mention "
        "« Autofacturation », un numéro de ma propre série, sans rupture, et m'est remise dès "
        "son émission. Je dispose de %(days)s jours à compter de sa mise à disposition pour la "
        "contester ; passé ce délai, elle est réputée acceptée. Ce mandat vaut pour "
        "%(months)s mois et je peux le révoquer à tout moment : les calculs approuvés ensuite "
        "donneront lieu à un appel à facture."
    ) % {"name": member.full_name, "siret": member.siret or "—", "network": network,
         "days": contest_days, "months": duration_months}


def active_mandate(member: Member, day: datetime.date | None = None) -> SelfBillingMandate | None:
    day = day or timezone.localdate()
    mandate = SelfBillingMandate.objects.filter(member=member, revoked_at__isnull=True).first()
    return mandate if mandate and mandate.covers(day) else None


@transaction.atomic
def mandate_accept(*, member: Member, actor, duration_months: int = DEFAULT_DURATION_MONTHS,
                   contest_days: int = DEFAULT_CONTEST_DAYS,
                   starts_on: datetime.date | None = None) -> SelfBillingMandate:
    member = Member.objects.select_for_update().get(pk=member.pk)
    if getattr(actor, "pk", None) != member.user_id:
        raise ValidationError(_("Seul·e la personne elle-même peut signer son mandat."))
    errors = []
    if not member.siret:
        errors.append(_("Renseignez d'abord votre SIRET : l'autofacturation émet des factures "
                        "à votre nom d'entreprise."))
    if member.vat_status != checks.FRANCHISE:
        errors.append(_("L'autofacturation n'est proposée ici qu'en franchise en base de TVA "
                        "(art. 293 B du CGI) : indiquez ce régime, ou gardez l'appel à facture."))
    if not 1 <= int(duration_months) <= 36:
        errors.append(_("La durée du mandat va de 1 à 36 mois."))
    if not 7 <= int(contest_days) <= 90:
        errors.append(_("Le délai de contestation va de 7 à 90 jours."))
    if SelfBillingMandate.objects.filter(member=member, revoked_at__isnull=True).exists():
        errors.append(_("Vous avez déjà un mandat en cours."))
    if errors:
        raise ValidationError(errors)
    mandate = SelfBillingMandate.objects.create(
        member=member, starts_on=starts_on or timezone.localdate(),
        duration_months=duration_months, contest_days=contest_days,
        terms=mandate_terms(member, duration_months=duration_months, contest_days=contest_days))
    audit_record(actor=actor, action=AuditEvent.Action.MANDATE_ACCEPTED, obj=mandate,
                 data={"member": member.pk, "months": duration_months, "days": contest_days})
    return mandate


@transaction.atomic
def mandate_revoke(*, mandate: SelfBillingMandate, actor) -> SelfBillingMandate:
    """Revoke at once: invoices already issued stay; the next approved runs fall back to an
    invoice request."""
    mandate = SelfBillingMandate.objects.select_for_update().get(pk=mandate.pk)
    if getattr(actor, "pk", None) != mandate.member.user_id:
        raise ValidationError(_("Seul·e la personne elle-même peut révoquer son mandat."))
    if mandate.revoked_at is not None:
        raise ValidationError(_("Ce mandat est déjà révoqué."))
    mandate.revoked_at = timezone.now()
    mandate.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=AuditEvent.Action.MANDATE_REVOKED, obj=mandate,
                 data={"member": mandate.member_id})
    return mandate


@transaction.atomic
def payee_update(*, target: Member | Place, actor, iban: str = "", bic: str = "",
                 vat_status: str = "", vat_number: str = "", siret: str | None = None) -> Member | Place:
    """Bank details and VAT status of a member (by themself) or a place (by the treasury),
    checked with schwifty and python-stdnum; nothing is saved unless all of it is valid."""
    model = type(target)
    target = model.objects.select_for_update().get(pk=target.pk)
    errors = {}
    try:
        cleaned = checks.clean_payee(iban=iban, bic=bic, vat_status=vat_status,
                                     vat_number=vat_number)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = {}
    if siret is not None:
        try:
            cleaned["siret"] = checks.clean_siret(siret)
        except ValidationError as error:
            errors["siret"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    before = {k: getattr(target, k) for k in cleaned}
    for key, value in cleaned.items():
        setattr(target, key, value)
    target.save(update_fields=list(cleaned))
    changed = sorted(k for k in cleaned if before[k] != cleaned[k])
    if changed:
        audit_record(actor=actor, action=AuditEvent.Action.PAYEE_UPDATED, obj=target,
                     data={"fields": changed})  # the values stay out of the trail
    return target
