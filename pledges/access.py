"""Who may do what with a pledge, on top of orgs.access.

* The pledge is seen by everyone who sees its organization; its public part by anyone on the board.
* Drafting, progress and the self-evaluation: the organization's keepers (its secretary, administrators above).
* Vetting (审核) and the leader's evaluation: the branch for a member's pledge, the direct superior for an
  organization's (下管一级).
"""

from django.http import Http404

from core.jobs import job_settle
from orgs import access as org_access
from pledges.choices import PledgeKind
from pledges.models import Pledge, PledgeItem, PledgeJob


def pledge_scope_q(user):
    return org_access.scope_q(user, prefix="organization__")


def can_keep(user, organization) -> bool:
    return org_access.can_edit_facts(user, organization)


def can_vet(user, pledge: Pledge) -> bool:
    if pledge.kind == PledgeKind.MEMBER:
        return org_access.can_edit_facts(user, pledge.organization)
    return org_access.can_decide(user, pledge.organization)


def get_pledge_for(user, pk) -> Pledge:
    """A pledge the user may see with its organization (404 otherwise)."""
    try:
        pledge = Pledge.objects.select_related("cycle__owner", "organization__parent", "member").get(pk=int(pk))
    except (Pledge.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, pledge.organization, org_access.VIEW)
    return pledge


def get_item_for(user, pk) -> PledgeItem:
    """An item of a pledge the user may see (404 otherwise)."""
    try:
        item = PledgeItem.objects.select_related("pledge__organization__parent", "pledge__cycle__owner",
                                                 "pledge__member").get(pk=int(pk))
    except (PledgeItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, item.pledge.organization, org_access.VIEW)
    return item


def get_pledge_job_for(user, pk) -> PledgeJob:
    """A letters PDF job, for those who see its organization (404 otherwise); a job whose worker died is failed."""
    try:
        job = PledgeJob.objects.select_related("organization", "cycle").get(pk=int(pk))
    except (PledgeJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, job.organization, org_access.VIEW)
    return job_settle(job)
