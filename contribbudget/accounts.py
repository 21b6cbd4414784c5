"""django-allauth integration: sign-up is by invitation unless OPEN_SIGNUP is on.

A coordinator's invitation link stores its token in the session and sends the person to
allauth's sign-up form with the email fixed; the adapter then allows sign-up, creates the
member profile from the invitation and marks the email verified (the link proved it).
"""
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.utils import timezone

INVITATION_SESSION_KEY = "contribbudget_invitation"


def pending_invitation(request):
    from .models import Invitation

    token = request.session.get(INVITATION_SESSION_KEY) if request else None
    if not token:
        return None
    return Invitation.objects.filter(token=token, accepted_at__isnull=True).first()


class InvitationAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.OPEN_SIGNUP or pending_invitation(request) is not None

    @transaction.atomic
    def save_user(self, request, user, form, commit=True):
        from .models import Member

        invitation = pending_invitation(request)
        user = super().save_user(request, user, form, commit=commit)
        if invitation:
            Member.objects.get_or_create(
                user=user,
                defaults={"first_name": invitation.first_name, "last_name": invitation.last_name,
                          "home_place": invitation.home_place},
            )
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            request.session.pop(INVITATION_SESSION_KEY, None)
        else:
            local = user.email.split("@")[0]
            Member.objects.get_or_create(user=user, defaults={"first_name": local, "last_name": ""})
        return user


def user_display(user) -> str:
    """How allauth names a person in its messages ("Connexion réussie en tant que …"): the
    member's name, else the email — never a blank username."""
    member = getattr(user, "member", None)
    if member is not None and member.full_name:
        return member.full_name
    return user.email or str(user)
