"""Rendering a self-billed invoice (PDF/A-3 with its Factur-X XML) on the ``pdf`` queue."""
from celery import shared_task

__all__ = ["render_invoice"]


@shared_task(name="retributions.tasks.render_invoice", bind=True, acks_late=True)
def render_invoice(self, invoice_id: int) -> dict:
    from retributions.services.invoicing import invoice_render

    invoice = invoice_render(invoice_id)
    return {"invoice": invoice.pk, "file": invoice.file.name}
