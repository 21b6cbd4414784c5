"""``create_coordinator``: the first run on an empty database."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from contribbudget.models import AuditEvent, Member

pytestmark = pytest.mark.django_db
PASSWORD = "une-phrase-de-passe-longue"
ROOT = Path(__file__).resolve().parents[2]


def test_creates_a_coordinator_who_can_log_in(monkeypatch):
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("create_coordinator", "Sacha@Example.org", "Sacha Lefèvre", stdout=out)
    assert "Coordination créée : Sacha Lefèvre" in out.getvalue()
    member = Member.objects.get(user__email="sacha@example.org")
    assert member.is_coordinator and (member.first_name, member.last_name) == ("Sacha", "Lefèvre")
    assert member.user.username  # never empty
    assert AuditEvent.objects.filter(action="member.created", object_id=str(member.pk)).exists()
    client = Client()
    response = client.post(reverse("account_login"), {"login": "sacha@example.org",
                                                      "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("network:settings")).status_code == 200


def test_prompts_for_the_password_when_the_variable_is_unset(monkeypatch):
    monkeypatch.delenv("COORDINATOR_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("create_coordinator", "lou@example.org", "Lou Martin", stdout=io.StringIO())
    assert Member.objects.get(user__email="lou@example.org").is_coordinator


def test_different_prompted_passwords_create_nothing(monkeypatch):
    monkeypatch.delenv("COORDINATOR_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="diffèrent"):
        call_command("create_coordinator", "lou@example.org", "Lou Martin")
    assert not Member.objects.exists()


@pytest.mark.parametrize("email, name, password, message", [
    ("pas-un-courriel", "Lou Martin", PASSWORD, "n'est pas une adresse de courriel valide"),
    ("lou@example.org", "  ", PASSWORD, "Indiquez le prénom et le nom"),
    ("lou@example.org", "Lou Martin", "court", "trop court"),
])
def test_bad_input_is_refused_with_a_clear_message(monkeypatch, email, name, password, message):
    monkeypatch.setenv("COORDINATOR_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_coordinator", email, name)
    assert not Member.objects.exists()


def test_an_existing_email_is_refused(world, monkeypatch):
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="Un compte existe déjà"):
        call_command("create_coordinator", world.pilot.user.email.upper(), "Malik Benali")
    world.pilot.refresh_from_db()
    assert not world.pilot.is_coordinator


def test_command_line_refusal_exits_non_zero_without_a_traceback(tmp_path):
    """As an operator runs it: a real process on a fresh SQLite database."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "COORDINATOR_PASSWORD": PASSWORD, "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    run = lambda *args: subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    assert run("migrate", "--noinput", "-v0").returncode == 0
    first = run("create_coordinator", "sacha@example.org", "Sacha Lefèvre")
    assert first.returncode == 0, first.stderr
    again = run("create_coordinator", "sacha@example.org", "Sacha Lefèvre")
    assert again.returncode != 0
    assert "Un compte existe déjà pour sacha@example.org" in again.stderr
    assert "Traceback" not in again.stderr
    bad = run("create_coordinator", "pas-un-courriel", "X Y")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
