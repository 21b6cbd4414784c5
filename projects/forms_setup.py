"""Forms of the setup pages (montage, fundings, team, open periods, closing). They only
shape input; the services of :mod:`projects.montage`, :mod:`projects.fundings`,
:mod:`projects.teams` and :mod:`projects.closing` check every rule."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from contribbudget.models import FieldOfAction, Member

from .forms import MoneyInput
from .models import Envelope, Project, ProjectRole
from .montage import EnvelopeInput, FundingInput, share_amount

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectSetupForm(forms.Form):
    field = forms.ModelChoiceField(label=_("Champ d'action"), queryset=FieldOfAction.objects.all())
    name = forms.CharField(label=_("Nom du projet"), max_length=200)
    slug = forms.CharField(label=_("Identifiant (adresse de la page)"), max_length=80,
                           required=False,
                           help_text=_("Lettres sans accent, chiffres et tirets ; laissé vide, il "
                                       "est tiré du nom."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.DateField(label=_("Début"), widget=DATE)
    end = forms.DateField(label=_("Fin"), required=False, widget=DATE)
    phase = forms.ChoiceField(label=_("Phase"), initial=Project.Phase.EMERGENCE,
                              choices=[c for c in Project.Phase.choices
                                       if c[0] != Project.Phase.CLOSED])
    is_open = forms.BooleanField(label=_("Ouvert aux nouveaux·elles"), required=False,
                                 initial=True,
                                 help_text=_("Toute personne du réseau peut y contribuer et "
                                             "rejoint l'équipe en le faisant."))
    pilots = forms.ModelMultipleChoiceField(
        label=_("Pilotes"), queryset=Member.objects.filter(user__is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Ctrl ou ⌘ pour en choisir plusieurs."))


class FundingRowForm(forms.Form):
    funder = forms.CharField(label=_("Financeur"), max_length=200)
    reference = forms.CharField(label=_("Référence de la convention"), max_length=100)
    amount = forms.DecimalField(label=_("Montant"), max_digits=13, decimal_places=2,
                                min_value=Decimal("0.01"),
                                widget=MoneyInput({"min": "0", "class": "js-funding-amount"}))
    start = forms.DateField(label=_("Début d'éligibilité"), widget=DATE)
    end = forms.DateField(label=_("Fin d'éligibilité"), widget=DATE)

    def to_input(self) -> FundingInput:
        d = self.cleaned_data
        return FundingInput(funder=d["funder"], reference=d["reference"], amount=d["amount"],
                            start=d["start"], end=d["end"])


class EnvelopeRowForm(forms.Form):
    # Initial values, so that the blank extra row counts as untouched when left alone.
    kind = forms.ChoiceField(label=_("Type"), choices=Envelope.Kind.choices,
                             initial=Envelope.Kind.PRODUCTION)
    name = forms.CharField(label=_("Nom"), max_length=200)
    share = forms.DecimalField(label=_("Part (%)"), max_digits=5, decimal_places=2,
                               min_value=Decimal("0"), max_value=Decimal("100"), required=False,
                               widget=forms.NumberInput({"step": "0.01", "min": "0",
                                                         "class": "js-share"}))
    amount = forms.DecimalField(label=_("Montant"), max_digits=13, decimal_places=2,
                                min_value=Decimal("0"), required=False,
                                widget=MoneyInput({"min": "0", "class": "js-envelope-amount"}))
    rule = forms.ChoiceField(label=_("Règle"), choices=Envelope.Rule.choices,
                             initial=Envelope.Rule.TIME_RATE)
    daily_rate = forms.DecimalField(label=_("Coût journalier"), max_digits=13, decimal_places=2,
                                    min_value=Decimal("0"), widget=MoneyInput({"min": "0"}))

    def to_input(self, budget: Decimal) -> EnvelopeInput:
        d = self.cleaned_data
        amount = d.get("amount")
        if amount is None:
            amount = share_amount(budget, d.get("share") or Decimal("0"))
        return EnvelopeInput(name=d["name"], kind=d["kind"], rule=d["rule"],
                             daily_rate=d["daily_rate"], amount=amount)


FundingFormSet = forms.formset_factory(FundingRowForm, extra=2, max_num=30, absolute_max=30)
EnvelopeFormSet = forms.formset_factory(EnvelopeRowForm, extra=1, can_delete=True,
                                        max_num=30, absolute_max=30)


class FundingForm(FundingRowForm):
    """A funding of an existing project (add or change)."""


class TeamForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Membre"),
                                    queryset=Member.objects.filter(user__is_active=True))
    role = forms.ChoiceField(label=_("Rôle"), choices=ProjectRole.Role.choices,
                             initial=ProjectRole.Role.CONTRIBUTOR)


class OpenPeriodForm(forms.Form):
    start = forms.DateField(label=_("Début"), widget=DATE)
    end = forms.DateField(label=_("Fin"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("Par exemple : « appel à contributions du printemps »."))


class CloseForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Ce qui reste dans les enveloppes va"), widget=forms.RadioSelect,
        choices=[(Envelope.SurplusPolicy.COMMONS, _("au fonds des communs")),
                 (Envelope.SurplusPolicy.RESERVE, _("à la réserve de lissage")),
                 (Envelope.SurplusPolicy.SPLIT, _("partagé entre communs et réserve"))])
    commons_percent = forms.IntegerField(label=_("Part aux communs (%) en cas de partage"),
                                         min_value=0, max_value=100, initial=50)
    reason = forms.CharField(label=_("Motif"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("J'ai relu la liste : clore le projet (plus aucune "
                                         "saisie possible)"))
