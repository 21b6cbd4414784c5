"""The benchmark's baselines, served by the same gunicorn settings as the app in the same run
and mounted only when BENCH_BASELINE=1:

- ``bare``: a Django view rendering a template with 20 rows — no session, no user;
- ``authenticated``: the floor of any page of this app — the session, the user and their
  member looked up, one indexed query of 20 rows (the member's latest contributions, served
  by the (member, date) index) rendered in a 20-row template. A page's throughput against it
  says what the page itself spends beyond what every logged-in page must.
"""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from contributions.models import Contribution


def bare(request):
    rows = [{"n": i, "label": f"Ligne {i}", "amount": f"{i * 12.5:.2f}"} for i in range(20)]
    return render(request, "bench/bare.html", {"rows": rows})


@login_required
def authenticated(request):
    member = request.user.member
    rows = list(Contribution.objects.filter(member=member).order_by("-date", "-pk")
                .values("pk", "date", "hours", "description")[:20])
    return render(request, "bench/authenticated.html", {"member": member, "rows": rows})
