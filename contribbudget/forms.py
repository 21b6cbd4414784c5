from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Place


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Courriel"))
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    home_place = forms.ModelChoiceField(label=_("Lieu d'attache"), queryset=Place.objects.all(),
                                        required=False)
