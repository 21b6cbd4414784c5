"""Pages of retribution runs, smoothing rounds, a contributor's retributions and the
treasurer's payments. Thin: permission, form, one service call, message, redirect."""
from contribbudget.permissions import get_run_for  # decided there; importable here as before

from .common import RUN_LIST_LIMIT, _error_text, _errors_to_form
from .mine import my_retributions
from .pages import (
    run_approve,
    run_cancel,
    run_create,
    run_detail,
    run_line_override,
    run_list,
    run_progress,
    run_recompute,
)
from .payments import PAYMENT_STATUSES, payments
from .smoothing import smoothing_request_create, smoothing_run_create

__all__ = [
    "PAYMENT_STATUSES",
    "RUN_LIST_LIMIT",
    "_error_text",
    "_errors_to_form",
    "get_run_for",
    "my_retributions",
    "payments",
    "run_approve",
    "run_cancel",
    "run_create",
    "run_detail",
    "run_line_override",
    "run_list",
    "run_progress",
    "run_recompute",
    "smoothing_request_create",
    "smoothing_run_create",
]
