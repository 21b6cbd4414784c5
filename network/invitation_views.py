"""Invitations: the coordinators' page (invite in bulk, follow, resend, revoke) and the link
an invited person follows."""
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contribbudget.links import remember_site_url
from contribbudget.models import Invitation
from contribbudget.permissions import get_network_object_for, require_network

from .accounts import INVITATION_SESSION_KEY
from .forms import InvitationForm
from .invitations import invitation_resend, invitation_revoke, invitations_create
from .selectors import invitations_list
from .views import put_errors

INVITATION_STATUSES = [("", gettext_lazy("Toutes")), ("pending", gettext_lazy("En attente")),
                       ("expired", gettext_lazy("Expirées")),
                       ("accepted", gettext_lazy("Acceptées")),
                       ("revoked", gettext_lazy("Révoquées"))]


@login_required
def invitations(request):
    """Invite people in bulk (all or none) and follow the invitations sent."""
    require_network(request.user)
    remember_site_url(request)
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sent = invitations_create(invited_by=request.user, text=data["lines"],
                                          home_place=data["home_place"], project=data["project"],
                                          project_role=data["project_role"], request=request)
            except ValidationError as error:
                put_errors(form, error)
            else:
                messages.success(request, _("%(n)d invitation(s) envoyée(s) : %(emails)s.") % {
                    "n": len(sent), "emails": ", ".join(i.email for i in sent)})
                return redirect("invitation_create")
    else:
        form = InvitationForm()
    status = request.GET.get("statut", "")
    listing = invitations_list(status=status)[:200]
    return render(request, "invitations/create.html", {
        "form": form, "invitations": listing, "status": status,
        "statuses": [(key, str(label)) for key, label in INVITATION_STATUSES]})


@login_required
@require_POST
def invitation_action(request, pk: int, action: str):
    invitation = get_network_object_for(request.user, Invitation, pk)
    try:
        if action == "resend":
            invitation_resend(invitation=invitation, actor=request.user, request=request)
            messages.success(request, _("Invitation renvoyée à %(email)s (nouveau lien, valable "
                                        "%(days)d jours).") % {
                "email": invitation.email, "days": settings.INVITATION_EXPIRY_DAYS})
        else:
            invitation_revoke(invitation=invitation, actor=request.user)
            messages.success(request, _("Invitation de %(email)s révoquée : son lien ne "
                                        "fonctionne plus.") % {"email": invitation.email})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("invitation_create")


def invitation_accept(request, token: str):
    """Open sign-up for the invited email and send the person to allauth's sign-up form; an
    unknown, expired, revoked or used link gets a page that says what to do."""
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        state = "unknown" if invitation is None else invitation.status
        return render(request, "invitations/unusable.html", {"state": state, "invitation": invitation},
                      status=404 if invitation is None else 410)
    if request.user.is_authenticated:
        return render(request, "invitations/unusable.html", {"state": "logged_in",
                                                             "invitation": invitation}, status=409)
    request.session[INVITATION_SESSION_KEY] = invitation.token
    # The link reached the invited mailbox: allauth treats this email as verified.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect(reverse("account_signup") + "?email=" + invitation.email)
