"""The page that says which quick-log entries are still waiting in this browser (kept
offline in IndexedDB by js/offline.js). The server has nothing to list: the entries are not
sent yet, so the page is a shell the script fills, and the service worker keeps a copy of
it for when there is no network."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .common import member_or_404


@login_required
def offline_queue(request):
    member_or_404(request)
    return render(request, "contributions/offline_queue.html")
