"""Views of the contributions app, split by subject: logging (quick log, edit, detail,
week timesheet), the member's own pages (table, dashboard, preferences), review by pilots
and imports. Views are thin: a permission check, a form, one service call."""
from .imports import import_detail, import_upload
from .logging import contribution_delete, contribution_detail, contribution_edit, quick_log, week
from .member import ContributionListView, bulk_submit, dashboard, preferences
from .offline import offline_queue
from .review import validate_bulk, validation

__all__ = ["ContributionListView", "bulk_submit", "contribution_delete", "contribution_detail",
           "contribution_edit", "dashboard", "import_detail", "import_upload", "offline_queue",
           "preferences",
           "quick_log", "validate_bulk", "validation", "week"]
