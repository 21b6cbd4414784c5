"""Forms of the project pages. They only shape input: every rule is checked by the service
the view calls, whose ``ValidationError`` is put back on the form with :func:`add_errors`."""
from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from contribbudget.formerrors import errors_to_form
from contribbudget.models import FieldOfAction, Member

from .models import CoordinationGrain, Envelope, Project

ENVELOPE_FORM_FIELDS = ["name", "kind", "daily_rate", "hours_per_day", "rule", "cap",
                        "declined_shares", "surplus_policy", "surplus_commons_percent"]
COEFFICIENT_KINDS = [
    ("production", _("Production"), "1"),
    ("support", _("Support"), "1"),
    ("creative", _("Session créative"), _("1 sur invitation, sinon 0")),
    ("coordination", _("Coordination"), _("0 (1 pour un grain contributif)")),
    ("meeting", _("Réunion"), "0"),
]


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form (the one mapping); a coefficient's error
    goes next to the reason, where the coefficients are typed."""
    errors_to_form(form, error, moved={"coefficients": "coefficients_reason"})


class MoneyInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__({"step": "0.01", "inputmode": "decimal", **(attrs or {})})


class EnvelopeForm(forms.Form):
    """Kind, reference daily rate, retribution rule and its parameters (DESIGN.md §4)."""

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Envelope, fields=ENVELOPE_FORM_FIELDS))
        self.fields["daily_rate"].widget = MoneyInput({"min": "0"})
        self.fields["cap"].widget = MoneyInput({"min": "0"})
        self.fields["cap"].help_text = _("Laissez vide pour aucun plafond.")
        for kind, label, default in COEFFICIENT_KINDS:
            self.fields[f"coef_{kind}"] = forms.DecimalField(
                label=_("Coefficient « %(kind)s »") % {"kind": label}, required=False,
                max_digits=4, decimal_places=2,
                widget=forms.NumberInput({"step": "0.1", "placeholder": default}),
                help_text=_("Vide : valeur par défaut (%(default)s).") % {"default": default})
        self.fields["coefficients_reason"] = forms.CharField(
            label=_("Motif des coefficients"), required=False,
            widget=forms.Textarea({"rows": 2}))
        if creating:
            self.fields["amount"] = forms.DecimalField(
                label=_("Montant initial"), max_digits=13, decimal_places=2, required=False,
                initial=Decimal("0.00"), widget=MoneyInput(),
                help_text=_("Pris sur ce qui reste du budget à répartir."))
            self.fields["reason"] = forms.CharField(
                label=_("Motif"), required=False, initial=_("Enveloppe initiale"),
                widget=forms.Textarea({"rows": 2}))
        else:
            self.fields["reason"] = forms.CharField(
                label=_("Motif du changement"), required=False,
                widget=forms.Textarea({"rows": 2}))

    @classmethod
    def initial_for(cls, envelope: Envelope) -> dict:
        initial = {name: getattr(envelope, name) for name in ENVELOPE_FORM_FIELDS}
        for kind, _label, _default in COEFFICIENT_KINDS:
            if kind in (envelope.coefficients or {}):
                initial[f"coef_{kind}"] = Decimal(str(envelope.coefficients[kind]))
        initial["coefficients_reason"] = envelope.coefficients_reason
        return initial

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ENVELOPE_FORM_FIELDS}
        if data["surplus_commons_percent"] is None:
            data["surplus_commons_percent"] = 50
        data["coefficients"] = {kind: str(self.cleaned_data[f"coef_{kind}"])
                                for kind, _label, _default in COEFFICIENT_KINDS
                                if self.cleaned_data.get(f"coef_{kind}") is not None}
        data["coefficients_reason"] = self.cleaned_data["coefficients_reason"]
        return data


class AdjustForm(forms.Form):
    delta = forms.DecimalField(label=_("Montant (+ pour ajouter, − pour retirer)"), max_digits=13,
                               decimal_places=2, widget=MoneyInput())
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea({"rows": 2}),
                             required=False)


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Depuis l'enveloppe"), queryset=Envelope.objects.none())
    target = forms.ModelChoiceField(label=_("Vers l'enveloppe"), queryset=Envelope.objects.none())
    amount = forms.DecimalField(label=_("Montant"), max_digits=13, decimal_places=2,
                                min_value=Decimal("0.01"), widget=MoneyInput({"min": "0.01"}))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea({"rows": 2}),
                             required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this project's envelopes are choices: another project's id is refused here
        # (and again by the service).
        envelopes = Envelope.objects.filter(project=project).order_by("pk")
        for name in ("source", "target"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = envelopes
            field.label_from_instance = lambda obj: obj.name  # type: ignore[method-assign]


class RequestForm(forms.Form):
    delta = forms.DecimalField(label=_("Montant demandé (+ ou −)"), max_digits=13,
                               decimal_places=2, widget=MoneyInput())
    work_estimate = forms.CharField(
        label=_("Estimation du travail"), widget=forms.Textarea({"rows": 2}), required=False,
        help_text=_("Combien d'heures ou de jours, pour quelles tâches ?"))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea({"rows": 2}),
                             required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=[
        ("accept", _("Accepter")), ("decline", _("Refuser"))], widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Commentaire (obligatoire pour un refus)"),
                              widget=forms.Textarea({"rows": 2}), required=False)


class GrainForm(forms.Form):
    # Deactivated members and archived fields are not offered (their history stays).
    member = forms.ModelChoiceField(label=_("Membre"),
                                    queryset=Member.objects.filter(user__is_active=True))
    field = forms.ModelChoiceField(label=_("Champ d'action"), queryset=FieldOfAction.objects.active())
    project = forms.ModelChoiceField(label=_("Projet piloté (0,2 ETP)"),
                                     queryset=Project.objects.exclude(phase="closed"))
    envelope = forms.ModelChoiceField(
        label=_("Enveloppe qui paie le grain"),
        queryset=Envelope.objects.select_related("project").order_by("project__name", "pk"),
        help_text=_("Une enveloppe du projet piloté."))
    start = forms.DateField(label=_("Début"), widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label=_("Fin"), widget=forms.DateInput({"type": "date"}))
    fte_drive = forms.DecimalField(label=_("ETP pilotage"), max_digits=3, decimal_places=2,
                                   initial=CoordinationGrain.DRIVE_FTE,
                                   widget=forms.NumberInput({"step": "0.1"}))
    fte_contribute = forms.DecimalField(label=_("ETP contribution"), max_digits=3,
                                        decimal_places=2, initial=CoordinationGrain.CONTRIBUTE_FTE,
                                        widget=forms.NumberInput({"step": "0.1"}))
    mode = forms.ChoiceField(label=_("Mode"), choices=CoordinationGrain.Mode.choices,
                             initial=CoordinationGrain.Mode.CONTRIBUTIVE)
    yearly_cost = forms.DecimalField(label=_("Coût annuel (grain salarié)"), max_digits=13,
                                     decimal_places=2, required=False, widget=MoneyInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["envelope"].label_from_instance = lambda e: f"{e.project.name} — {e.name}"
        self.fields["member"].queryset = Member.objects.select_related("user")
