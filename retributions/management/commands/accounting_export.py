"""``python manage.py accounting_export --format fec|paheko --year YYYY --out PATH``: the
year's journal entries (runs, payments, in-kind valuation). For the FEC, PATH may be a
folder: the file then takes its legal name ``<SIREN>FEC<YYYYMMDD>.txt`` inside it."""
from pathlib import Path

from django.core.management.base import BaseCommand

from retributions.services import accounting


class Command(BaseCommand):
    help = "Exporte les écritures comptables d'une année (FEC ou Paheko)."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=["fec", "paheko"], dest="fmt")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True)

    def handle(self, *args, fmt, year, out, **options):
        filename, _type, content, count = accounting.export(fmt, year)
        path = Path(out)
        if path.is_dir():
            path = path / filename
        path.write_bytes(content)
        if count == 0:
            self.stdout.write(f"Aucune écriture en {year} : fichier vide mais valide (en-têtes "
                              f"seuls) → {path}")
        else:
            self.stdout.write(f"{count} écriture(s) de {year} → {path}")
