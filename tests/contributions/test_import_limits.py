"""Issue 12 point 4: no upload holds a web worker, fills the disk or breaks a page.

XLSX files are read row by row (openpyxl ``read_only``) and reading stops at the row limit;
every cell has a length limit and echoed values are truncated; encodings are detected or
explained (UTF-8 with or without BOM, UTF-16 by its BOM, Windows-1252); unreadable files get
a French message on the form; a refused upload leaves no file and no row behind."""
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from contributions import imports
from contributions.models import Contribution, ContributionImport

pytestmark = pytest.mark.django_db
UPLOAD = reverse("contributions:import")
HEADER = ["email", "date", "hours", "project", "envelope", "kind", "description"]


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def xlsx(rows, *, header=HEADER) -> bytes:
    """A workbook written with ``write_only`` (rows go to disk as they come)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refused(client, name, content, settings, django_assert_max_num_queries, max_queries=12):
    """Upload ``content``; it must be refused on the form, with nothing stored."""
    with django_assert_max_num_queries(max_queries):
        response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert not ContributionImport.objects.exists()
    assert not media_files(settings)
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def good_row(world, description="Atelier"):
    return f"{world.contributor.user.email};05/10/2026;2,5;legumerie;Production;production;{description}"


@pytest.fixture
def pilot(world, client_for):
    return client_for(world.pilot)


def test_a_450000_row_xlsx_is_refused_after_reading_only_up_to_the_limit(
        world, pilot, settings, django_assert_max_num_queries):
    content = xlsx([i] for i in range(450_000))
    assert len(content) < 5 * 1024 * 1024  # under the upload limit: the reader must cope
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_rows(content, "grand.xlsx")
    assert error.value.rows_read <= imports.MAX_ROWS + 10  # stopped at the limit
    page = refused(pilot, "grand.xlsx", content, settings, django_assert_max_num_queries)
    assert "Plus de 20" in page and "découpez le fichier" in page


def with_huge_cell(template: bytes, chars: int) -> bytes:
    """``template`` (a workbook) whose sheet's second row holds one ``chars``-long cell —
    what openpyxl itself refuses to write (it cuts cells at 32,767 characters), so the
    sheet's XML is streamed into the archive by hand."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
                continue
            xml = source.read(info.filename).decode()
            head, tail = xml.split("</sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head.encode() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
                for _ in range(chars // 1_000_000):
                    sheet.write(b"x" * 1_000_000)
                sheet.write(b"</t></is></c></row></sheetData>" + tail.encode())
    return out.getvalue()


def test_a_60_mb_cell_is_refused_without_being_read_nor_echoed(
        world, pilot, settings, django_assert_max_num_queries):
    content = with_huge_cell(xlsx([]), 60_000_000)
    assert len(content) < 200_000  # a small file that inflates to 60 MB
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_rows(content, "bombe.xlsx")
    assert error.value.rows_read == 0  # refused from the archive's sizes, before parsing
    page = refused(pilot, "bombe.xlsx", content, settings, django_assert_max_num_queries)
    assert "décompressé" in page
    assert len(page) < 100_000


def test_a_long_cell_is_a_row_error_with_a_truncated_echo(world, pilot):
    long_email = "a" * 5000 + "@exemple.org"
    body = ";".join(HEADER) + "\n" + good_row(world, "d" * 3000) + "\n" + \
        f"{long_email};05/10/2026;2;legumerie;Production;production;Atelier\n"
    response = pilot.post(UPLOAD, {"file": SimpleUploadedFile("long.csv", body.encode())})
    imp = ContributionImport.objects.get()
    messages = " ".join(m for e in imp.errors for m in e["messages"])
    assert "trop longue" in messages and f"{imports.MAX_CELL_CHARS}" in messages.replace("\u202f", "").replace(" ", "")
    assert len(messages) < 1000  # no 5,000-character echo
    page = pilot.get(response["Location"]).content.decode()
    assert "a" * 200 not in page and "d" * 200 not in page


def test_a_128_kb_field_in_a_csv_gets_a_message(world, pilot, settings,
                                                django_assert_max_num_queries):
    body = ";".join(HEADER) + "\n" + good_row(world, '"' + "d" * 140_000 + '"') + "\n"
    page = refused(pilot, "champ.csv", body.encode(), settings, django_assert_max_num_queries)
    assert "trop longue" in page


@pytest.mark.parametrize("name", ["hasard.csv", "hasard.xlsx"])
def test_random_bytes_get_a_clear_message(world, pilot, settings, name,
                                          django_assert_max_num_queries):
    page = refused(pilot, name, os.urandom(64 * 1024), settings, django_assert_max_num_queries)
    assert "illisible" in page or "ne ressemble pas" in page


def test_a_zip_that_is_not_a_workbook_gets_a_clear_message(world, pilot, settings,
                                                           django_assert_max_num_queries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "bonjour")
    page = refused(pilot, "faux.xlsx", out.getvalue(), settings, django_assert_max_num_queries)
    assert "illisible" in page


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                           ("cp1252", b"")])
def test_csv_encodings_are_detected(world, pilot, encoding, bom):
    body = ";".join(HEADER) + "\n" + good_row(world, "Réunion à l'Éco-lieu") + "\n"
    content = bom + body.encode(encoding)
    response = pilot.post(UPLOAD, {"file": SimpleUploadedFile("enc.csv", content)})
    assert response.status_code == 302, response.content.decode()[:300]
    imp = ContributionImport.objects.get()
    assert imp.errors == [] and imp.total_rows == 1
    rows = imports.read_rows(content, "enc.csv")
    assert rows[0][1]["description"] == "Réunion à l'Éco-lieu"


def test_an_unknown_encoding_is_explained(world, pilot, settings, django_assert_max_num_queries):
    # Bytes that are neither UTF-8 nor Windows-1252 (0x81, 0x8d are undefined there).
    content = (";".join(HEADER) + "\n").encode() + b"a@b.fr;\x81\x8d\x90;2\n"
    page = refused(pilot, "enc.csv", content, settings, django_assert_max_num_queries)
    assert "UTF-8" in page and "Windows-1252" in page


def test_missing_columns_say_how_the_file_was_read(world, pilot, settings,
                                                   django_assert_max_num_queries):
    page = refused(pilot, "x.csv", "émail;date\na@b.c;01/01/2026\n".encode("utf-16"),
                   settings, django_assert_max_num_queries)
    assert "Colonnes manquantes" in page and "UTF-16" in page


def test_an_unexpected_failure_after_storing_leaves_no_file(world, pilot, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(imports, "analyse_rows", broken)
    pilot.raise_request_exception = False
    body = ";".join(HEADER) + "\n" + good_row(world) + "\n"
    response = pilot.post(UPLOAD, {"file": SimpleUploadedFile("ok.csv", body.encode())})
    assert response.status_code == 500
    assert not ContributionImport.objects.exists() and not media_files(settings)
    assert not Contribution.objects.exists()


def test_the_preview_reads_only_the_rows_it_shows(world, pilot, monkeypatch):
    body = ";".join(HEADER) + "\n" + "".join(good_row(world, f"Atelier {i}") + "\n"
                                            for i in range(400))
    response = pilot.post(UPLOAD, {"file": SimpleUploadedFile("ok.csv", body.encode())})
    imp = ContributionImport.objects.get()
    assert imp.total_rows == 400
    read = []
    original = imports.read_rows

    def counting(*args, **kwargs):
        rows = original(*args, **kwargs)
        read.append(len(rows))
        return rows

    monkeypatch.setattr(imports, "read_rows", counting)
    page = pilot.get(response["Location"]).content.decode()
    assert "Atelier 199" in page and "Atelier 200" not in page
    assert read == [200]
