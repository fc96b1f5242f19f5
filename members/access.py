"""Who may see a roster: personal data is seen only by the branch and its superiors (orgs.access reading scope).

The branch's secretary and the administrators above it keep the roster (orgs.access.can_edit_facts);
a member outside the user's scope answers 404, the same as a missing one.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from core.jobs import job_settle
from members.models import Member, RosterExport, RosterImport
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


def get_roster_export_for(user, pk) -> RosterExport:
    """A roster export, for the one who asked for it (404 outside the branch's readers, 403 for the others inside):
    each export is audited under its requester's name; a job whose worker died is seen as failed."""
    try:
        job = RosterExport.objects.select_related("organization").get(pk=int(pk))
    except (RosterExport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, job.organization, org_access.VIEW)
    if job.created_by_id != user.pk:
        raise PermissionDenied(_("This export is its requester's: please export the roster yourself."))
    return job_settle(job)
