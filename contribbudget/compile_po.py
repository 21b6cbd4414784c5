"""Compile every ``.po`` under a folder to ``.mo`` without GNU gettext (``msgfmt``).

``make`` uses Django's ``compilemessages`` when gettext is installed and falls back to this,
so a fresh machine with only Python can still serve the English interface.
"""
import sys
from pathlib import Path

import polib


def main(root: str = "locale") -> None:
    for po_path in Path(root).rglob("*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
