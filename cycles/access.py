"""Who may see and act in a cycle, on top of orgs.access (下管一级 written once there).

* A cycle is visible to everyone inside its owner's subtree and above it.
* An organization records its own steps and submits (its secretary, administrators above).
* Its direct superior determines its grade or returns it (orgs.access.can_decide).
* The level above the superior approves the superior's list, and alone may reopen what it
  approved. The owner's own list has no level above it in the cycle: submitting it confirms the
  cycle's result, and the owner's administrators alone may reopen what it holds.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from cycles.models import Cycle, Grading
from orgs import access as org_access
from orgs.models import Organization


def cycle_scope_q(user):
    return org_access.scope_or_above_q(user, "owner__")


def get_cycle_for(user, pk, action: str = org_access.VIEW):
    try:
        cycle = Cycle.objects.select_related("owner").filter(cycle_scope_q(user)).get(pk=int(pk))
    except (Cycle.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # The cycle is visible from below its owner too: there managing it is refused (403), not hidden.
    if action == org_access.MANAGE and not org_access.can_manage(user, cycle.owner):
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": cycle.owner.name})
    return cycle


def in_cycle(cycle: Cycle, organization: Organization) -> bool:
    """Whether the organization lies in the cycle: its owner or below it."""
    return organization.path.startswith(cycle.owner.path)


def get_organization_in_cycle_for(user, cycle: Cycle, pk, action: str = org_access.VIEW) -> Organization:
    """An organization of the cycle (its owner or below) that the user may do ``action`` on; 404 when it is
    not visible or lies outside the cycle, as if it were missing."""
    organization = org_access.get_organization_for(user, pk, action)
    if not in_cycle(cycle, organization):
        raise Http404
    return organization


def get_cycle_organization_for(user, cycle_pk, organization_pk,
                               action: str = org_access.VIEW) -> tuple[Cycle, Organization]:
    """A cycle and one of its organizations, for the pages, API and exports about that organization in the year."""
    cycle = get_cycle_for(user, cycle_pk)
    return cycle, get_organization_in_cycle_for(user, cycle, organization_pk, action)


def get_grading_for(user, pk):
    """A grading, visible with its organization (404 otherwise)."""
    try:
        grading = Grading.objects.select_related("cycle__owner", "organization__parent", "baseline_cycle").get(pk=int(pk))
    except (Grading.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, grading.organization, org_access.VIEW)
    return grading


def can_record(user, grading) -> bool:
    return org_access.can_edit_facts(user, grading.organization)


def can_decide(user, grading) -> bool:
    return org_access.can_decide(user, grading.organization)


def can_approve_list(user, cycle, level) -> bool:
    """The level above ``level`` approves its list, where that level runs the cycle: nobody approves the owner's own."""
    return level.pk != cycle.owner_id and org_access.can_decide(user, level)


def can_submit_list(user, level) -> bool:
    return org_access.can_decide_below(user, level)


def can_reopen(user, grading) -> bool:
    """Approved data is reopened by the level that approved it."""
    parent = grading.organization.parent
    if parent is None:
        return False
    if parent.pk == grading.cycle.owner_id:  # confirmed with the owner's own list
        return org_access.can_manage(user, parent)
    return can_approve_list(user, grading.cycle, parent)


def require(user, allowed: bool, organization) -> None:
    """404 outside the user's scope (as for a missing object), 403 inside it when not allowed."""
    if not org_access.can_view(user, organization):
        raise Http404
    if not allowed:
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": organization.name})
