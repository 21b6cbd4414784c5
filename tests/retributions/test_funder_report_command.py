"""``manage.py funder_report``: the same report, synchronously, with clear errors."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests import factories

from ._documents_helpers import fr_hours, pdf_text

pytestmark = pytest.mark.django_db


def test_command_writes_the_report(world, tmp_path):
    factories.contribution(world.contributor, world.envelope, status="validated",
                           hours=Decimal("5.25"), date=datetime.date(2026, 2, 2))
    reference = world.project.fundings.get().reference
    out = tmp_path / "bilan.pdf"
    call_command("funder_report", "--project", "legumerie", "--funding", reference,
                 "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(out))
    text = pdf_text(out.read_bytes())
    assert "Bilan financeur — Légumerie" in text and reference in text
    assert fr_hours(Decimal("5.25")) in text
    assert "page 1 /" in text


@pytest.mark.parametrize("args, message", [
    (["--project", "inconnu"], "Projet inconnu : « inconnu »."),
    (["--project", "legumerie", "--funding", "NOPE"], "Financement inconnu pour le projet « legumerie » : « NOPE »."),
    (["--project", "legumerie", "--from", "2026-03-01", "--to", "2026-02-01"], "précède son début"),
    (["--project", "legumerie", "--from", "demain"], "--from : date invalide « demain »"),
])
def test_command_bad_input_gives_a_clear_message(world, tmp_path, args, message):
    with pytest.raises(CommandError) as error:
        call_command("funder_report", *args, "--out", str(tmp_path / "x.pdf"))
    assert message in str(error.value)
    assert not (tmp_path / "x.pdf").exists()
