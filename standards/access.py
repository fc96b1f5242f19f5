"""Who may see or change standards and score sheets, written once on top of orgs.access.

* A standard is visible to everyone whose scope lies under its issuer (a branch sees the standards
  its superiors issued) and to everyone who sees the issuer; it is managed by the issuer's
  administrators.
* A score sheet is visible with its organization. The self-assessment (组织自评) is entered by
  those who keep the organization's facts (its secretary, administrators above); the superior's
  assessment (上级党组织评定) by those who decide on it (下管一级, orgs.access.can_decide).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from core.jobs import job_settle
from orgs import access as org_access
from standards.choices import AssessorKind
from standards.models import ScoreSheet, Standard, StandardImport


def standard_scope_q(user) -> Q:
    return org_access.scope_or_above_q(user, "issuer__")


def get_standard_for(user, pk, action: str = org_access.VIEW):
    """The standard if the user may see it (404 otherwise) and, for MANAGE, manage its issuer (403)."""
    try:
        standard = Standard.objects.select_related("issuer").filter(standard_scope_q(user)).get(pk=int(pk))
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if action != org_access.VIEW:
        org_access.check(user, standard.issuer, org_access.MANAGE)
    return standard


def get_standard_import_for(user, pk):
    """An import of a standard from Excel, for those who manage the standard's issuer (404 outside
    their scope, 403 inside it); a job whose worker died is seen as failed."""
    try:
        job = StandardImport.objects.get(pk=int(pk))
    except (StandardImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_standard_for(user, job.standard_id, org_access.MANAGE)
    return job_settle(job)


def can_enter(user, organization, assessor_kind: str) -> bool:
    if assessor_kind in (AssessorKind.SELF, AssessorKind.ACCEPTANCE_SELF):
        return org_access.can_edit_facts(user, organization)
    return org_access.can_decide(user, organization)


def check_enter(user, organization, assessor_kind: str) -> None:
    org_access.check(user, organization, org_access.VIEW)
    if not can_enter(user, organization, assessor_kind):
        raise PermissionDenied(_("You may not enter this score sheet for %(name)s.") % {"name": organization.name})


def get_sheet_for(user, pk, action: str = org_access.VIEW):
    """A score sheet, visible with its organization; ``edit`` also needs the right to enter it."""
    try:
        sheet = ScoreSheet.objects.select_related("organization", "standard").get(pk=int(pk))
    except (ScoreSheet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    org_access.check(user, sheet.organization, org_access.VIEW)
    if action == "edit":
        check_enter(user, sheet.organization, sheet.assessor_kind)
    return sheet
