"""Writes about projects: envelopes, adjustments, transfers, adjustment requests and grains.

Every service that moves money follows the same order (STYLE.md §5): lock the project row
with ``SELECT … FOR UPDATE``, then read the totals and check the rules, then write, then
record the audit event — all in one transaction. Two pilots adjusting the same project at
the same moment are therefore serialised on the project row: the second one reads the sums
the first one committed, so the budget can never be oversubscribed and no update is lost.
"""
from .adjustment_requests import adjustment_request_create, adjustment_request_decide
from .checks import CONTRIBUTION_KINDS
from .envelopes import (
    ENVELOPE_FIELDS,
    envelope_adjust,
    envelope_create,
    envelope_transfer,
    envelope_update,
)
from .grains import grain_create

__all__ = [
    "CONTRIBUTION_KINDS",
    "ENVELOPE_FIELDS",
    "adjustment_request_create",
    "adjustment_request_decide",
    "envelope_adjust",
    "envelope_create",
    "envelope_transfer",
    "envelope_update",
    "grain_create",
]
