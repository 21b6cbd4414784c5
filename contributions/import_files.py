"""Reading an uploaded CSV or XLSX of contributions, within bounds a web request can afford.

An upload is untrusted: a 500 KB XLSX can hold 450,000 rows, a 60 KB one a 60 MB cell (deflate
compresses repetition a thousandfold), a CSV can be UTF-16, Windows-1252 or random bytes. So:

- an XLSX is first checked from its archive's directory (what each part inflates to), then
  read row by row (openpyxl ``read_only``), and reading **stops** at the row limit instead of
  reading on;
- every cell is cut at :data:`MAX_CELL_CHARS` + 1 characters (enough to say it is too long);
  values echoed in messages are cut to :data:`ECHO_CHARS`;
- a CSV's encoding is detected from its BOM (UTF-8, UTF-16) or by trying UTF-8 then
  Windows-1252; binary content and unknown encodings get a French message naming the
  encodings accepted; a field over the csv module's limit is a message, not a crash.

:class:`ImportFileError` carries the message and how many rows were read (``rows_read``), so a
test can check that reading stopped where it should.
"""
from __future__ import annotations

import csv
import io
import zipfile

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_ROWS = 20000
MAX_CELL_CHARS = 2000  # the longest text a contribution holds (its description)
ECHO_CHARS = 60
# What an XLSX may inflate to: ample for 20,000 rows of eight cells (about 10 MB), far
# below what would hold a worker or its memory.
MAX_XLSX_INFLATED = 32 * 1024 * 1024
MAX_BLANK_ROWS = 2 * MAX_ROWS  # blank rows are skipped, but not for ever


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, size, missing columns)."""

    def __init__(self, message: str, *, rows_read: int = 0):
        super().__init__(message)
        self.rows_read = rows_read


def echo(value) -> str:
    """A value quoted back in a message: at most :data:`ECHO_CHARS` characters."""
    text = str(value if value is not None else "")
    return text if len(text) <= ECHO_CHARS else text[:ECHO_CHARS] + "…"


def _cell(value):
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[:MAX_CELL_CHARS + 1]  # one more than allowed: the check says "too long"
    return value


def _too_many_rows(rows_read: int) -> ImportFileError:
    return ImportFileError(_("Plus de %(n)s lignes : découpez le fichier.")
                           % {"n": number_format(MAX_ROWS, force_grouping=True)},
                           rows_read=rows_read)


def table_rows(content: bytes, filename: str, *, limit: int | None = None):
    """``(encoding label, iterator of rows)``; the iterator yields lists of cells and stops
    after ``limit`` non-blank data rows, or raises at :data:`MAX_ROWS`."""
    if filename.lower().endswith(".xlsx"):
        return "XLSX", _bounded(_xlsx_rows(content), limit)
    label, text = decode_csv(content)
    return label, _bounded(_csv_rows(text), limit)


def _bounded(rows, limit: int | None):
    """Stop reading at the limit: the header plus ``limit`` (or MAX_ROWS) non-blank rows."""
    kept = blank = 0
    cap = MAX_ROWS if limit is None else min(limit, MAX_ROWS)
    for read, row in enumerate(rows, start=1):
        if not any(str(v or "").strip() for v in row):
            blank += 1
            if blank > MAX_BLANK_ROWS:
                raise _too_many_rows(read)
            continue
        if kept > cap:  # header + cap rows already given
            if limit is not None:
                return
            raise _too_many_rows(read)
        kept += 1
        yield [_cell(v) for v in row]


# --- XLSX ---------------------------------------------------------------------------------

def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    unreadable = _("Ce fichier XLSX est illisible : enregistrez-le à nouveau depuis votre "
                   "tableur (classeur Excel .xlsx) ou exportez-le en CSV.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        inflated = sum(info.file_size for info in archive.infolist())
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(unreadable) from exc
    if "xl/workbook.xml" not in names:
        raise ImportFileError(unreadable)
    if inflated > MAX_XLSX_INFLATED:
        raise ImportFileError(_(
            "Ce fichier XLSX pèse %(size)s Mo une fois décompressé (%(max)s Mo au plus) : il "
            "contient des cellules démesurées ou trop de lignes. Découpez-le ou exportez-le "
            "en CSV.") % {"size": inflated // (1024 * 1024), "max": MAX_XLSX_INFLATED // (1024 * 1024)})
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise ImportFileError(unreadable) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a valid archive
        raise ImportFileError(unreadable) from exc
    finally:
        workbook.close()


# --- CSV ----------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"), (b"\xff\xfe", "utf-16", "UTF-16"),
         (b"\xfe\xff", "utf-16", "UTF-16"))


def decode_csv(content: bytes) -> tuple[str, str]:
    """``(encoding label, text)``: by BOM, else UTF-8, else Windows-1252; binary content or
    an unknown encoding is an :class:`ImportFileError` that says what to do."""
    if content.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("Ce fichier est un classeur (XLSX) : donnez-lui l'extension "
                                ".xlsx ou exportez-le en CSV."))
    text = label = None
    for bom, codec, name in _BOMS:
        if content.startswith(bom):
            try:
                text, label = content.decode(codec), name
            except UnicodeDecodeError:
                break
            break
    if text is None and b"\x00" in content[:4096]:
        # UTF-16 without BOM: every other byte of a mostly-ASCII text is NUL.
        head = content[:4096]
        for codec, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
            if zeros.count(0) > len(zeros) * 0.9:
                try:
                    text, label = content.decode(codec), "UTF-16"
                except UnicodeDecodeError:
                    pass
                break
    binary = ImportFileError(_("Ce fichier ne ressemble pas à un CSV (contenu binaire) : "
                               "déposez un fichier .csv (texte séparé par des points-virgules) "
                               "ou .xlsx."))
    if text is None and b"\x00" in content:
        raise binary
    if text is None:
        for codec, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
            try:
                text, label = content.decode(codec), name
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        raise ImportFileError(_("Encodage du fichier non reconnu : enregistrez-le en « CSV "
                                "UTF-8 » (ou en UTF-16, ou en Windows-1252) depuis votre "
                                "tableur."))
    controls = sum(1 for ch in text[:65536] if ch < " " and ch not in "\t\r\n")
    if "\x00" in text or controls > 0.01 * min(len(text), 65536):
        raise binary
    return label, text


def _csv_rows(text: str):
    first = text.splitlines()[0] if text else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        # The csv module refuses a field over its limit (131,072 characters) or a stray
        # quote: the line is named, the content is not echoed.
        if "field larger than field limit" in str(exc):
            raise ImportFileError(_(
                "Ligne %(line)s : une cellule est trop longue (plus de %(limit)s caractères ; "
                "%(max)s au plus).") % {"line": reader.line_num,
                                        "limit": number_format(csv.field_size_limit(), force_grouping=True),
                                        "max": number_format(MAX_CELL_CHARS, force_grouping=True)},
                rows_read=reader.line_num) from exc
        raise ImportFileError(_("Ligne %(line)s illisible : vérifiez les guillemets et les "
                                "séparateurs.") % {"line": reader.line_num},
                              rows_read=reader.line_num) from exc
