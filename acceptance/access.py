"""Who may see and act in the acceptance, on top of orgs.access (下管一级 written once there).

* An acceptance and a level's targets and transitions are seen by the organization and every level above it.
* The organization's secretary and the administrators above write its self-check and schedule its survey.
* Its direct superior returns or determines it (认定); a level's deciders submit its results upward.
* A level's targets are set by its administrators and reviewers (its deciders); the cycle's round by the
  cycle owner's administrators.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from acceptance.models import Acceptance
from orgs import access as org_access


def get_acceptance_for(user, pk) -> Acceptance:
    """An acceptance, visible with its organization (404 otherwise)."""
    try:
        acceptance = Acceptance.objects.select_related("cycle__owner", "organization__parent", "grading",
                                                       "survey").get(pk=int(pk))
    except (Acceptance.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, acceptance.organization, org_access.VIEW)
    return acceptance


def can_self_check(user, acceptance: Acceptance) -> bool:
    """The organization's own secretary and the administrators above it."""
    return org_access.can_edit_facts(user, acceptance.organization)


def can_decide(user, acceptance: Acceptance) -> bool:
    """下管一级: the organization's direct superior."""
    return org_access.can_decide(user, acceptance.organization)


def can_run_level(user, level) -> bool:
    """A level's deciders set its targets and submit its results upward."""
    return org_access.can_decide_below(user, level) or org_access.can_manage(user, level)


def require(user, allowed: bool, organization) -> None:
    """404 outside the user's scope (as for a missing object), 403 inside it when not allowed."""
    if not org_access.can_view(user, organization):
        raise Http404
    if not allowed:
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": organization.name})
