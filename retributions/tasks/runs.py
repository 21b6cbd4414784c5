"""The compute task of retribution runs, defined beside its service in
``retributions/services/runs/computing.py`` (services and their tasks live together, so a
service enqueues without a cycle); re-exported here so Celery's autodiscovery of
``retributions.tasks`` registers it and ``from retributions.tasks.runs import compute_run``
keeps working."""
from ..services.runs.computing import compute_run

__all__ = ["compute_run"]
