"""The network's legal identity as the PDFs print it (templates/pdf/_identity.html): name,
legal name, SIRET, address and the logo inlined as a ``data:`` URL, so WeasyPrint's fetcher,
which serves only static files, never has to open the media directory."""
from __future__ import annotations

import base64
import binascii

from contribbudget.models import NetworkSettings

from .validators import LOGO_FORMATS

ALLOWED = set(LOGO_FORMATS.values())


def _logo_data_url(network: NetworkSettings) -> str:
    if not network.logo:
        return ""
    try:
        with network.logo.open("rb") as handle:
            content = handle.read()
    except OSError:  # a logo file gone from the volume: the PDF goes without it
        return ""
    mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def format_siret(siret: str) -> str:
    """``73282932000074`` → ``732 829 320 00074`` (SIREN in threes, then the NIC)."""
    if len(siret) != 14:
        return siret
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def network_identity() -> dict:
    network = NetworkSettings.load()
    return {"name": network.name, "legal_name": network.legal_name,
            "siret": format_siret(network.siret), "address": network.address,
            "logo": _logo_data_url(network)}


def decode_data_image(url: str) -> tuple[str, bytes]:
    """A ``data:image/png;base64,…`` URL → (mime type, bytes); only PNG and JPEG."""
    header, _comma, payload = url.partition(",")
    mime = header[5:].split(";")[0]
    if mime not in ALLOWED or ";base64" not in header:
        raise ValueError("Image refusée dans un PDF")
    try:
        return mime, base64.b64decode(payload, validate=True)
    except binascii.Error as exc:
        raise ValueError("Image refusée dans un PDF") from exc
