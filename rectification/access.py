"""Who may see and act on rectification, on top of orgs.access (下管一级 written once there).

* A plan is seen by its organization and every level above it (the reading scope of orgs.access).
* Its organization's secretary and the administrators above draft it, report progress and mark
  measures done.
* Its direct superior reviews it, answers the measures that need the superior, verifies (销号) or
  reopens measures, and rates the organization in the mid-year check.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from orgs import access as org_access
from rectification.models import Evidence, Measure, Plan, Supporter


def get_plan_for(user, pk) -> Plan:
    """A plan, visible with its organization (404 otherwise)."""
    try:
        plan = Plan.objects.select_related("cycle__owner", "organization__parent").get(pk=int(pk))
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, plan.organization, org_access.VIEW)
    return plan


def get_measure_for(user, pk) -> Measure:
    """A measure, visible with its plan's organization (404 otherwise)."""
    try:
        measure = Measure.objects.select_related("plan__cycle__owner", "plan__organization__parent", "problem").get(
            pk=int(pk))
    except (Measure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, measure.plan.organization, org_access.VIEW)
    return measure


def get_evidence_for(user, pk) -> Evidence:
    try:
        evidence = Evidence.objects.select_related("plan__organization").get(pk=int(pk))
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, evidence.plan.organization, org_access.VIEW)
    return evidence


def supporter_scope_q(user):
    """Supporters named by a level inside the user's scope or above it: a branch reuses its town's."""
    return org_access.scope_or_above_q(user, "owner__")


def get_supporter_for(user, pk) -> Supporter:
    try:
        return Supporter.objects.select_related("owner").filter(supporter_scope_q(user)).get(pk=int(pk))
    except (Supporter.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit(user, plan: Plan) -> bool:
    """The organization's own secretary and the administrators above it."""
    return org_access.can_edit_facts(user, plan.organization)


def can_review(user, plan: Plan) -> bool:
    """下管一级: the plan's organization's direct superior."""
    return org_access.can_decide(user, plan.organization)


def can_rate_below(user, level) -> bool:
    """A level rates its direct subordinates in the mid-year check."""
    return org_access.can_decide_below(user, level)


def require(user, allowed: bool, organization) -> None:
    """404 outside the user's scope (as for a missing object), 403 inside it when not allowed."""
    if not org_access.can_view(user, organization):
        raise Http404
    if not allowed:
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": organization.name})
