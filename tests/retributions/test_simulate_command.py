"""``manage.py simulate_retribution`` run as a user runs it: JSON in, JSON out (DESIGN.md §8)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def simulate(stdin: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # A database URL pointing at a file that must never appear: the command may not touch it.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.sqlite3'}"}
    return subprocess.run(
        [sys.executable, "manage.py", "simulate_retribution"],
        input=stdin.encode("utf-8"),
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_command_prints_the_worked_time_rate_example(tmp_path):
    scenario = {
        "rule": "time_rate",
        "available": "2000.00",
        "daily_rate": "280.00",
        "members": [
            {"id": "amel", "hours": "17.5"},
            {"id": "bruno", "hours": "10.25"},
            {"id": "chloé", "hours": "21", "preference": "volunteer"},
        ],
    }
    completed = simulate(json.dumps(scenario), tmp_path)
    assert completed.returncode == 0, completed.stderr.decode()
    assert json.loads(completed.stdout.decode("utf-8")) == {
        "shares": [
            {"id": "amel", "valued": "700.00", "money": "700.00"},
            {"id": "bruno", "valued": "410.00", "money": "410.00"},
            {"id": "chloé", "valued": "840.00", "money": "0.00"},
        ],
        "distributed": "1110.00",
        "surplus": "890.00",
    }
    assert "chloé" in completed.stdout.decode("utf-8")  # ensure_ascii=False
    assert not (tmp_path / "untouched.sqlite3").exists()


def test_command_refuses_bad_input_with_one_line_naming_the_member(tmp_path):
    scenario = {
        "rule": "prorata",
        "available": "100.00",
        "members": [{"id": "ana", "hours": "2"}, {"id": "bob", "hours": "-3"}],
    }
    completed = simulate(json.dumps(scenario), tmp_path)
    assert completed.returncode != 0
    assert completed.stdout == b""
    error = completed.stderr.decode("utf-8").strip()
    assert error == "CommandError: members[bob].hours: « -3 » ne peut pas être négatif"


def test_command_refuses_a_json_float_asking_for_a_string(tmp_path):
    completed = simulate(
        '{"rule": "prorata", "available": "10.00", "members": [{"id": "ana", "hours": 1.5}]}',
        tmp_path,
    )
    assert completed.returncode != 0
    error = completed.stderr.decode("utf-8").strip()
    assert "\n" not in error
    assert error.startswith("CommandError: members[ana].hours: 1.5")


def test_command_refuses_invalid_json_on_one_line(tmp_path):
    completed = simulate('{"rule": "prorata",\n', tmp_path)
    assert completed.returncode != 0
    error = completed.stderr.decode("utf-8").strip()
    assert "\n" not in error
    assert error.startswith("CommandError: entrée: JSON invalide, ligne 2")
