# contribbudget — the two commands: `make run` and `make test`.
# Everything installs into .venv from pyproject.toml; nothing global but Python 3.11+ and
# the Debian libraries WeasyPrint needs (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup messages migrate demo serve lint bench worker clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP) messages

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0 || $(PY) -m contribbudget.compile_po locale && $(PY) -m contribbudget.compile_po i18n

migrate: setup
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

## make run: set everything up (venv, install, messages, migrate, demo data) and serve.
run: demo serve

## make test: set up and run the whole suite. With DATABASE_URL/REDIS_URL set (.ci/run),
## the PostgreSQL, Celery-worker and Chromium tests run too; without, they skip.
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

## make lint: ruff on everything, mypy (django-stubs; settings in pyproject.toml) on the apps.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

worker: setup
	$(VENV)/bin/celery -A contribbudget worker -Q default,pdf -l info

## make bench: PostgreSQL and Redis required (defaults: local servers); writes bench/results/.
## make bench SCALE=federation: the same pages on 10 M contributions, 30,000 members, 3,000
## projects (seeded once into contribbudget_bench_federation, <= 5 min, then reused) and a run
## over 1 M contributions by 10,000 members; writes bench/results/federation.json and .md,
## each page compared with the latest 1 M run (latest.json).
bench: setup
	$(PY) -m bench.run $(if $(SCALE),--scale $(SCALE))

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
