"""Export jobs: a large XLSX built by a worker for its author."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..files import private_name


def export_upload_to(instance, filename: str) -> str:
    return private_name("exports", filename)


class ExportJob(models.Model):
    """A spreadsheet too large to build in a request (a network-wide XLSX), built by a Celery
    task with its progress, and downloaded by its author only (``contribbudget.export_jobs``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        RUNNING = "running", _("En cours")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("demandé par"))
    exporter = models.CharField(_("export"), max_length=60)
    params = models.JSONField(_("filtres"), default=dict, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    done_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=export_upload_to, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return min(99, 100 * self.done_rows // self.total_rows) if self.total_rows else 0
