"""The treasury's settings on the network row: its bank account (checked with schwifty), its
SIREN (python-stdnum), the default SEPA format and the account mapping; audited."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contribbudget import payee as checks
from contribbudget.models import AuditEvent, NetworkSettings
from contribbudget.services import audit_record

from ..models import PaymentBatch
from .accounting import DEFAULT_ACCOUNTS


@transaction.atomic
def treasury_settings_update(*, actor, bank_iban: str, bank_bic: str, accounting_siren: str,
                             sepa_schema: str, accounts: dict[str, str]) -> NetworkSettings:
    errors, cleaned = {}, {}
    for field, cleaner, value in (("bank_iban", checks.clean_iban, bank_iban),
                                  ("bank_bic", checks.clean_bic, bank_bic),
                                  ("accounting_siren", checks.clean_siren, accounting_siren)):
        try:
            cleaned[field] = cleaner(value)
        except ValidationError as error:
            errors[field] = error.messages[0]
    if sepa_schema not in PaymentBatch.Schema.values:
        errors["sepa_schema"] = _("Format de virement inconnu.")
    unknown = set(accounts) - set(DEFAULT_ACCOUNTS)
    if unknown:
        errors["accounts"] = _("Comptes inconnus : %(keys)s") % {"keys": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    NetworkSettings.load()
    network = NetworkSettings.objects.select_for_update().get(pk=1)
    for field, value in cleaned.items():
        setattr(network, field, value)
    network.sepa_schema = sepa_schema
    network.account_mapping = {k: str(accounts.get(k) or v[0]) for k, v in DEFAULT_ACCOUNTS.items()}
    network.save(update_fields=[*cleaned, "sepa_schema", "account_mapping"])
    audit_record(actor=actor, action=AuditEvent.Action.TREASURY_SETTINGS, obj=network,
                 data={"accounts": network.account_mapping, "schema": network.sepa_schema,
                       "fields": sorted(cleaned)})
    return network
