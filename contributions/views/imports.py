"""Imports of past contributions by pilots and coordinators: upload, preview, commit."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contribbudget.permissions import get_import_for, get_member_for

from .. import imports
from ..forms import ImportUploadForm
from ..models import ContributionImport

PREVIEW_ROWS = 200


@login_required
def import_upload(request):
    get_member_for(request.user, action="review")
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                imp, _rows = imports.import_create(user=request.user,
                                                   upload=form.cleaned_data["file"])
            except imports.ImportFileError as error:
                form.add_error("file", str(error))  # nothing was stored
            else:
                return redirect("contributions:import_detail", pk=imp.pk)
    else:
        form = ImportUploadForm()
    recent = ContributionImport.objects.filter(uploaded_by=request.user)[:10]
    return render(request, "contributions/import.html", {"form": form, "recent": recent})


@login_required
def import_detail(request, pk: int):
    """The preview (every row's errors), the commit button, then the progress and result.
    ``?progress=1`` returns only the progress fragment, polled by htmx."""
    imp = get_import_for(request.user, pk)
    if request.method == "POST":
        if imports.import_queue(imp=imp):
            messages.success(request, _("Import lancé."))
        else:
            messages.error(request, _("Cet import ne peut pas être lancé : corrigez le fichier "
                                      "et déposez-le à nouveau."))
        return redirect("contributions:import_detail", pk=pk)
    progress = _progress_context(imp)
    if request.GET.get("progress"):
        return render(request, "includes/_progress.html", progress)
    preview = []
    if imp.status == ContributionImport.Status.PREVIEW and imp.total_rows:
        preview = _preview(imp)
    to_create = imp.total_rows - imp.skipped_rows
    return render(request, "contributions/import_detail.html", {
        "imp": imp, "progress": progress, "preview": preview, "to_create": to_create,
        "errors_count": len(imp.errors), "preview_limit": PREVIEW_ROWS,
    })


def _progress_context(imp: ContributionImport) -> dict:
    states: dict[str, str] = {ContributionImport.Status.QUEUED: "queued",
             ContributionImport.Status.RUNNING: "running",
             ContributionImport.Status.DONE: "done",
             ContributionImport.Status.FAILED: "failed"}
    state = states.get(imp.status, "")
    total = max(imp.total_rows - imp.skipped_rows, 1)
    done = imports.import_progress(imp)
    return {"job_id": f"import-{imp.pk}", "state": state,
            "percent": 100 if state == "done" else min(100, int(100 * done / total)),
            "label": _("Import de %(name)s") % {"name": imp.original_name},
            "poll_url": reverse("contributions:import_detail", args=[imp.pk]) + "?progress=1",
            "done_url": reverse("contributions:import_detail", args=[imp.pk]),
            "error": _("L'import a échoué : rien n'a été écrit.")}


def _preview(imp: ContributionImport) -> list:
    """The first rows as read, with their errors (re-read from the stored file)."""
    imp.file.open("rb")
    try:
        content = imp.file.read()
    finally:
        imp.file.close()
    try:
        rows = imports.read_rows(content, imp.original_name, limit=PREVIEW_ROWS)
    except imports.ImportFileError:
        return []
    errors = {e["line"]: e["messages"] for e in imp.errors}
    # Cells were read up to their limit (2,001 characters): the preview shows their start.
    return [{"line": line, "raw": {k: imports.echo(v) if isinstance(v, str) else v
                                   for k, v in raw.items()},
             "errors": errors.get(line, [])}
            for line, raw in rows[:PREVIEW_ROWS]]
