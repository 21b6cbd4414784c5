"""Forms of runs, smoothing rounds, per-run preferences and payments. They only parse and
describe the input; the services check the rules."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contribbudget.models import Preference
from contribbudget.periods import period_errors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("Début de la période"), widget=DATE)
    period_end = forms.DateField(label=_("Fin de la période"), widget=DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        for field, message in period_errors(start, end).items():
            self.add_error(field, message)
        return data


class RunCreateForm(PeriodForm):
    envelope: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Enveloppe"), queryset=None, empty_label=_("— choisir une enveloppe —"))
    field_order = ["envelope", "period_start", "period_end"]

    def __init__(self, *args, envelopes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["envelope"].queryset = envelopes
        self.fields["envelope"].label_from_instance = (
            lambda e: f"{e.project.name} — {e.name} ({e.get_rule_display().lower()})")


class LineOverrideForm(forms.Form):
    amount = forms.DecimalField(label=_("Nouveau montant (€)"), max_digits=13,
                                decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"}))
    reason = forms.CharField(label=_("Motif (enregistré et visible)"), max_length=500,
                             widget=forms.TextInput(attrs={"placeholder": _(
                                 "Ex. : préparation non déclarée de l'atelier")}))

    def __init__(self, *args, line=None, **kwargs):
        prefix = f"line-{line.pk}" if line is not None else None
        super().__init__(*args, prefix=prefix, **kwargs)


class RunPreferenceForm(forms.Form):
    preference = forms.ChoiceField(label=_("Pour ce calcul, je souhaite"),
                                   choices=Preference.choices)
    symbolic_text = forms.CharField(label=_("Rétribution symbolique souhaitée"), required=False,
                                    max_length=200)

    def __init__(self, *args, run=None, **kwargs):
        prefix = f"run-{run.pk}" if run is not None else None
        super().__init__(*args, prefix=prefix, **kwargs)


class SmoothingRequestForm(PeriodForm):
    project: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Projet"), queryset=None, empty_label=_("— choisir un projet —"))
    reason = forms.CharField(label=_("Pourquoi vous sentez-vous sous-rétribué·e ?"),
                             max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["project", "period_start", "period_end", "reason"]

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class SmoothingRunForm(PeriodForm):
    project: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Projet"), queryset=None, empty_label=_("— choisir un projet —"))
    members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Personnes retenues"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    field_order = ["project", "period_start", "period_end", "members"]

    def __init__(self, *args, projects=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["members"].queryset = members


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Payé le"), widget=DATE, initial=timezone.localdate)
    reference = forms.CharField(label=_("Référence du paiement"), max_length=100,
                                widget=forms.TextInput(attrs={"placeholder": _(
                                    "Ex. : VIR-2026-11-042")}))
