"""Where uploaded and generated files are stored: never under a guessable name.

Files live under ``MEDIA_ROOT`` but are never served from it (no ``/media/`` route in any
mode): only the permission-checked views (a document's download, a funder's share link)
read them. The stored name still starts with a random part, so a leaked directory listing
or a log line does not let anyone guess the neighbours' files; the download keeps a readable
name (``Content-Disposition``), chosen by the view.
"""
from __future__ import annotations

import secrets

from django.utils import timezone
from django.utils.text import get_valid_filename


def private_name(folder: str, filename: str) -> str:
    """``<folder>/<yyyy>/<mm>/<random>-<filename>``."""
    base = get_valid_filename(filename.rsplit("/", 1)[-1])[-80:] or "fichier"
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_urlsafe(18)}-{base}"
