"""django-allauth integration: sign-up is by invitation unless OPEN_SIGNUP is on.

A coordinator's invitation link stores its token in the session and sends the person to
allauth's sign-up form with the email fixed; the adapter then allows sign-up, gives the
account a unique username (allauth leaves it empty without a username field, and
``auth_user.username`` is unique: the second empty one broke every sign-up after the first),
creates the member profile and accepts the invitation (``invitations.invitation_accept``,
which also gives the project role it carries). The email is verified: the link proved it.
"""
import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contribbudget.models import Invitation, Member

from .invitations import invitation_accept

INVITATION_SESSION_KEY = "contribbudget_invitation"
USERNAME_MAX = 150


def unique_username(email: str) -> str:
    """The account's username: its email (lower case) when free and short enough, else the
    email's start with a random suffix. Never empty, so any number of accounts fit."""
    base = email.strip().lower()[:USERNAME_MAX]
    users = get_user_model().objects
    if base and not users.filter(username=base).exists():
        return base
    while True:
        candidate = f"{base[:USERNAME_MAX - 9]}-{secrets.token_hex(4)}"
        if not users.filter(username=candidate).exists():
            return candidate


def pending_invitation(request):
    """The usable invitation whose link this browser followed (pending, not expired)."""
    token = request.session.get(INVITATION_SESSION_KEY) if request else None
    if not token:
        return None
    invitation = Invitation.objects.filter(token=token).first()
    return invitation if invitation is not None and invitation.is_usable else None


class SignupNamesForm(forms.Form):
    """First and last name on the sign-up form (allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``),
    pre-filled from the invitation so the person checks how the network will name them."""

    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=100, required=False)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invitation = pending_invitation(getattr(context, "request", None))
        if invitation is not None:
            self.fields["first_name"].initial = invitation.first_name
            self.fields["last_name"].initial = invitation.last_name

    def signup(self, request, user) -> None:
        """Names are saved by the adapter with the member (one transaction)."""


class InvitationAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.OPEN_SIGNUP or pending_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        invitation = pending_invitation(getattr(self, "request", None))
        if invitation is not None and email.strip().lower() != invitation.email.lower():
            raise ValidationError(
                _("Cette invitation est adressée à %(email)s : inscrivez-vous avec cette "
                  "adresse.") % {"email": invitation.email})
        return email

    def populate_username(self, request, user) -> None:
        if not user.username:
            user.username = unique_username(user.email)

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        invitation = pending_invitation(request)
        user = super().save_user(request, user, form, commit=commit)
        data = getattr(form, "cleaned_data", {}) or {}
        first = (data.get("first_name") or "").strip()
        last = (data.get("last_name") or "").strip()
        if invitation:
            invitation_accept(invitation=invitation, user=user, first_name=first, last_name=last)
            request.session.pop(INVITATION_SESSION_KEY, None)
        else:
            Member.objects.get_or_create(user=user, defaults={
                "first_name": first or user.email.split("@")[0], "last_name": last})
        return user


def user_display(user) -> str:
    """How allauth names a person in its messages ("Connexion réussie en tant que …"): the
    member's name, else the email — never a blank username."""
    member = getattr(user, "member", None)
    if member is not None and member.full_name:
        return member.full_name
    return user.email or str(user)
