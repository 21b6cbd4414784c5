"""Checks and display of a payee's identity (DESIGN.md §11): IBAN and BIC with ``schwifty``,
SIRET, SIREN and VAT numbers with ``python-stdnum``. Each ``clean_*`` returns the compact,
upper-case form or raises ``ValidationError`` with a French message; an empty value stays
empty (the field is optional)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret

FRANCHISE = "franchise"
VAT = "vat"
FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"


def _compact(value: str) -> str:
    return "".join((value or "").split()).upper()


def clean_iban(value: str) -> str:
    value = _compact(value)
    if not value:
        return ""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise ValidationError(_("IBAN invalide : vérifiez les chiffres (clé de contrôle "
                                "incorrecte ou longueur fausse pour ce pays).")) from exc


def clean_bic(value: str) -> str:
    value = _compact(value)
    if not value:
        return ""
    try:
        return BIC(value).compact
    except SchwiftyException as exc:
        raise ValidationError(_("BIC invalide : 8 ou 11 caractères, par exemple BNPAFRPP.")) from exc


def clean_siret(value: str) -> str:
    value = _compact(value)
    if not value:
        return ""
    try:
        return siret.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("SIRET invalide : 14 chiffres dont le dernier est une clé de "
                                "contrôle (vérifiez-le sur votre avis de situation INSEE).")) from exc


def clean_siren(value: str) -> str:
    value = _compact(value)
    if not value:
        return ""
    try:
        return siren.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("SIREN invalide : 9 chiffres dont le dernier est une clé de "
                                "contrôle.")) from exc


def clean_vat_number(value: str) -> str:
    value = _compact(value)
    if not value:
        return ""
    try:
        return vat.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("Numéro de TVA intracommunautaire invalide (par exemple "
                                "FR40303265045).")) from exc


def clean_payee(*, iban: str, bic: str, vat_status: str, vat_number: str) -> dict:
    """The four payee fields checked together; errors keyed by field, nothing half-valid."""
    cleaned, errors = {}, {}
    for name, cleaner, value in (("iban", clean_iban, iban), ("bic", clean_bic, bic),
                                 ("vat_number", clean_vat_number, vat_number)):
        try:
            cleaned[name] = cleaner(value)
        except ValidationError as error:
            errors[name] = error.messages[0]
    if vat_status not in ("", FRANCHISE, VAT):
        errors["vat_status"] = _("Régime de TVA inconnu.")
    elif vat_status == VAT and not errors.get("vat_number") and not cleaned.get("vat_number"):
        errors["vat_number"] = _("Assujetti·e à la TVA : indiquez votre numéro de TVA "
                                 "intracommunautaire.")
    if errors:
        raise ValidationError(errors)
    cleaned["vat_status"] = vat_status
    if vat_status != VAT:
        cleaned["vat_number"] = cleaned.get("vat_number", "") if vat_status == "" else ""
    return cleaned


def mask_iban(value: str) -> str:
    """``FR7630006000011234567890189`` → ``FR76 •••• •••• •••• •••• •••0 189``: enough to
    recognise one's account, not enough to use it."""
    if not value:
        return ""
    return value[:4] + " •••• " + value[-4:]


def iban_for_display(value: str, *, full: bool) -> str:
    if not value:
        return ""
    if full:
        return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return mask_iban(value)
