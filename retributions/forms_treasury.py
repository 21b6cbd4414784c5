"""Forms of the treasury pages: plain forms, the services check and explain."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import PaymentBatch
from .services.accounting import ACCOUNT_LABELS, DEFAULT_ACCOUNTS

VAT_CHOICES = [("", _("Non renseigné")),
               ("franchise", _("Franchise en base de TVA (art. 293 B du CGI)")),
               ("vat", _("Assujetti·e à la TVA (numéro intracommunautaire)"))]


class PayeeForm(forms.Form):
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=50,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "placeholder": "FR76 …"}))
    bic = forms.CharField(label=_("BIC"), required=False, max_length=15)
    vat_status = forms.ChoiceField(label=_("Régime de TVA"), choices=VAT_CHOICES, required=False)
    vat_number = forms.CharField(label=_("Numéro de TVA intracommunautaire"), required=False,
                                 max_length=20)


class MemberPayeeForm(PayeeForm):
    siret = forms.CharField(label=_("SIRET personnel"), required=False, max_length=20,
                            help_text=_("Pour facturer en votre nom (micro-entreprise…)."))
    field_order = ["siret", "iban", "bic", "vat_status", "vat_number"]


class PlacePayeeForm(MemberPayeeForm):
    siret = forms.CharField(label=_("SIRET du lieu"), required=False, max_length=20)


class MandateForm(forms.Form):
    duration_months = forms.IntegerField(label=_("Durée (mois)"), initial=12, min_value=1,
                                         max_value=36)
    contest_days = forms.IntegerField(label=_("Délai de contestation (jours)"), initial=15,
                                      min_value=7, max_value=90)
    accept = forms.BooleanField(label=_("J'ai lu le texte du mandat et je l'accepte"),
                                required=True)


class BatchPrepareForm(forms.Form):
    execution_date = forms.DateField(label=_("Date d'exécution demandée"),
                                     widget=forms.DateInput(attrs={"type": "date"}),
                                     initial=timezone.localdate)
    schema = forms.ChoiceField(label=_("Format du fichier"), choices=PaymentBatch.Schema.choices,
                               help_text=_("pain.001.001.03 convient à la plupart des banques ; "
                                           ".09 si la vôtre le demande."))


class BatchConfirmForm(forms.Form):
    executed_on = forms.DateField(label=_("Exécuté par la banque le"),
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  initial=timezone.localdate)


class LineFailForm(forms.Form):
    reason = forms.CharField(label=_("Motif du rejet"), max_length=300)


class ContestForm(forms.Form):
    reason = forms.CharField(label=_("Ce qui est à corriger"), widget=forms.Textarea(attrs={"rows": 3}))


class TreasurySettingsForm(forms.Form):
    bank_iban = forms.CharField(label=_("IBAN du réseau"), required=False, max_length=50)
    bank_bic = forms.CharField(label=_("BIC du réseau"), required=False, max_length=15)
    accounting_siren = forms.CharField(label=_("SIREN du réseau"), required=False, max_length=12,
                                       help_text=_("Nomme le FEC (<SIREN>FEC<date>.txt) et "
                                                   "identifie le réseau sur les autofactures."))
    sepa_schema = forms.ChoiceField(label=_("Format des virements par défaut"),
                                    choices=PaymentBatch.Schema.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, (number, label) in DEFAULT_ACCOUNTS.items():
            self.fields[f"account_{key}"] = forms.RegexField(
                label=f"{ACCOUNT_LABELS[key]} ({label})", regex=r"^\d{3,8}$", initial=number,
                error_messages={"invalid": _("Un numéro de compte : 3 à 8 chiffres.")})
