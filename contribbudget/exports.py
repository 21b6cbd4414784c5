"""CSV and XLSX exports shared by every table (contributions, envelopes, lines, payments).

Exporters build ``(headers, rows)`` from the same selectors as the pages, then call
:func:`export_response`. Cells keep their Python types, so the XLSX has numbers as numbers
(``Decimal`` → number cell with a euro or hours format) and dates as dates; the CSV uses the
French conventions (``;`` separator, decimal comma, UTF-8 with BOM so Excel opens it).
"""
from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
MONEY_FORMAT = '#,##0.00 "€"'
NUMBER_FORMAT = "#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"


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


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def to_csv(columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([c.title for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(columns: Sequence[Column], rows: Iterable[Sequence], sheet_title: str = "Export") -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([c.title for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCEFE9")
    widths = [len(c.title) + 2 for c in columns]
    for row in rows:
        values = []
        for i, value in enumerate(row):
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            values.append(value)
            widths[i] = min(60, max(widths[i], len(_csv_cell(value)) + 2))
        sheet.append(values)
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = widths[i - 1]
        fmt = {"money": MONEY_FORMAT, "hours": NUMBER_FORMAT, "number": NUMBER_FORMAT,
               "date": DATE_FORMAT}.get(column.kind)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_bytes(fmt: str, columns: Sequence[Column], rows: Iterable[Sequence],
                 basename: str) -> tuple[str, str, bytes]:
    """``(filename, content_type, bytes)`` for ``fmt`` in :data:`FORMATS`."""
    if fmt == "xlsx":
        return (f"{basename}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                to_xlsx(columns, rows, basename))
    if fmt == "csv":
        return f"{basename}.csv", "text/csv; charset=utf-8", to_csv(columns, rows)
    raise ValueError(f"unknown export format: {fmt}")


def export_response(fmt: str, columns: Sequence[Column], rows: Iterable[Sequence],
                    basename: str) -> HttpResponse:
    filename, content_type, content = export_bytes(fmt, columns, rows, basename)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
