"""Project pages: projects, envelopes and their history, adjustments, transfers, adjustment
requests, coordination grains, the network overview and the public transparency page.

Views are thin: they ask :mod:`contribbudget.permissions` for the object (404 for outsiders,
403 for members lacking the right), call one service or selector, and render. Every page
runs a fixed number of queries whatever the number of rows."""
from .envelopes import (
    adjust,
    envelope_create,
    envelope_detail,
    envelope_edit,
    request_create,
    request_decide,
    transfer,
)
from .grains import grain_create, grain_detail, grains
from .overview import EXPORT_COLUMNS, OverviewView
from .projects import ProjectDetailView, ProjectListView, public

__all__ = [
    "EXPORT_COLUMNS",
    "OverviewView",
    "ProjectDetailView",
    "ProjectListView",
    "adjust",
    "envelope_create",
    "envelope_detail",
    "envelope_edit",
    "grain_create",
    "grain_detail",
    "grains",
    "public",
    "request_create",
    "request_decide",
    "transfer",
]
