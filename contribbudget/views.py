"""Home page per role, health check (invitations: network/invitation_views.py)."""
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from network.selectors import first_steps

from . import selectors
from .permissions import member_of


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


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
