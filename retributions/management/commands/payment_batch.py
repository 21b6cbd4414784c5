"""``python manage.py payment_batch --out FILE.xml``: a batch of every payable line (approved,
unpaid, with bank details, in no open batch) and its SEPA file, through the same service as
the treasury pages. Prints the batch's reference, line count and total; lines lacking bank
details are listed on standard error."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from contribbudget.money import format_money
from retributions.services import batches


class Command(BaseCommand):
    help = "Prépare un lot de virements SEPA de toutes les lignes à payer."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="fichier XML à écrire")
        parser.add_argument("--schema", choices=["pain.001.001.03", "pain.001.001.09"])
        parser.add_argument("--user", help="courriel du compte auteur (par défaut : le premier "
                                           "trésorier)")

    def handle(self, *args, out, schema=None, user=None, **options):
        users = get_user_model().objects
        actor = (users.filter(email__iexact=user).first() if user
                 else users.filter(member__is_treasurer=True).order_by("pk").first())
        if actor is None:
            raise CommandError("Aucun compte trésorier : indiquez --user.")
        _ready, lacking = batches.payables()
        for item in lacking:
            self.stderr.write(f"Sans coordonnées bancaires : {item.name} "
                              f"({format_money(item.line.money, 'fr')}) — manque "
                              f"{', '.join(item.missing)}")
        try:
            batch = batches.batch_prepare(actor=actor, schema=schema)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        Path(out).write_bytes(batches.sepa_xml(batch))
        batches.batch_mark_sent(batch=batch, actor=actor)
        self.stdout.write(f"Lot {batch.reference} (id {batch.pk}) : {batch.line_count} "
                          f"virement(s), total {batch.total} EUR → {out}")
