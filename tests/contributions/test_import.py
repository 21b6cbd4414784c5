"""Imports: preview with every row's errors named in French, all-or-nothing commit,
idempotent re-import, XLSX and CSV, pilots and coordinators only."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from contributions.models import Contribution, ContributionImport
from projects.models import Project

from .. import factories

pytestmark = pytest.mark.django_db
UPLOAD = reverse("contributions:import")
HEADER = "email;date;hours;project;envelope;kind;description\n"


def csv_file(world, lines, name="passe.csv"):
    body = HEADER + "".join(line + "\n" for line in lines)
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="text/csv")


def good_line(world, date="05/10/2026", hours="2,5", description="Atelier"):
    return f"{world.contributor.user.email};{date};{hours};legumerie;Production;production;{description}"


def upload(client, file):
    response = client.post(UPLOAD, {"file": file})
    assert response.status_code == 302, response.content.decode()[:500]
    return ContributionImport.objects.latest("pk"), response["Location"]


def test_preview_then_commit_creates_submitted_contributions(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.pilot)
    imp, url = upload(client, csv_file(world, [good_line(world), good_line(world, hours="1h30")]))
    body = client.get(url).content.decode()
    assert "Importer 2 contributions" in body
    assert not Contribution.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    imp.refresh_from_db()
    assert imp.status == "done" and imp.created_rows == 2
    assert set(Contribution.objects.values_list("status", flat=True)) == {"submitted"}
    assert "Voir le résultat" in client.get(url).content.decode() or "Créées" in client.get(url).content.decode()


def test_importing_the_same_file_twice_creates_nothing_new(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.pilot)
    lines = [good_line(world), good_line(world)]  # two identical rows are two contributions
    imp, url = upload(client, csv_file(world, lines))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert Contribution.objects.count() == 2
    imp2, url2 = upload(client, csv_file(world, lines))
    assert imp2.skipped_rows == 2
    assert "Rien de nouveau" in client.get(url2).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url2)
    assert Contribution.objects.count() == 2


def test_every_bad_row_is_named_in_french_and_nothing_can_be_committed(world, client_for):
    factories.grain(world.pilot, world.envelope)
    world.other_project.phase = Project.Phase.CLOSED
    world.other_project.save()
    e = world.contributor.user.email
    lines = [
        good_line(world),                                                     # 2: ok
        f"{e};05/10/2026;0;legumerie;Production;production;Zéro",            # 3
        f"{e};05/10/2026;1h10;legumerie;Production;production;Quart",        # 4
        f"{e};06/10/2026;20;legumerie;Production;production;Long",           # 5
        f"{e};06/10/2026;5;legumerie;Production;production;Trop",            # 6: 25 h that day
        f"{e};05/10/2030;1;legumerie;Production;production;Futur",           # 7
        f"{e};05/10/2025;1;legumerie;Production;production;Avant",           # 8
        f"{e};05/10/2026;1;festival;Production;production;Clos",             # 9
        "inconnu@example.org;05/10/2026;1;legumerie;Production;production;X",  # 10
        f"{e};05/10/2026;1;legumerie;Inexistante;production;X",              # 11
        f"{e};05/10/2026;1;legumerie;Production;danse;X",                    # 12
        f"{e};pas une date;1;legumerie;Production;production;X",             # 13
        f"{e};05/10/2026;1;legumerie;Production;creative;Sans invitation",   # 14
    ]
    client = client_for(world.coordinator)
    imp, url = upload(client, csv_file(world, lines))
    errors = {e["line"]: " ".join(e["messages"]) for e in imp.errors}
    assert set(errors) == set(range(3, 15)) - {5}
    assert "supérieur à zéro" in errors[3]
    assert "quart d'heure" in errors[4]
    assert "dépasserait 24" in errors[6]
    assert "futur" in errors[7]
    assert "commence le" in errors[8]
    assert "clos" in errors[9]
    assert "Aucun·e membre" in errors[10]
    assert "Enveloppe inconnue" in errors[11]
    assert "Type inconnu" in errors[12]
    assert "n'est pas une date" in errors[13]
    assert "invitation" in errors[14]
    body = client.get(url).content.decode()
    assert "Ligne 3" in body and "ne sera importé" in body
    client.post(url)
    imp.refresh_from_db()
    assert imp.status == "preview" and not Contribution.objects.exists()


def test_an_envelope_of_another_project_is_named(world, client_for):
    line = f"{world.contributor.user.email};05/10/2026;1;legumerie;Production;production;X"
    factories.envelope(world.other_project, name="Festivités")
    bad = line.replace("Production", "Festivités", 1)
    imp, _url = upload(client_for(world.coordinator), csv_file(world, [bad]))
    assert "n'appartient pas au projet" in imp.errors[0]["messages"][0]


def test_a_grain_is_never_imported_for_someone_else_and_a_pilot_imports_only_own_projects(world, client_for):
    line = f"{world.contributor.user.email};05/10/2026;1;festival;Production;production;X"
    imp, _url = upload(client_for(world.pilot), csv_file(world, [line]))
    assert "Vous ne pilotez pas" in imp.errors[0]["messages"][0]


def test_xlsx_files_are_read(world, client_for, django_capture_on_commit_callbacks):
    import datetime
    wb = Workbook()
    ws = wb.active
    ws.append(["Courriel", "Date", "Heures", "Projet", "Enveloppe", "Type", "Description"])
    ws.append([world.contributor.user.email, datetime.date(2026, 10, 5), 1.5, "Légumerie",
               "Production", "Production", "Atelier XLSX"])
    out = io.BytesIO()
    wb.save(out)
    file = SimpleUploadedFile("passe.xlsx", out.getvalue())
    client = client_for(world.pilot)
    imp, url = upload(client, file)
    assert imp.errors == [] and imp.total_rows == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert Contribution.objects.get().description == "Atelier XLSX"


def test_missing_columns_are_explained(world, client_for):
    file = SimpleUploadedFile("x.csv", b"email;date\na@b.c;01/01/2026\n")
    response = client_for(world.pilot).post(UPLOAD, {"file": file})
    assert response.status_code == 200  # refused on the form, nothing stored
    assert "Colonnes manquantes" in response.content.decode()
    assert not ContributionImport.objects.exists()


def test_a_contributor_cannot_import(world, client_for):
    assert client_for(world.contributor).get(UPLOAD).status_code == 403


def test_someone_elses_import_is_a_404(world, client_for):
    imp, url = upload(client_for(world.pilot), csv_file(world, [good_line(world)]))
    assert client_for(world.copilot).get(url).status_code == 404


def test_progress_fragment_reports_the_state(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.pilot)
    imp, url = upload(client, csv_file(world, [good_line(world)]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    body = client.get(url + "?progress=1").content.decode()
    assert "<progress" in body and 'value="100"' in body and "hx-get" not in body


@pytest.fixture
def worker_sees_media(settings, monkeypatch):
    """The worker process reads uploads from the test's MEDIA_ROOT."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.mark.worker
def test_a_real_worker_commits_an_import_and_the_page_polls_its_progress(
        worker_sees_media, celery_worker_process, client_for):
    import time

    from .. import factories as f
    world = f.World.build()
    client = client_for(world.pilot)
    lines = [good_line(world, date=f"{d:02d}/10/2026", description=f"Ligne {d}") for d in range(1, 31)]
    imp, url = upload(client, csv_file(world, lines))
    client.post(url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        imp.refresh_from_db()
        if imp.status in ("done", "failed"):
            break
        assert "<progress" in client.get(url + "?progress=1").content.decode()
        time.sleep(0.3)
    assert imp.status == "done" and imp.created_rows == 30
    assert Contribution.objects.count() == 30
