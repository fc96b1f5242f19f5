"""Who may see a roster: personal data is seen only by the branch and its superiors (orgs.access reading scope).

The branch's secretary and the administrators above it keep the roster (orgs.access.can_edit_facts);
a member outside the user's scope answers 404, the same as a missing one.
"""

from django.db.models import Q
from django.http import Http404

from core.jobs import job_settle
from members.models import Member, RosterImport
from orgs import access as org_access


def member_scope_q(user) -> Q:
    return org_access.scope_q(user, prefix="organization__")


def can_keep_roster(user, organization) -> bool:
    return org_access.can_edit_facts(user, organization)


def get_member_for(user, pk, action: str = org_access.VIEW) -> Member:
    """A member of a branch the user may see (404 otherwise); ``action`` EDIT_FACTS asks to keep its roster."""
    try:
        member = Member.objects.select_related("organization").get(pk=int(pk))
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, member.organization, action)
    return member


def get_roster_import_for(user, pk) -> RosterImport:
    """A roster import, for those who keep the branch's roster (404 outside the scope, 403 inside it); a job
    whose worker died is seen as failed."""
    try:
        job = RosterImport.objects.select_related("organization").get(pk=int(pk))
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, job.organization, org_access.EDIT_FACTS)
    return job_settle(job)
