"""Forms of the network's pages. They parse and keep what was typed; the rules (unique
names, last coordinator, template totals…) are the services' (network/services.py,
invitations.py), whose French errors the views put back on these forms."""
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contribbudget import limits
from contribbudget.models import Invitation, Place
from projects.models import Envelope, Project

from .validators import validate_logo, validate_siret


def _number(label, *, digits, places, minimum="0", maximum=None, step="0.01", **kw):
    attrs = {"step": step, "min": minimum, "inputmode": "decimal"}
    if maximum is not None:
        attrs["max"] = maximum
    return forms.DecimalField(label=label, max_digits=digits, decimal_places=places,
                              min_value=Decimal(minimum),
                              max_value=Decimal(maximum) if maximum is not None else None,
                              widget=forms.NumberInput(attrs), **kw)


class NetworkSettingsForm(forms.Form):
    name = forms.CharField(label=_("Nom du réseau"), max_length=200)
    legal_name = forms.CharField(label=_("Raison sociale"), max_length=200, required=False,
                                 help_text=_("La structure porteuse (association…), imprimée "
                                             "sur les bilans et les appels à facture."))
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False,
                            widget=forms.TextInput({"inputmode": "numeric"}))
    address = forms.CharField(label=_("Adresse"), required=False, max_length=limits.ADDRESS,
                              widget=forms.Textarea({"rows": 3}))
    logo = forms.FileField(label=_("Logo"), required=False,
                           widget=forms.ClearableFileInput({"accept": "image/png,image/jpeg"}),
                           help_text=_("PNG ou JPEG, 1 Mo au plus."))
    remove_logo = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)
    hours_per_fte_year = _number(_("Heures par ETP et par an"), digits=7, places=1, minimum="1",
                                 step="0.1", help_text=_("1 607 h : durée légale annuelle en France."))
    hours_per_day = _number(_("Heures par jour"), digits=4, places=2, minimum="1", maximum="24")
    reference_daily_rate = _number(_("Coût journalier de référence (€)"), digits=13, places=2)
    daily_rate_outlier_factor = _number(
        _("Seuil d'alerte du coût journalier"), digits=4, places=1, minimum="1", step="0.1",
        help_text=_("Un coût journalier attendu au-delà de ce multiple de la référence est "
                    "signalé au pilote."))
    invoice_prefix = forms.CharField(label=_("Préfixe des appels à facture"), max_length=20)
    default_surplus_policy = forms.ChoiceField(label=_("Politique d'excédent par défaut"),
                                               choices=Envelope.SurplusPolicy.choices)
    default_surplus_commons_percent = forms.IntegerField(
        label=_("Part de l'excédent aux communs (%)"), min_value=0, max_value=100,
        help_text=_("Quand l'excédent est partagé ; le reste va à la réserve de lissage."))
    site_url = forms.URLField(label=_("Adresse du site"), required=False, assume_scheme="https",
                              help_text=_("Pour les liens des courriels envoyés sans visite "
                                          "(rappels). Vide : l'adresse de vos visites."))

    def clean_siret(self):
        return validate_siret(self.cleaned_data["siret"])

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            validate_logo(logo)
        return logo

    def clean_invoice_prefix(self):
        prefix = self.cleaned_data["invoice_prefix"].strip()
        if not prefix.replace("-", "").replace("_", "").isalnum():
            raise ValidationError(_("Lettres et chiffres seulement (par exemple AF)."))
        return prefix


class TemplateRowForm(forms.Form):
    """One envelope of the default template."""

    # A blank first choice: the empty extra row stays unchanged, so it is skipped.
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "---------"), *Envelope.Kind.choices])
    name = forms.CharField(label=_("Nom"), max_length=200)
    share = _number(_("Part du budget (%)"), digits=5, places=2, maximum="100")
    rule = forms.ChoiceField(label=_("Règle"), choices=[("", "---------"), *Envelope.Rule.choices])
    daily_rate = _number(_("Coût journalier (€)"), digits=13, places=2)


TemplateFormSet = forms.formset_factory(TemplateRowForm, extra=1, can_delete=True, max_num=30,
                                        validate_max=True)


def template_rows(formset) -> list[dict]:
    """The kept rows of a valid template formset, as the JSON the setting stores."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append({"kind": data["kind"], "name": data["name"], "share": str(data["share"]),
                     "rule": data["rule"], "daily_rate": str(data["daily_rate"])})
    return rows


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False,
                            widget=forms.TextInput({"inputmode": "numeric"}),
                            help_text=_("Pour verser les rétributions à la structure."))
    address = forms.CharField(label=_("Adresse"), required=False, max_length=limits.ADDRESS,
                              widget=forms.Textarea({"rows": 2}))
    city = forms.CharField(label=_("Commune"), max_length=120, required=False)
    department = forms.CharField(
        label=_("Département"), max_length=3, required=False,
        help_text=_("Numéro du département (57, 67, 974…) : fixe les jours fériés."))
    email = forms.EmailField(label=_("Courriel"), required=False)


class FieldForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea({"rows": 3}))
    start = forms.DateField(label=_("Début"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Fin"), required=False,
                          widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))


def active_places(current: Place | None = None):
    """Active places, plus the one already chosen (an archived home place stays shown)."""
    from django.db.models import Q

    q = Q(archived_at__isnull=True)
    if current is not None:
        q |= Q(pk=current.pk)
    return Place.objects.filter(q)


class MemberForm(forms.Form):
    home_place = forms.ModelChoiceField(label=_("Lieu d'attache"), queryset=Place.objects.none(),
                                        required=False)
    is_treasurer = forms.BooleanField(label=_("Trésorier·e"), required=False)
    is_coordinator = forms.BooleanField(label=_("Coordination"), required=False)
    reason = forms.CharField(label=_("Motif (facultatif)"), required=False, max_length=500)

    def __init__(self, *args, current_place=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_place"].queryset = active_places(current_place)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), required=False, max_length=500)


class InvitationForm(forms.Form):
    lines = forms.CharField(
        label=_("Personnes à inviter"),
        widget=forms.Textarea({"rows": 6, "placeholder": "nour.haddad@example.org\n"
                                                          "Lou Martin, lou@example.org"}),
        help_text=_("Une personne par ligne : « courriel » ou « Prénom Nom, courriel »."))
    home_place = forms.ModelChoiceField(label=_("Lieu d'attache"), required=False,
                                        queryset=Place.objects.none())
    project = forms.ModelChoiceField(label=_("Dans le projet (facultatif)"), required=False,
                                     queryset=Project.objects.none())
    project_role = forms.ChoiceField(label=_("Rôle dans le projet"), required=False,
                                     choices=[("", "---------"), *Invitation.Role.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_place"].queryset = Place.objects.active()
        self.fields["project"].queryset = (Project.objects.exclude(phase=Project.Phase.CLOSED)
                                           .order_by("name"))
        self.fields["lines"].help_text = _(
            "Une personne par ligne : « courriel » ou « Prénom Nom, courriel ». Le lien est "
            "valable %(days)d jours.") % {"days": settings.INVITATION_EXPIRY_DAYS}

    def clean(self):
        data = super().clean()
        if data.get("project") and not data.get("project_role"):
            self.add_error("project_role", _("Choisissez le rôle qu'auront ces personnes dans "
                                             "le projet."))
        if data.get("project_role") and not data.get("project"):
            self.add_error("project", _("Choisissez le projet de ce rôle."))
        return data
