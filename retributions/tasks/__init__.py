"""Celery tasks of the retributions app (autodiscovered through this package).

Each submodule names its tasks explicitly (``name="retributions.tasks.<task>"``) so the
routes in settings (PDFs on the ``pdf`` queue) stay stable."""
from .documents import *  # noqa: F401,F403
from .invoices import *  # noqa: F401,F403
from .runs import *  # noqa: F401,F403
