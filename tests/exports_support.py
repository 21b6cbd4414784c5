"""Reading exports back in tests: a download may be streamed (CSV), a file (XLSX of one
member's rows) or an export job that a worker builds (network-wide XLSX)."""
from __future__ import annotations

import csv
import io
import zipfile

import openpyxl


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def download(client, url: str, params: dict | None = None) -> bytes:
    """The bytes of an export, following an export job to its file (tasks run eagerly)."""
    response = client.get(url, params or {})
    if response.status_code == 302 and "/exports/" in response["Location"]:
        from contribbudget.export_jobs import export_build
        from contribbudget.models import ExportJob

        job_url = response["Location"]
        job = ExportJob.objects.get(pk=int(job_url.rstrip("/").rsplit("/", 1)[-1]))
        if job.status == ExportJob.Status.QUEUED:  # the task, called directly
            export_build(job.pk)
        response = client.get(job_url.rstrip("/") + "/telecharger/")
    assert response.status_code == 200, (url, params, response.status_code)
    return body(response)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def xlsx_sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist()
                       if n.startswith("xl/worksheets/"))
