"""Who may see and write a ledger, on top of cycles.access and orgs.access (written once there).

A ledger is a cycle's rows under one organization: visible to whoever sees the organization and the
cycle, and only for an organization inside the cycle's subtree. An organization's own rectification
entry is written by those who keep its facts (its secretary, administrators above) or by its superior.
"""

from django.http import Http404

from cycles import access as cycle_access
from orgs import access as org_access


def get_ledger_for(user, cycle_pk, organization_pk, action: str = org_access.VIEW):
    """The (cycle, organization) of a ledger; 404 when either is not visible or the organization is
    outside the cycle's subtree."""
    cycle = cycle_access.get_cycle_for(user, cycle_pk)
    organization = org_access.get_organization_for(user, organization_pk, action)
    if not organization.path.startswith(cycle.owner.path):
        raise Http404
    return cycle, organization


def can_edit_entry(user, organization) -> bool:
    """Its secretary and administrators above it, or its superior (下管一级)."""
    return org_access.can_edit_facts(user, organization) or org_access.can_decide(user, organization)
