"""Who may see and write a ledger, on top of cycles.access and orgs.access (written once there).

A ledger is a cycle's rows under one organization: visible to whoever sees the organization and the
cycle, and only for an organization inside the cycle's subtree. Its rectification columns are the
organizations' plans, written under rectification.access.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from core.jobs import job_settle
from cycles import access as cycle_access
from ledgers.models import LedgerJob
from orgs import access as org_access


def get_ledger_for(user, cycle_pk, organization_pk, action: str = org_access.VIEW):
    """The (cycle, organization) of a ledger; 404 when either is not visible or the organization is
    outside the cycle's subtree."""
    return cycle_access.get_cycle_organization_for(user, cycle_pk, organization_pk, action)


def can_import(user, level) -> bool:
    """Who may import a ledger into a level: whoever may edit the level's own facts (its administrators
    above, its secretary); each row is checked again against its own organization."""
    return org_access.can_edit_facts(user, level)


def check_import(user, cycle, level) -> None:
    """404 unless the level is visible and in the cycle; 403 unless the user may import into it."""
    check_read(user, cycle, level)
    if not can_import(user, level):
        raise PermissionDenied(_("You may not import a ledger into %(name)s.") % {"name": level.name})


def check_read(user, cycle, level) -> None:
    """404 unless the level is visible to the user and lies in the cycle (the rows a page or file shows)."""
    org_access.check(user, level, org_access.VIEW)
    if not cycle_access.in_cycle(cycle, level):
        raise Http404


def get_ledger_job_for(user, pk):
    """A ledger job: 404 unless its level is in the user's scope; 403 for someone else's job
    unless the user administers its level."""
    try:
        job = LedgerJob.objects.select_related("organization", "cycle__owner", "created_by").get(pk=int(pk))
    except (LedgerJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, job.organization, org_access.VIEW)
    if job.created_by_id != user.pk and not org_access.can_manage(user, job.organization):
        raise PermissionDenied(_("This file was uploaded by someone else."))
    return job_settle(job)  # every reader of a job sees one whose worker died as failed
