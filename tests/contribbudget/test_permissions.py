"""The permission matrix: each role × each object × each action. Later features extend it."""
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from contribbudget import permissions
from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db

ROLES = ["contributor", "pilot", "treasurer", "coordinator", "outsider"]

# Expected rights on world.project (a production project, closed to newcomers).
PROJECT_MATRIX = {
    #               view   contribute steer  finance
    "contributor": (True, True, False, False),
    "pilot": (True, True, True, True),
    "treasurer": (True, False, False, True),
    "coordinator": (True, False, True, True),
    "outsider": (True, False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_project_rights_per_role(world, role):
    world.project.is_open = False
    world.project.save()
    user = getattr(world, role).user
    expected = PROJECT_MATRIX[role]
    got = tuple(permissions.can_on_project(user, world.project, action)
                for action in ("view", "contribute", "steer", "finance"))
    assert got == expected


def test_open_project_welcomes_any_member_to_contribute(world):
    world.project.is_open = True
    world.project.save()
    assert permissions.can_on_project(world.outsider.user, world.project, "contribute")


def test_closed_project_takes_no_contribution_even_from_its_team(world):
    world.project.phase = "closed"
    world.project.save()
    assert not permissions.can_on_project(world.contributor.user, world.project, "contribute")


def test_get_project_for_is_404_for_anonymous_and_403_for_lacking_right(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        permissions.get_project_for(AnonymousUser(), world.project.pk)
    with pytest.raises(PermissionDenied):
        permissions.get_project_for(world.contributor.user, world.project.pk, action="steer")
    assert permissions.get_project_for(world.pilot.user, world.project.slug, action="steer") == world.project


@pytest.mark.parametrize("role,sees", [("contributor", True), ("pilot", False), ("treasurer", False),
                                       ("coordinator", False), ("outsider", False)])
def test_drafts_are_seen_by_their_author_only(world, role, sees):
    draft = factories.contribution(world.contributor, world.envelope)
    user = getattr(world, role).user
    assert permissions.can_see_contribution(user, draft) is sees
    if not sees:
        with pytest.raises(Http404):
            permissions.get_contribution_for(user, draft.pk)


@pytest.mark.parametrize("role,sees", [("contributor", True), ("pilot", True), ("treasurer", True),
                                       ("coordinator", True), ("outsider", False)])
def test_submitted_contributions_are_seen_by_project_pilots_and_network_roles(world, role, sees):
    submitted = factories.contribution(world.contributor, world.envelope,
                                       status=Contribution.Status.SUBMITTED)
    assert permissions.can_see_contribution(getattr(world, role).user, submitted) is sees


@pytest.mark.parametrize("role,validates", [("contributor", False), ("pilot", True), ("treasurer", False),
                                            ("coordinator", True), ("outsider", False)])
def test_who_validates_a_contribution(world, role, validates):
    submitted = factories.contribution(world.contributor, world.envelope, status="submitted")
    assert permissions.can_validate_contribution(getattr(world, role).user, submitted) is validates


def test_nobody_validates_their_own_work(world):
    own = factories.contribution(world.pilot, world.envelope, status="submitted")
    assert not permissions.can_validate_contribution(world.pilot.user, own)
    assert permissions.can_validate_contribution(world.copilot.user, own)
    # Coordinators validate others, never themselves:
    coordinator_own = factories.contribution(world.coordinator, world.envelope, status="submitted")
    assert not permissions.can_validate_contribution(world.coordinator.user, coordinator_own)


def test_only_the_author_edits_and_never_a_retributed_row(world):
    row = factories.contribution(world.contributor, world.envelope, status="validated")
    assert permissions.can_edit_contribution(world.contributor.user, row)
    assert not permissions.can_edit_contribution(world.pilot.user, row)
    row.status = Contribution.Status.RETRIBUTED
    assert not permissions.can_edit_contribution(world.contributor.user, row)


# --- Setting up projects, fundings, open periods (issue 11) ---------------------------------

SETUP_MATRIX = {
    #               set up  copy world.project  change its fundings
    "contributor": (False, False, False),
    "pilot": (False, True, True),
    "treasurer": (False, False, False),
    "coordinator": (True, True, True),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_setup_copy_and_funding_rights_per_role(world, role):
    user = getattr(world, role).user
    funding = world.project.fundings.get()
    try:
        permissions.get_funding_for(user, funding.pk)
        fundings = True
    except PermissionDenied:
        fundings = False
    got = (permissions.can_set_up_projects(user), permissions.can_copy_project(user, world.project),
           fundings)
    assert got == SETUP_MATRIX[role]


def test_setup_and_funding_lookups_are_404_for_anonymous_and_unknown_ids(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        permissions.require_project_setup(AnonymousUser())
    with pytest.raises(Http404):
        permissions.get_funding_for(world.coordinator.user, 999999)
    with pytest.raises(Http404):
        permissions.get_open_period_for(world.coordinator.user, 999999)
    with pytest.raises(PermissionDenied):
        permissions.require_project_setup(world.pilot.user)
    permissions.require_project_setup(world.pilot.user, world.project)  # copying their own
