"""Tasks for documents: rendering a PDF on the ``pdf`` queue (see CELERY_TASK_ROUTES).

The pdf worker restarts its children after some documents (``--max-tasks-per-child``,
``--max-memory-per-child`` in docker-compose.yml), giving WeasyPrint's memory back."""
from celery import shared_task

__all__ = ["render_document"]


@shared_task(name="retributions.tasks.render_document", bind=True, acks_late=True)
def render_document(self, document_id: int) -> dict:
    """Render one queued document; its row carries status and progress for the pages.
    A failure marks the document failed with a clear message (done by the service)."""
    from retributions.services.documents import document_render

    document = document_render(document_id)
    return {"document": document.pk, "status": document.status, "pages": document.page_count}
