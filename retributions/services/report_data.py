"""Where the reads behind the documents used to live; they are selectors now, in
:mod:`retributions.selectors` (``report``: the funder report; ``statement``: a contributor
statement; ``desk``: the treasurer's desk totals). These names stay importable from here.
"""
from ..engine import valuation
from ..selectors.desk import (
    _DESK_GENERATION_KEY,
    DESK_TOTALS_SECONDS,
    cached_year_totals,
    forget_year_totals,
    year_totals,
)
from ..selectors.report import (
    COUNTED,
    H0,
    VOLUNTEER_PREFERENCES,
    FunderReportData,
    ReportScope,
    _apportion,
    _valuation_groups,
    funder_report_data,
    in_kind_from_groups,
    scope_for,
)
from ..selectors.statement import Payee, payee_of, statement_data, statement_line

__all__ = [
    "COUNTED",
    "DESK_TOTALS_SECONDS",
    "FunderReportData",
    "H0",
    "Payee",
    "ReportScope",
    "VOLUNTEER_PREFERENCES",
    "_DESK_GENERATION_KEY",
    "_apportion",
    "_valuation_groups",
    "cached_year_totals",
    "forget_year_totals",
    "funder_report_data",
    "in_kind_from_groups",
    "payee_of",
    "scope_for",
    "statement_data",
    "statement_line",
    "valuation",
    "year_totals",
]
