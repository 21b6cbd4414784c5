"""Home page per role, invitations, health check."""
from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors
from .accounts import INVITATION_SESSION_KEY
from .forms import InvitationForm
from .invitations import invitation_resend, invitation_revoke, invitations_create
from .links import remember_site_url
from .models import Invitation
from .network_selectors import first_steps, invitations_list
from .network_views import put_errors
from .permissions import get_network_object_for, member_of, require_network


@login_required
def home(request):
    """One home page; each section shows only to the role it is for."""
    member = member_of(request.user)
    if member is None:
        return render(request, "home_no_member.html")
    context = {"member": member, "contributor": selectors.contributor_home(member)}
    pilot_projects = selectors.pilot_home(member)
    if pilot_projects:
        context["pilot"] = pilot_projects
    if member.is_treasurer or member.is_coordinator:
        context["network"] = selectors.network_totals()
    if member.is_coordinator:
        context["first_steps"] = first_steps()
    return render(request, "home.html", context)


INVITATION_STATUSES = [("", _("Toutes")), ("pending", _("En attente")),
                       ("expired", _("Expirées")), ("accepted", _("Acceptées")),
                       ("revoked", _("Révoquées"))]


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
                                        "30 jours).") % {"email": invitation.email})
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


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
