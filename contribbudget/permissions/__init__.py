"""The one permission package: every permission decision is here (one module per subject,
all names importable from ``contribbudget.permissions``), and every view asks it before
touching an object.

Roles (DESIGN.md §2): contributor (any member), pilot (per project), treasurer and
coordinator (network-wide). Outsiders get 404 (they do not learn the object exists);
members who can see an object but lack the right for an action get 403.

One shape per object: ``get_<object>_for(user, pk, *, action)`` returns the object or
raises 404 / 403 (projects, envelopes, contributions, imports, grains, runs, lines,
documents, share links); ``get_member_for(user, *, action)`` does the same for the pages
that are about the network rather than one object. Services never decide: the few that
guard an action themselves (a service is also called by commands and imports) ask the
``ensure_…`` functions of ``guards``.
"""
from .contributions import (
    can_edit_contribution,
    can_see_contribution,
    can_validate_contribution,
    get_contribution_for,
    get_import_for,
    own_or_written_by,
    reviewable_by,
)
from .guards import (
    ensure_can_create_grain,
    ensure_can_request_adjustment,
    ensure_can_steer,
    ensure_can_validate,
)
from .network import (
    NETWORK_ACTIONS,
    NETWORK_ADMIN_ACTIONS,
    get_member_for,
    get_network_object_for,
    require_network,
)
from .projects import (
    PROJECT_ACTIONS,
    can_copy_project,
    can_on_project,
    can_request_adjustment,
    can_set_up_projects,
    get_envelope_for,
    get_funding_for,
    get_grain_for,
    get_open_period_for,
    get_project_for,
    project_rights,
    require_project_setup,
)
from .retributions import (
    can_manage_document,
    get_document_for,
    get_export_job_for,
    get_line_for,
    get_run_for,
    get_self_billed_invoice_for,
    get_share_link_for,
    require_finance,
    require_treasurer,
    run_with_rights,
    sees_full_bank_details,
)
from .roles import (
    is_coordinator,
    is_pilot,
    is_treasurer,
    member_of,
    piloted_project_ids,
    project_role,
    sees_all_finances,
    steered_projects,
)

__all__ = [
    "NETWORK_ACTIONS",
    "NETWORK_ADMIN_ACTIONS",
    "PROJECT_ACTIONS",
    "can_copy_project",
    "can_edit_contribution",
    "can_manage_document",
    "can_on_project",
    "can_request_adjustment",
    "can_see_contribution",
    "can_set_up_projects",
    "can_validate_contribution",
    "ensure_can_create_grain",
    "ensure_can_request_adjustment",
    "ensure_can_steer",
    "ensure_can_validate",
    "get_contribution_for",
    "get_document_for",
    "get_envelope_for",
    "get_export_job_for",
    "get_funding_for",
    "get_grain_for",
    "get_import_for",
    "get_line_for",
    "get_member_for",
    "get_network_object_for",
    "get_open_period_for",
    "get_project_for",
    "get_run_for",
    "get_self_billed_invoice_for",
    "get_share_link_for",
    "is_coordinator",
    "is_pilot",
    "is_treasurer",
    "member_of",
    "piloted_project_ids",
    "project_rights",
    "project_role",
    "require_finance",
    "require_network",
    "require_project_setup",
    "require_treasurer",
    "run_with_rights",
    "own_or_written_by",
    "reviewable_by",
    "sees_all_finances",
    "sees_full_bank_details",
    "steered_projects",
]
