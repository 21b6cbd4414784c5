"""Importing past contributions from a CSV or XLSX file.

1. :func:`import_create` reads the uploaded file and checks every row with the same rule
   function as the forms (``services.contribution_check``, see ``import_rules``), naming
   each error in French with its line; nothing is written but the import row.
2. :func:`import_commit` (run by a Celery task) checks the file again under the members'
   locks and writes every row or none, in one transaction, in bulk (``import_write``: what
   ``services.contribution_create`` writes, row for row); progress goes to the cache.

Idempotent: each row gets an ``import_key`` (a hash of its content and of its rank among
identical rows of the file), unique in the database; a row whose key exists is skipped, so
importing the same file twice creates nothing new.
"""
from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import shared_task
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, Member
from contribbudget.permissions import member_of
from contribbudget.services import audit_record
from projects.models import Envelope, Project, ProjectRole

from .import_files import MAX_CELL_CHARS, MAX_ROWS, ImportFileError, echo, table_rows  # noqa: F401 - re-exported
from .import_rules import check_rules
from .import_write import write_rows
from .models import ContributionImport
from .parsing import ParseError, parse_date, parse_hours

COLUMNS = {
    "email": ("email", "courriel", "e-mail", "mail", "membre"),
    "date": ("date", "jour"),
    "hours": ("hours", "heures", "durée", "duree", "temps"),
    "project": ("project", "projet"),
    "envelope": ("envelope", "enveloppe"),
    "kind": ("kind", "type"),
    "description": ("description", "libellé", "libelle"),
    "invited_by": ("invited_by", "invité par", "invité·e par", "invite par"),
}
REQUIRED = ("email", "date", "hours", "project", "envelope", "kind", "description")
KINDS = {"production": "production", "coordination": "coordination", "creative": "creative",
         "créatif": "creative", "creatif": "creative", "session créative": "creative",
         "session creative": "creative", "support": "support", "meeting": "meeting",
         "réunion": "meeting", "reunion": "meeting"}


@dataclass
class ImportRow:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    import_key: str = ""
    skipped: bool = False
    joins_team: bool = False  # its member's first row on an open project outside the team


def _progress_key(pk: int) -> str:
    return f"contributions:import:{pk}:done"


def import_progress(imp: ContributionImport) -> int:
    """Rows written so far by a running import (from the cache the task writes)."""
    if imp.status in (ContributionImport.Status.DONE, ContributionImport.Status.FAILED):
        return imp.total_rows
    return int(cache.get(_progress_key(imp.pk)) or 0)


def _header(name) -> str | None:
    text = str(name or "").strip().lower()
    for key, aliases in COLUMNS.items():
        if text in aliases:
            return key
    return None


def read_rows(content: bytes, filename: str, *, limit: int | None = None
              ) -> list[tuple[int, dict]]:
    """``[(line number, {column: raw value})]`` from CSV (``;``, ``,`` or tab) or XLSX,
    read within the bounds of :mod:`contributions.import_files`; ``limit`` reads only the
    first rows (the preview)."""
    label, rows = table_rows(content, filename, limit=limit)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(_("Le fichier est vide."))
    headers = [_header(h) for h in header]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise ImportFileError(_("Colonnes manquantes : %(cols)s (fichier lu en %(encoding)s). "
                                "La première ligne doit nommer les colonnes email, date, "
                                "hours, project, envelope, kind, description.")
                              % {"cols": ", ".join(missing), "encoding": label})
    out = []
    for number, cells in enumerate(rows, start=2):
        raw = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(headers) if h}
        out.append((number, raw))
    return out


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def analyse_rows(rows: list[tuple[int, dict]], user, *, lock: bool = False) -> list[ImportRow]:
    """Check every row with the service's rule check. Everything the check reads — members,
    projects, envelopes, teams, import keys already written, the hours already recorded on
    each member's days — is read once for the whole file (a handful of queries whatever its
    length), so a 10,000-row preview answers within the request and a commit writes at bulk
    speed. ``lock`` (the commit, inside its transaction) first locks the members of the file
    as the form service locks the member it writes for, so nobody logs hours on their days
    between this check and the write."""
    importer = member_of(user)
    emails = {_text(raw.get("email")).lower() for _n, raw in rows}
    emails |= {_text(raw.get("invited_by")).lower() for _n, raw in rows if raw.get("invited_by")}
    found = (Member.objects.select_related("user").annotate(email_lower=Lower("user__email"))
             .filter(email_lower__in=emails))
    if lock:
        # In pk order, so two imports sharing members queue instead of deadlocking.
        found = found.select_for_update(of=("self",)).order_by("pk")
    members = {m.email_lower: m for m in found}
    projects = list(Project.objects.all())
    by_project = {}
    for project in projects:
        by_project[project.slug.lower()] = project
        by_project.setdefault(project.name.lower(), project)
    envelopes = {(e.project_id, e.name.lower()): e for e in Envelope.objects.all()}
    piloted = set(ProjectRole.objects.filter(member=importer, role=ProjectRole.Role.PILOT)
                  .values_list("project_id", flat=True)) if importer else set()
    may_import_everywhere = bool(importer and importer.is_coordinator)

    parsed: list[ImportRow] = []
    identical: Counter = Counter()
    for line, raw in rows:
        row = ImportRow(line=line, raw={k: _text(v) if not isinstance(v, datetime.date) else v
                                        for k, v in raw.items()})
        errors = row.errors
        for column, value in row.raw.items():
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                errors.append(_("Colonne « %(column)s » trop longue (%(max)s caractères au "
                                "plus).") % {"column": column, "max": MAX_CELL_CHARS})
                row.raw[column] = echo(value)
        if errors:
            parsed.append(row)
            continue
        email = _text(raw.get("email")).lower()
        member = members.get(email)
        if not email:
            errors.append(_("Courriel manquant."))
        elif member is None:
            errors.append(_("Aucun·e membre n'a le courriel « %(email)s ».") % {"email": echo(email)})
        date = hours = None
        try:
            date = parse_date(raw.get("date"))
        except ParseError as error:
            errors.append(str(error))
        try:
            hours = parse_hours(raw.get("hours"))
        except ParseError as error:
            errors.append(str(error))
        project_name = _text(raw.get("project"))
        project = by_project.get(project_name.lower())
        if project is None:
            errors.append(_("Projet inconnu : « %(name)s ».") % {"name": echo(project_name)})
        elif not (may_import_everywhere or project.pk in piloted):
            errors.append(_("Vous ne pilotez pas le projet « %(name)s » : vous ne pouvez pas y "
                            "importer de contributions.") % {"name": project.name})
        envelope_name = _text(raw.get("envelope"))
        envelope = None
        if project is not None:
            envelope = envelopes.get((project.pk, envelope_name.lower()))
            if envelope is None:
                other = next((e for (pid, name), e in envelopes.items()
                              if name == envelope_name.lower()), None)
                if other is not None:
                    errors.append(_("L'enveloppe « %(env)s » n'appartient pas au projet "
                                    "« %(project)s ».") % {"env": echo(envelope_name),
                                                            "project": project.name})
                else:
                    errors.append(_("Enveloppe inconnue : « %(name)s ».") % {"name": echo(envelope_name)})
        kind_text = _text(raw.get("kind")).lower()
        kind = KINDS.get(kind_text)
        if kind is None:
            errors.append(_("Type inconnu : « %(kind)s » (production, coordination, creative, "
                            "support ou meeting).") % {"kind": echo(kind_text)})
        description = _text(raw.get("description"))
        invited_email = _text(raw.get("invited_by")).lower()
        invited_by = members.get(invited_email) if invited_email else None
        if invited_email and invited_by is None:
            errors.append(_("Aucun·e membre n'a le courriel « %(email)s » (invité·e par).")
                          % {"email": echo(invited_email)})
        if not errors:
            fingerprint = "|".join([email, date.isoformat(), f"{hours:f}", str(project.pk),
                                    str(envelope.pk), kind, description, invited_email])
            identical[fingerprint] += 1
            row.import_key = hashlib.sha256(
                f"{fingerprint}#{identical[fingerprint]}".encode()).hexdigest()
            row.values = {"member": member, "project": project, "envelope": envelope,
                          "date": date, "hours": hours, "kind": kind,
                          "description": description, "invited_by": invited_by}
        parsed.append(row)
    check_rules(parsed)
    return parsed


def _content(imp: ContributionImport) -> bytes:
    imp.file.open("rb")
    try:
        return imp.file.read()
    finally:
        imp.file.close()


def _store_unreadable(imp: ContributionImport, error: ImportFileError) -> None:
    imp.total_rows = 0
    imp.errors = [{"line": 1, "messages": [str(error)]}]
    imp.save(update_fields=["total_rows", "errors"])


def _store_analysis(imp: ContributionImport, rows: list[ImportRow]) -> None:
    imp.total_rows = len(rows)
    imp.skipped_rows = sum(1 for r in rows if r.skipped)
    imp.errors = [{"line": r.line, "messages": r.errors} for r in rows if r.errors]
    imp.save(update_fields=["total_rows", "skipped_rows", "errors"])


def import_commit(*, import_id: int, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write the rows of a queued import, all or none. Claimed with a conditional update so
    two workers never run the same import."""
    claimed = ContributionImport.objects.filter(
        pk=import_id, status=ContributionImport.Status.QUEUED).update(
        status=ContributionImport.Status.RUNNING)
    imp = ContributionImport.objects.select_related("uploaded_by").get(pk=import_id)
    if not claimed:
        return {"status": imp.status, "created": imp.created_rows}
    try:
        return _commit_claimed(imp, progress)
    except Exception:
        # Unexpected failure (file gone, database down): never leave the import "running".
        imp.errors = [{"line": 0, "messages": [_("Erreur inattendue : rien n'a été écrit. "
                                                 "Réessayez ou contactez la coordination.")]}]
        _finish(imp, ContributionImport.Status.FAILED, created=0)
        raise


def _commit_claimed(imp: ContributionImport, progress) -> dict:
    """Check the file again (the database may have changed since the preview) under the
    members' locks, then write every accepted row in bulk, in one transaction."""
    try:
        rows = read_rows(_content(imp), imp.original_name)
    except ImportFileError as error:
        _store_unreadable(imp, error)
        return _finish(imp, ContributionImport.Status.FAILED, created=0)

    def report(done: int, total: int) -> None:
        cache.set(_progress_key(imp.pk), done, 3600)
        if progress:
            progress(done, total)

    with transaction.atomic():
        checked = analyse_rows(rows, imp.uploaded_by, lock=True)
        _store_analysis(imp, checked)
        if not checked or imp.errors:
            return _finish(imp, ContributionImport.Status.FAILED, created=0)
        created = write_rows([r for r in checked if not r.skipped], actor=imp.uploaded_by,
                             progress=report)
        audit_record(actor=imp.uploaded_by, action=AuditEvent.Action.CONTRIBUTION_IMPORTED,
                     obj=imp, data={"created": created, "skipped": imp.skipped_rows,
                                    "file": imp.original_name})
    return _finish(imp, ContributionImport.Status.DONE, created=created)


def _finish(imp: ContributionImport, status: str, *, created: int) -> dict:
    imp.status = status
    imp.created_rows = created
    imp.done_rows = imp.total_rows
    imp.finished_at = timezone.now()
    imp.save(update_fields=["status", "created_rows", "done_rows", "finished_at", "errors"])
    cache.delete(_progress_key(imp.pk))
    return {"status": status, "created": created, "skipped": imp.skipped_rows}


def import_create(*, user, upload) -> tuple[ContributionImport, list[ImportRow]]:
    """Read an uploaded file, then store it with its preview.

    A file that cannot be read (format, encoding, size, columns) raises
    :class:`ImportFileError` before anything is stored: a refused upload leaves no row and no
    file. Anything unexpected once the file is stored deletes it again (the row goes with the
    transaction)."""
    content = upload.read()
    rows = read_rows(content, upload.name)
    imp = ContributionImport(uploaded_by=user, original_name=upload.name[:255],
                             checksum=hashlib.sha256(content).hexdigest())
    try:
        with transaction.atomic():
            imp.file.save(upload.name, ContentFile(content), save=False)
            imp.save()
            checked = analyse_rows(rows, user)
            _store_analysis(imp, checked)
    except BaseException:
        if imp.file.name:
            imp.file.storage.delete(imp.file.name)
        raise
    return imp, checked


def import_queue(*, imp: ContributionImport) -> bool:
    """Ask for the commit of a previewed, error-free import; the task runs after commit."""
    if imp.errors or imp.total_rows == 0:
        return False
    updated = ContributionImport.objects.filter(
        pk=imp.pk, status=ContributionImport.Status.PREVIEW).update(
        status=ContributionImport.Status.QUEUED)
    if updated:
        commit_import.delay_on_commit(imp.pk)
    return bool(updated)


# Defined beside its service (services and their tasks live together, see the README's
# layering), under the name it always had; ``contributions.tasks`` re-exports it.
@shared_task(name="contributions.tasks.commit_import", bind=True)
def commit_import(self, import_id: int) -> dict:
    """Write a previewed import, all or nothing, reporting progress."""

    def progress(done: int, total: int) -> None:
        if not self.request.called_directly and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return import_commit(import_id=import_id, progress=progress)
