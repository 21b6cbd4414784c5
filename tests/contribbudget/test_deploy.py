"""The production shape: the compose file refers to things that exist, and Django's deploy
checks pass with production settings."""
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services_with_healthchecks():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    for name in ("web", "db", "redis", "worker"):
        assert "healthcheck" in services[name], name
    assert "media:/app/media" in services["web"]["volumes"]


def test_compose_commands_refer_to_modules_that_exist():
    services = _compose()["services"]
    for name, service in services.items():
        command = service.get("command")
        if not command or name in ("db", "redis"):
            continue
        if command[0] == "gunicorn":
            module, _, attr = command[1].partition(":")
            assert (ROOT / (module.replace(".", "/") + ".py")).exists(), name
            assert attr == "application"
        elif command[0] == "celery":
            assert command[1:3] == ["-A", "contribbudget"]
            assert (ROOT / "contribbudget" / "celery.py").exists()
            if "-Q" in command:
                queues = command[command.index("-Q") + 1].split(",")
                from django.conf import settings

                routed = {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()}
                assert set(queues) <= routed | {settings.CELERY_TASK_DEFAULT_QUEUE}
        elif command[:2] == ["python", "manage.py"]:
            assert (ROOT / "manage.py").exists()
        else:
            raise AssertionError(f"unknown command for {name}: {command}")
    assert (ROOT / "Dockerfile").exists()


def test_check_deploy_reports_no_warning_with_production_settings():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 20 + "-production-secret-0123456789-abcdefghij",
           "ALLOWED_HOSTS": "budget.example.org", "DATABASE_URL": "sqlite:////tmp/cb-deploy-check.sqlite3"}
    env.pop("REDIS_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixture only
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_succeeds_with_production_storage(tmp_path):
    """The Docker build runs collectstatic with whitenoise's manifest storage, which fails on
    any missing file a CSS/JS asset refers to (source maps included)."""
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "STATIC_ROOT": str(tmp_path / "static"),
           "DATABASE_URL": "sqlite:////tmp/cb-collectstatic.sqlite3"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
