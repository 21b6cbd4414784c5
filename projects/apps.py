from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Projets")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system check)
        from .list_cache import connect

        connect()
