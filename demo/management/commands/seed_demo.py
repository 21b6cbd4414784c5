"""``python manage.py seed_demo``: a realistic French network to try the product.

Built through the services people use (:mod:`demo.network`, :mod:`demo.activity`), so the
demo obeys every rule and writes the same audit as real data. Idempotent: the demo is
created once, inside one transaction; running the command again finds the demo
coordinator's account and changes nothing. Deterministic: one random seed. The demo accounts
exist only when this command is run (``make run`` does it; production never does).
"""
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings

from contribbudget.models import Member

from ...activity import log_contributions, retribute
from ...data import DEMO_ACCOUNTS
from ...network import DemoNetwork
from ...treasury import seed_treasury

DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Crée le réseau de démonstration (idempotent)."

    def handle(self, *args, **options):
        if get_user_model().objects.filter(email=DEMO_ACCOUNTS[3][0]).exists():
            self.stdout.write("Démo déjà présente : rien à faire.")
            return
        # The services tell people by email (a refused contribution…): the demo's addresses
        # are made up, so its emails go nowhere.
        with override_settings(EMAIL_BACKEND=DUMMY_EMAIL), transaction.atomic():
            net = DemoNetwork(random.Random(2026))
            net.build()
            count = log_contributions(net)
            runs = retribute(net)
            treasury = seed_treasury()  # bank details, a mandate and its invoice (demo/treasury.py)
        summary = {"calculs": runs, "lieux": len(net.places), "membres": Member.objects.count(),
                   "projets": len(net.projects), "grains": len(net.grains),
                   "contributions": count, **treasury}
        self.stdout.write(self.style.SUCCESS(
            "Démo créée : " + ", ".join(f"{k} {v}" for k, v in summary.items())))
