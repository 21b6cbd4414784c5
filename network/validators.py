"""Checks for the network's settings: SIRET, logo, and the default envelope template."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from stdnum.fr import siret as stdnum_siret

from projects.models import Envelope

TEMPLATE_KEYS = ("kind", "name", "share", "rule", "daily_rate")
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
LOGO_MAX_SIDE = 4000


def validate_siret(value: str) -> str:
    """14 digits whose Luhn key is right (python-stdnum); spaces are allowed when typed."""
    compact = "".join((value or "").split())
    if not compact:
        return ""
    if not compact.isdigit() or len(compact) != 14:
        raise ValidationError(_("Un SIRET compte exactement 14 chiffres (par exemple "
                                "732 829 320 00074)."))
    if not stdnum_siret.is_valid(compact):
        raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle incorrecte) : "
                                "vérifiez-le sur l'avis de situation INSEE."))
    return compact


def validate_logo(upload) -> None:
    """A PNG or JPEG image, at most NETWORK_LOGO_MAX_BYTES, checked by opening it (a file
    named .png that is not an image is refused)."""
    limit = settings.NETWORK_LOGO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("Le logo dépasse %(max)d Ko : réduisez l'image.")
                              % {"max": limit // 1024})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("Ce fichier n'est pas une image PNG ou JPEG lisible.")) from exc
    finally:
        upload.seek(0)
    if kind not in LOGO_FORMATS:
        raise ValidationError(_("Le logo doit être une image PNG ou JPEG."))
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(_("Le logo dépasse %(max)d pixels de côté.") % {"max": LOGO_MAX_SIDE})


def _decimal(value, *, places: int) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    exponent = number.as_tuple().exponent
    if not number.is_finite() or not isinstance(exponent, int) or exponent < -places:
        return None
    return number


def clean_envelope_template(rows) -> list[dict]:
    """The default envelope template, as the ``projects`` app reads it: a list of dicts with
    keys ``kind`` (an envelope kind), ``name`` (unique), ``share`` (percent of the budget, a
    Decimal string, 0–100), ``rule`` (a retribution rule) and ``daily_rate`` (a Decimal
    string in euros). Shares total at most 100 %. Raises one French message per problem."""
    if not isinstance(rows, list):
        raise ValidationError(_("Le modèle d'enveloppes doit être une liste."))
    errors: list[str] = []
    cleaned: list[dict] = []
    names: set[str] = set()
    total = Decimal("0")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors.append(_("Ligne %(n)d du modèle : format invalide.") % {"n": number})
            continue
        name = str(row.get("name") or "").strip()
        kind, rule = row.get("kind"), row.get("rule")
        share = _decimal(row.get("share", ""), places=2)
        rate = _decimal(row.get("daily_rate", ""), places=2)
        if not name or len(name) > 200:
            errors.append(_("Ligne %(n)d du modèle : donnez un nom (200 caractères au plus).")
                          % {"n": number})
        elif name.lower() in names:
            errors.append(_("Ligne %(n)d du modèle : le nom « %(name)s » est déjà pris.")
                          % {"n": number, "name": name})
        if kind not in Envelope.Kind.values:
            errors.append(_("Ligne %(n)d du modèle : type d'enveloppe inconnu.") % {"n": number})
        if rule not in Envelope.Rule.values:
            errors.append(_("Ligne %(n)d du modèle : règle de rétribution inconnue.") % {"n": number})
        if share is None or share < 0 or share > 100:
            errors.append(_("Ligne %(n)d du modèle : la part est un pourcentage entre 0 et 100 "
                            "(deux décimales au plus).") % {"n": number})
        if rate is None or rate < 0:
            errors.append(_("Ligne %(n)d du modèle : le coût journalier est un montant positif "
                            "en euros (deux décimales au plus).") % {"n": number})
        if errors:
            names.add(name.lower())
            continue
        names.add(name.lower())
        assert share is not None and rate is not None  # a missing one is an error above
        total += share
        share_text = str(int(share)) if share == share.to_integral_value() else str(share)
        cleaned.append({"kind": kind, "name": name, "share": share_text, "rule": rule,
                        "daily_rate": str(rate.quantize(Decimal("0.01")))})
    if not errors and total > 100:
        errors.append(_("Les parts du modèle totalisent %(total)s %% : pas plus de 100 %%.")
                      % {"total": str(total).replace(".", ",")})
    if errors:
        raise ValidationError(errors)
    return cleaned
