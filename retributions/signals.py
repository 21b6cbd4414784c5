"""Keep the treasurer's desk honest: its cached year totals are forgotten whenever money
moves — a funding saved or deleted, a run approved. Bulk updates (payments in bulk) call
``forget_year_totals`` themselves, as a queryset update sends no signal."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from projects.models import Funding

from .models import RetributionRun
from .selectors.desk import forget_year_totals


@receiver([post_save, post_delete], sender=Funding)
def funding_changed(sender, **kwargs) -> None:
    forget_year_totals()


@receiver(post_save, sender=RetributionRun)
def run_approved(sender, instance: RetributionRun, **kwargs) -> None:
    if instance.status == RetributionRun.Status.APPROVED:
        forget_year_totals()
