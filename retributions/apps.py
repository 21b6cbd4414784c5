from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetributionsConfig(AppConfig):
    name = "retributions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Rétributions")

    def ready(self) -> None:
        from . import exports, signals  # noqa: F401 - the cache invalidation; the network-wide
        # exports register themselves by name, so an export task finds them in the worker
