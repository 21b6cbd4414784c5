"""``python manage.py create_coordinator EMAIL "Full Name"``: the first coordinator of an
empty install (everything after it happens in the app). The password comes from the
``COORDINATOR_PASSWORD`` environment variable, else it is asked twice on the terminal."""
import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from network.services import coordinator_create


class Command(BaseCommand):
    help = "Crée le compte et le profil de la première personne de la coordination."

    def add_arguments(self, parser):
        parser.add_argument("email", help="courriel de connexion")
        parser.add_argument("full_name", help='prénom et nom, entre guillemets : "Sacha Lefèvre"')

    def handle(self, *args, email: str, full_name: str, **options):
        password = os.environ.get("COORDINATOR_PASSWORD") or self._ask_password()
        try:
            member = coordinator_create(email=email, full_name=full_name, password=password)
        except ValidationError as error:
            messages = [m for ms in error.message_dict.values() for m in ms]
            raise CommandError(" ".join(messages)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Coordination créée : {member.full_name} <{member.user.email}>. "
            "Connectez-vous avec ce courriel et ce mot de passe."))

    def _ask_password(self) -> str:
        try:
            first = getpass.getpass("Mot de passe : ")
            second = getpass.getpass("Mot de passe (encore) : ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("Aucun mot de passe saisi : définissez COORDINATOR_PASSWORD ou "
                               "lancez la commande dans un terminal.") from None
        if first != second:
            raise CommandError("Les deux mots de passe diffèrent : rien n'a été créé.")
        return first
