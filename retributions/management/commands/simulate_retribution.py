"""``manage.py simulate_retribution``: shares for a JSON scenario, without the database.

Reads the scenario of DESIGN.md §8 on standard input and writes the shares as JSON on
standard output. It calls the same pure engine as the retribution runs, so a simulation
tells the pilot to the cent what a run on the same inputs will pay.

    echo '{"rule": "prorata", "available": "200.00", "members": [...]}' \\
        | python manage.py simulate_retribution
"""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from retributions.engine import EngineInputError, compute, parse_scenario, result_to_dict


class Command(BaseCommand):
    help = (
        "Lit un scénario de rétribution en JSON sur l'entrée standard et écrit les parts en "
        "JSON sur la sortie standard, sans toucher à la base de données (DESIGN.md §8)."
    )
    # Pure computation: no system checks (they may query the database), no migrations check.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # Tests calling the command in-process may pass a text stream as ``stdin=``.
    stealth_options = ("stdin",)

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read_input(options.get("stdin"))
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"entrée: JSON invalide, ligne {error.lineno}, colonne {error.colno} ({error.msg})"
            ) from error
        try:
            result = compute(parse_scenario(data))
        except EngineInputError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2))

    @staticmethod
    def _read_input(stream: Any) -> str:
        """The whole of standard input as text; UTF-8 whatever the locale says."""
        if stream is not None:
            return stream.read()
        try:
            text = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError("entrée: le scénario doit être encodé en UTF-8") from error
        if not text.strip():
            raise CommandError("entrée: vide ; le scénario JSON est attendu sur l'entrée standard")
        return text
