"""The rendering task of documents, defined beside its service in
``retributions/services/documents.py`` (services and their tasks live together, so a service
enqueues without a cycle); re-exported here so Celery's autodiscovery of
``retributions.tasks`` registers it and ``from retributions.tasks.documents import
render_document`` keeps working."""
from ..services.documents import render_document

__all__ = ["render_document"]
