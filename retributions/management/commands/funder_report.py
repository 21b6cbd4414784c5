"""``python manage.py funder_report --project SLUG [--funding REF] [--from DATE --to DATE]
[--anonymised] --out FILE.pdf``: the funder report, rendered synchronously for scripts, with
the same figures and template as the one the treasurer's desk generates."""
from __future__ import annotations

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.models import Funding, Project
from retributions.services.documents import funder_report_html, render_pdf, validate_period


def _date(value: str, option: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"{option} : date invalide « {value} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")


class Command(BaseCommand):
    help = "Génère le bilan financeur d'un projet en PDF (même contenu que depuis la trésorerie)."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="identifiant (slug) du projet")
        parser.add_argument("--funding", help="référence de la convention (un seul financement)")
        parser.add_argument("--from", dest="start", help="début de période (AAAA-MM-JJ)")
        parser.add_argument("--to", dest="end", help="fin de période (AAAA-MM-JJ)")
        parser.add_argument("--anonymised", action="store_true",
                            help="contributeur·rices anonymisé·es")
        parser.add_argument("--out", required=True, help="fichier PDF à écrire")

    def handle(self, *args, **options):
        project = Project.objects.select_related("field").filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"Projet inconnu : « {options['project']} ».")
        funding = None
        if options["funding"]:
            funding = Funding.objects.filter(project=project, reference=options["funding"]).first()
            if funding is None:
                raise CommandError(f"Financement inconnu pour le projet « {project.slug} » : "
                                   f"« {options['funding']} ».")
        start = _date(options["start"], "--from") if options["start"] else None
        end = _date(options["end"], "--to") if options["end"] else None
        try:
            validate_period(start, end)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"Dossier inexistant : {out.parent}")
        html = funder_report_html(project=project, funding=funding, start=start, end=end,
                                  named=not options["anonymised"])
        pdf, pages = render_pdf(html)
        out.write_bytes(pdf)
        self.stdout.write(f"{out} : {pages} page(s), {len(pdf)} octets.")
