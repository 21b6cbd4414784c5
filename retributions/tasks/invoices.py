"""The rendering task of self-billed invoices, defined beside its service in
``retributions/services/invoicing.py`` and re-exported here for Celery's autodiscovery."""
from ..services.invoicing import render_invoice

__all__ = ["render_invoice"]
