"""Home page per role, invitations, health check."""
from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from . import selectors
from .accounts import INVITATION_SESSION_KEY
from .forms import InvitationForm
from .models import Invitation
from .permissions import is_coordinator, member_of
from .services import invitation_create


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
    return render(request, "home.html", context)


class InvitationCreateView(LoginRequiredMixin, FormView):
    template_name = "invitations/create.html"
    form_class = InvitationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_coordinator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = Invitation.objects.filter(accepted_at__isnull=True)[:50]
        return context

    def form_valid(self, form):
        try:
            invitation = invitation_create(invited_by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Invitation envoyée à %(email)s.") %
                         {"email": invitation.email})
        return redirect("invitation_create")


def invitation_accept(request, token: str):
    """Open sign-up for the invited email and send the person to allauth's sign-up form."""
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is None:
        raise Http404
    if not invitation.is_pending:
        messages.info(request, _("Cette invitation a déjà été utilisée : connectez-vous."))
        return redirect("account_login")
    request.session[INVITATION_SESSION_KEY] = invitation.token
    # The link reached the invited mailbox: allauth treats this email as verified.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect(reverse("account_signup") + "?email=" + invitation.email)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
