"""The Celery application.

With ``REDIS_URL`` set, tasks go to Redis and run in worker processes. Without it, tasks run
eagerly in-process (``task_always_eager``), so the embedded default needs no service at all.
Settings come from Django's settings under the ``CELERY_`` prefix (see settings.py).
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contribbudget.settings")

app = Celery("contribbudget")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
