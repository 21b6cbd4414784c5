"""CSV and XLSX exports: the one exporter every table's export goes through (contributions,
envelopes, lines, payments, the network overview).

Exporters build ``(columns, rows)`` from the same selectors as the pages, then call
:func:`export_response` (or, for network-wide tables, an export job: ``export_jobs``). Cells
keep their Python types, so the XLSX has numbers as numbers (``Decimal`` → number cell with a
euro or hours format) and dates as dates; the CSV uses the French conventions (``;``
separator, decimal comma, UTF-8 with BOM so Excel opens it).

Two properties hold for every export because they live here and nowhere else:

- **No formula injection.** A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return would be run as a formula by Excel or LibreOffice (``=HYPERLINK(…)``
  exfiltrating the sheet). Such a text gets a leading apostrophe (OWASP's advice), in the CSV
  and in the XLSX, where it is moreover written as a string cell, never a formula. Numbers
  and dates are not text: a negative amount stays a number.
- **Bounded memory.** The CSV is streamed row by row (``StreamingHttpResponse`` over an
  iterator); the XLSX is written with openpyxl's ``write_only`` mode, row by row, to a file.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
MONEY_FORMAT = '#,##0.00 "€"'
NUMBER_FORMAT = "#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# What spreadsheets read as the start of a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_TEXT = 32767  # Excel's limit for one cell
CSV_CHUNK_ROWS = 500
_FORMATS_BY_KIND = {"money": MONEY_FORMAT, "hours": NUMBER_FORMAT, "number": NUMBER_FORMAT,
                    "date": DATE_FORMAT}
_WIDTHS_BY_KIND = {"money": 14, "hours": 10, "number": 10, "date": 12, "text": 28}


class Column:
    """A column of an export: French title, and ``kind`` among text, money, hours, date.

    Columns are declared at module level, so the title is kept as given (a lazy
    translation, or a French literal looked up in the catalogue) and translated each time
    an export is written, in the language of whoever asks for it."""

    def __init__(self, title, kind: str = "text"):
        self._title = title
        self.kind = kind

    @property
    def title(self) -> str:
        if isinstance(self._title, str):
            return gettext(self._title)
        return str(self._title)


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it: a leading apostrophe before
    what would start a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return neutralise(str(value))
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


def csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks of a few hundred rows (BOM first), for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow([csv_cell(str(c.title)) for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if n % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


_NUMBER = re.compile(r"^-?\d[\d\s.]*(,\d+)?$")


class DelimitedWriter:
    """A ``csv.writer`` for fixed formats (FEC, Paheko) whose columns the format dictates:
    its text cells are neutralised like every export's; numbers already written as text
    (``-12,50``) stay numbers."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Sequence) -> None:
        self._writer.writerow([neutralise(v) if isinstance(v, str) and not _NUMBER.match(v)
                               else v for v in row])


def to_csv(columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    return b"".join(csv_chunks(columns, rows))


def _xlsx_value(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    # Characters XML 1.0 forbids (control characters pasted from elsewhere) would make
    # openpyxl refuse the whole file: they are dropped.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(str(value)))[:XLSX_MAX_TEXT]


def write_xlsx(columns: Sequence[Column], rows: Iterable[Sequence], target: str | IO[bytes],
               sheet_title: str = "Export",
               progress: Callable[[int], None] | None = None, every: int = 500) -> int:
    """Write the rows to ``target`` (a path or a binary file) with openpyxl's ``write_only``
    mode: rows go to disk as they come, memory stays flat whatever the number of rows.
    ``progress(n)`` is called every ``every`` rows. Returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31] or "Export")
    for i, column in enumerate(columns, start=1):
        width = max(_WIDTHS_BY_KIND.get(column.kind, 28), len(str(column.title)) + 2)
        sheet.column_dimensions[get_column_letter(i)].width = min(width, 60)
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCEFE9")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(str(column.title)))
        cell.data_type = "s"
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    formats = [_FORMATS_BY_KIND.get(c.kind) for c in columns]
    n = 0
    for n, row in enumerate(rows, start=1):
        cells = []
        for fmt, raw in zip(formats, row, strict=False):
            value = _xlsx_value(raw)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # a string cell, never a formula
            elif fmt and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = fmt
            else:
                cell = value
            cells.append(cell)
        sheet.append(cells)
        if progress is not None and n % every == 0:
            progress(n)
    workbook.save(target)
    return n


def to_xlsx(columns: Sequence[Column], rows: Iterable[Sequence], sheet_title: str = "Export") -> bytes:
    out = io.BytesIO()
    write_xlsx(columns, rows, out, sheet_title)
    return out.getvalue()


def export_bytes(fmt: str, columns: Sequence[Column], rows: Iterable[Sequence],
                 basename: str) -> tuple[str, str, bytes]:
    """``(filename, content_type, bytes)`` for ``fmt`` in :data:`FORMATS`."""
    if fmt == "xlsx":
        return f"{basename}.xlsx", XLSX_CONTENT_TYPE, to_xlsx(columns, rows, basename)
    if fmt == "csv":
        return f"{basename}.csv", CSV_CONTENT_TYPE, to_csv(columns, rows)
    raise ValueError(f"unknown export format: {fmt}")


def _download_headers(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(columns: Sequence[Column], rows: Iterable[Sequence],
                 basename: str) -> StreamingHttpResponse:
    """The CSV streamed as the rows are read: the first bytes leave at once, memory stays
    flat, and the worker is never holding a whole export."""
    response = StreamingHttpResponse(csv_chunks(columns, rows), content_type=CSV_CONTENT_TYPE)
    return _download_headers(response, f"{basename}.csv")


def export_response(fmt: str, columns: Sequence[Column], rows: Iterable[Sequence],
                    basename: str) -> HttpResponse | StreamingHttpResponse:
    """A download of a bounded table (one member's rows, the projects): CSV streamed, XLSX
    written ``write_only`` to a temporary file. Network-wide tables go through an export job
    (``contribbudget.export_jobs``) for XLSX instead."""
    if fmt == "csv":
        return csv_response(columns, rows, basename)
    if fmt != "xlsx":
        raise ValueError(f"unknown export format: {fmt}")
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    write_xlsx(columns, rows, spool, basename)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    return _download_headers(response, f"{basename}.xlsx")
