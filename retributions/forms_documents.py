"""Forms to request documents and to filter the desk's exports. Choices are limited to what
the user may ask for; the services re-check everything."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contribbudget.models import Member
from contribbudget.money import format_date
from contribbudget.periods import period_errors
from contributions.models import Contribution
from projects.models import Funding, Project

from .models import RetributionRun

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FunderReportForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Projet"), queryset=Project.objects.none(),
                                     to_field_name="slug",
                                     error_messages={"invalid_choice": _("Projet inconnu.")})
    funding = forms.ModelChoiceField(label=_("Financement"), queryset=Funding.objects.none(),
                                     required=False, empty_label=_("Tous les financements du projet"),
                                     error_messages={"invalid_choice": _("Financement inconnu.")},
                                     help_text=_("Sans période, le bilan couvre la période "
                                                 "d'éligibilité du financement choisi."))
    period_start = forms.DateField(label=_("Début de période"), required=False, widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Fin de période"), required=False, widget=DATE_WIDGET)
    names = forms.ChoiceField(label=_("Contributeur·rices"), initial="named",
                              choices=[("named", _("Nommé·es")), ("anonymised", _("Anonymisé·es"))],
                              widget=forms.RadioSelect)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["funding"].queryset = (Funding.objects.filter(project__in=projects)
                                           .select_related("project").order_by("project__name", "start"))
        self.fields["funding"].label_from_instance = (
            lambda f: f"{f.project.name} — {f.funder} ({f.reference})")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        for field, message in period_errors(start, end).items():
            self.add_error(field, message)
        project, funding = data.get("project"), data.get("funding")
        if project and funding and funding.project_id != project.pk:
            self.add_error("funding", _("Ce financement n'appartient pas au projet choisi."))
        return data


class StatementForm(forms.Form):
    run = forms.ModelChoiceField(label=_("Calcul de rétribution approuvé"),
                                 queryset=RetributionRun.objects.none(),
                                 error_messages={"invalid_choice": _("Calcul inconnu.")})
    member = forms.ModelChoiceField(label=_("Membre"), queryset=Member.objects.none(),
                                    error_messages={"invalid_choice": _("Membre inconnu·e.")})
    invoice = forms.BooleanField(label=_("Joindre un appel à facture numéroté"), required=False,
                                 help_text=_("Pour les personnes qui facturent en leur nom ou "
                                             "par leur lieu (SIRET requis)."))

    def __init__(self, *args, runs, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].queryset = runs.select_related("envelope__project")
        self.fields["run"].label_from_instance = (
            lambda r: f"{r.envelope.project.name} — {r.envelope.name} — "
                      f"{format_date(r.period_start)}–{format_date(r.period_end)}")
        self.fields["member"].queryset = members


class ContributionExportFilter(forms.Form):
    """Filters of the network-wide contributions export (treasurers)."""

    project = forms.ModelChoiceField(label=_("Projet"), queryset=Project.objects.order_by("name"),
                                     to_field_name="slug", required=False,
                                     empty_label=_("Tous les projets"))
    status = forms.ChoiceField(label=_("Statut"), required=False,
                               choices=[("", _("Validées et rétribuées"))]
                               + list(Contribution.Status.choices))
    date_from = forms.DateField(label=_("Du"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("Au"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("La fin de la période précède son début."))
        return data
