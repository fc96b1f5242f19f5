"""Who may see and do what at the year's end, on top of orgs.access and cycles.access.

* A level's dashboard, summary, reports and shortlist: everyone who sees the level in the cycle.
* Writing them and submitting upward: the level's own people (its administrators and reviewers, its
  secretary) and administrators above it.
* Reopening a submitted summary: its superior (下管一级).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from core.jobs import job_settle
from cycles import access as cycle_access
from orgs import access as org_access
from yearend.models import Candidate, SecretaryReport, SummaryJob


def can_write(user, level) -> bool:
    return org_access.can_edit_facts(user, level) or org_access.can_decide_below(user, level)


def can_reopen(user, level) -> bool:
    return org_access.can_decide(user, level)


def check_write(user, level) -> None:
    """403 for one who sees the level but does not write for it (the caller has checked that they see it)."""
    if not can_write(user, level):
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": level.name})


def get_level_for(user, cycle_pk, level_pk, *, write: bool = False):
    """A cycle and one of its levels the user sees (404 otherwise); with ``write``, one they write for (403)."""
    cycle, level = cycle_access.get_cycle_organization_for(user, cycle_pk, level_pk)
    if write:
        check_write(user, level)
    return cycle, level


def get_report_for(user, pk) -> SecretaryReport:
    """A secretary's report, seen with its level (404 otherwise)."""
    try:
        report = SecretaryReport.objects.select_related("summary__cycle__owner", "summary__organization").get(
            pk=int(pk))
    except (SecretaryReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, report.summary.organization, org_access.VIEW)
    return report


def get_candidate_for(user, pk) -> Candidate:
    """A candidate of a shortlist, seen with the shortlist's level (404 otherwise)."""
    try:
        candidate = Candidate.objects.select_related("shortlist__cycle__owner", "shortlist__organization",
                                                     "organization").get(pk=int(pk))
    except (Candidate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, candidate.shortlist.organization, org_access.VIEW)
    return candidate


def get_summary_job_for(user, pk) -> SummaryJob:
    """A summary PDF job, for those who see its level (404 otherwise); a job whose worker died is failed."""
    try:
        job = SummaryJob.objects.select_related("summary__organization", "summary__cycle").get(pk=int(pk))
    except (SummaryJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, job.summary.organization, org_access.VIEW)
    return job_settle(job)
