"""Forms of the contributions app. They read what people type and show the service's
errors on the right field; the rules themselves live in services.contribution_check."""
from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from contribbudget import limits
from contribbudget.formerrors import errors_to_form
from contribbudget.models import Member, Preference
from contribbudget.money import format_date
from contribbudget.widgets import LazyChoices, LeanSelect
from projects.models import CoordinationGrain, Envelope, Project
from projects.teams import project_team

from . import option_cache, selectors
from .models import Contribution
from .parsing import ParseError, parse_hours
from .services import contribution_check


class EnvelopeSelect(LeanSelect):
    """A select whose options carry ``data-project`` so the page shows only the envelopes of
    the chosen project (static/js/contributions.js)."""

    def __init__(self, *args, project_of: Mapping[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_of = project_of if project_of is not None else {}
        # Set by ContributionForm: the options are then cached for that member, unselected
        # (contributions/option_cache.py), and only the chosen one marked per request.
        self.cached_for: Member | None = None

    def use_required_attribute(self, initial) -> bool:
        if self.cached_for is None:
            return super().use_required_attribute(initial)
        # Select reads the first choice (a query): the form's list always starts with "—".
        return forms.Widget.use_required_attribute(self, initial)

    def get_context(self, name, value, attrs):
        if self.kept is not None:
            return super().get_context(name, value, attrs)
        member = self.cached_for
        if member is None or not isinstance(self.choices, LazyChoices):
            return super().get_context(name, value, attrs)
        context = forms.Widget.get_context(self, name, value, attrs)
        options = option_cache.cached(member, "quick", lambda: self.options_html(self.choices, ()))
        chosen = context["widget"]["value"][0] if context["widget"]["value"] else None
        if chosen is not None and not chosen.isdigit():
            chosen = escape(chosen)
        context["widget"]["optgroups"] = ()
        context["widget"]["options_html"] = mark_safe(  # noqa: S308 - escaped when written
            option_cache.select(options, chosen))
        return context

    def option_attrs(self, value: str) -> str:
        project = self.project_of.get(value)
        return f' data-project="{escape(project)}"' if project else ""


class _LazyProjectOf(Mapping[str, str]):
    """``{envelope pk: project pk}`` for EnvelopeSelect, read from the form's envelope list
    the first time an option asks (the list is queried once, when the form is shown)."""

    def __init__(self, form: ContributionForm):
        self.form = form

    @cached_property
    def _mapping(self) -> dict[str, str]:
        return {str(pk): str(project) for pk, _name, project in self.form._envelopes}

    def __getitem__(self, key: str) -> str:
        return self._mapping[key]

    def get(self, key, default=None):  # once per option: skip Mapping's generic path
        return self._mapping.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping)

    def __len__(self) -> int:
        return len(self._mapping)


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form's fields (the one mapping)."""
    errors_to_form(form, error)


class ContributionForm(forms.Form):
    """The quick log (and the edit page). Project, envelope, grain and the inviting member
    are looked up among all rows so that a wrong choice gets the service's precise message
    ("this envelope belongs to another project"); the lists shown are the member's own."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    project = forms.ModelChoiceField(label=_("Projet"), queryset=Project.objects.all(),
                                     widget=LeanSelect)
    envelope = forms.ModelChoiceField(label=_("Enveloppe"), queryset=Envelope.objects.all(),
                                      widget=EnvelopeSelect)
    hours = forms.CharField(
        label=_("Heures"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "placeholder": "1h30"}),
        help_text=_("Au quart d'heure : 1h30, 1,5 ou 90 min."))
    kind = forms.ChoiceField(label=_("Type"), choices=Contribution.Kind.choices,
                             initial=Contribution.Kind.PRODUCTION)
    description = forms.CharField(label=_("Description"), max_length=limits.DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    deliverable_url = forms.URLField(label=_("Lien vers le livrable"), required=False,
                                     max_length=500, assume_scheme="https")
    grain = forms.ModelChoiceField(label=_("Grain de coordination"), required=False,
                                   queryset=CoordinationGrain.objects.all())
    invited_by = forms.ModelChoiceField(
        label=_("Invité·e par"), required=False, queryset=Member.objects.all(), widget=LeanSelect,
        help_text=_("Session créative : le temps est pris sur l'enveloppe du projet de la "
                    "personne qui invite."))
    salaried = forms.BooleanField(label=_("Temps salarié (mise à disposition)"),
                                  required=False,
                                  help_text=_("Fait sur un temps déjà payé par un employeur : "
                                              "valorisé, jamais rétribué."))
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, member: Member, instance: Contribution | None = None,
                 grains: list[CoordinationGrain] | None = None,
                 keep_lists: Contribution | None = None, **kwargs):
        """``grains``: the member's, as another form of the same request read them;
        ``keep_lists``: the entry just saved, for the htmx answer when the page's project and
        envelope lists are still what this form would write (LeanSelect.kept): only its
        project and envelope are written, and htmx keeps the page's selects."""
        self.member = member
        self.instance = instance
        self.team: set[int] | None = None  # the chosen project's, once clean() read it
        self.keep_lists = keep_lists
        if instance is not None and not kwargs.get("data"):
            kwargs.setdefault("initial", {
                "date": instance.date, "project": instance.project_id,
                "envelope": instance.envelope_id, "hours": str(instance.hours).replace(".", ","),
                "kind": instance.kind, "description": instance.description,
                "deliverable_url": instance.deliverable_url, "grain": instance.grain_id,
                "invited_by": instance.invited_by_id, "salaried": instance.salaried})
        super().__init__(*args, **kwargs)
        if instance is None and not self.is_bound:
            # After a save the view gives the project: no need to look up the last entry.
            last = None if "project" in self.initial else selectors.last_used(member)
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("client_token", uuid.uuid4())
            if last is not None:
                self.initial.setdefault("project", last.project_id)
                self.initial.setdefault("envelope", last.envelope_id)
        # The lists are read when the form is shown, not when a POST is only validated
        # (the fields look choices up among all rows); envelopes as plain tuples: a network
        # may offer thousands of them.
        empty = [("", "—")]
        self.fields["project"].widget.choices = LazyChoices(lambda: empty + [
            (str(pk), name) for pk, name in self._projects])
        envelope_select = cast(EnvelopeSelect, self.fields["envelope"].widget)
        envelope_select.project_of = _LazyProjectOf(self)
        envelope_select.cached_for = member
        if keep_lists is not None:
            # The member is in the project's team (the view checks it): no "(ouvert)".
            self.fields["project"].widget.kept = empty + [
                (str(keep_lists.project_id), keep_lists.project.name)]
            envelope_select.kept = empty + [(str(keep_lists.envelope_id),
                                             keep_lists.envelope.name)]
            envelope_select.project_of = {str(keep_lists.envelope_id):
                                          str(keep_lists.project_id)}
        self.fields["envelope"].widget.choices = LazyChoices(lambda: empty + [
            (str(pk), name) for pk, name, _project in self._envelopes])
        self.grains = grains if grains is not None else list(selectors.active_grains(member))
        grains = self.grains
        self.fields["grain"].widget.choices = empty + [
            (str(g.pk), f"{g.field.name} ({format_date(g.start)}–{format_date(g.end)})") for g in grains]
        self.fields["invited_by"].widget.choices = LazyChoices(lambda: empty + option_cache.cached(
            member, "team", lambda: [(str(m.pk), m.full_name)
                                     for m in selectors.team_members(self.member)]))
        if not grains:
            self.fields["grain"].widget = forms.HiddenInput()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    @cached_property
    def _projects(self) -> list[tuple[int, str]]:
        # Same key as the envelope options: what it shows depends on the same rows.
        return option_cache.cached(self.member, "projects", lambda: [
            (pk, str(name if in_team else _("%(name)s (ouvert)") % {"name": name}))
            for pk, name, in_team in selectors.projects_for_logging(self.member)
            .values_list("pk", "name", "in_team")])

    @cached_property
    def _envelopes(self) -> list[tuple[int, str, int]]:
        return list(selectors.envelopes_for_logging(self.member).select_related(None)
                    .values_list("pk", "name", "project_id"))

    @property
    def no_project(self) -> bool:
        # An entry just saved with the lists kept: there is a project (and no need to read
        # the list of thousands the page already has).
        return self.keep_lists is None and not self._projects

    def clean_hours(self):
        try:
            return parse_hours(self.cleaned_data["hours"])
        except ParseError as error:
            raise ValidationError(str(error)) from error

    def clean(self):
        data = super().clean()
        project = data.get("project")
        # Read once: the service checks the same team again without asking (quick log).
        self.team = project_team(project) if project is not None else None
        try:
            contribution_check(
                member=self.member, project=data.get("project"), envelope=data.get("envelope"),
                date=data.get("date"), hours=data.get("hours"),
                kind=data.get("kind") or Contribution.Kind.PRODUCTION,
                description=data.get("description", "") or "", grain=data.get("grain"),
                invited_by=data.get("invited_by"), team=self.team,
                exclude_pk=self.instance.pk if self.instance else None)
        except ValidationError as error:
            apply_service_errors(self, error)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in (
            "project", "envelope", "date", "hours", "kind", "description", "deliverable_url",
            "grain", "invited_by", "salaried")}


class RejectForm(forms.Form):
    comment = forms.CharField(label=_("Motif du refus"), max_length=limits.COMMENT,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV ou XLSX"),
                           help_text=_("Colonnes : email, date, hours, project, envelope, kind, "
                                       "description (en-têtes en français acceptés)."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Déposez un fichier .csv ou .xlsx."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("Le fichier dépasse 5 Mo : découpez-le."))
        return upload


PREFERENCE_FIELDS = ["reminders_enabled", "preference", "symbolic_text", "expected_daily_rate",
                     "siret", "address"]


class PreferencesForm(forms.Form):
    """The member's own settings; a plain form over the model's fields so the service, not
    the model's constraint names, explains what is wrong."""

    def __init__(self, *args, member: Member, **kwargs):
        kwargs.setdefault("initial", model_to_dict(member, fields=PREFERENCE_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(
            Member, fields=PREFERENCE_FIELDS,
            widgets={"preference": forms.RadioSelect,
                     "address": forms.Textarea(attrs={"rows": 3})},
            # cast: django-stubs wants plain str where Django takes lazy texts too.
            help_texts=cast(dict[str, str], {
                "reminders_enabled": _("Un courriel le lundi si vous n'avez rien saisi depuis "
                                       "deux semaines, et le récapitulatif des contributions à "
                                       "valider si vous pilotez un projet."),
                "expected_daily_rate": _("En euros, pour une journée de travail."),
            })))
        cast(forms.ChoiceField, self.fields["preference"]).choices = Preference.choices
