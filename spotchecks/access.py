"""Who may see and act on spot checks, on top of orgs.access.

* A check is seen by everyone who reads its checking level, and by the inspectors drawn for it.
* The level's administrators create it, freeze its population, enter the entropy, draw and close it.
* A sampled organization — its plan, measures and evidence for the check — is read by the level's readers
  and, while the check is open, by the inspectors drawn for it; those inspectors record its findings.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from orgs import access as org_access
from spotchecks.choices import SpotCheckState
from spotchecks.models import InspectorAssignment, SampledOrganization, SpotCheck


def spotcheck_visible_q(user) -> Q:
    """Checks whose level the user reads, or for which the user was drawn as an inspector."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    drawn = InspectorAssignment.objects.filter(inspector=user).values("sampled__spot_check_id")
    return org_access.scope_q(user, "level__") | Q(pk__in=drawn)


def get_spotcheck_for(user, pk) -> SpotCheck:
    """A spot check the user may see (404 otherwise)."""
    try:
        return SpotCheck.objects.select_related("level", "cycle__owner").filter(spotcheck_visible_q(user)).distinct(
        ).get(pk=int(pk))
    except (SpotCheck.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_manage(user, spot_check: SpotCheck) -> bool:
    return org_access.can_manage(user, spot_check.level)


def require_manage(user, spot_check: SpotCheck) -> None:
    if not can_manage(user, spot_check):
        raise PermissionDenied(_("Only the administrators of %(name)s run this spot check.") % {
            "name": spot_check.level.name})


def is_inspector(user, sampled: SampledOrganization) -> bool:
    """Drawn for this organization, while the check is open."""
    return (user.is_authenticated and sampled.spot_check.state == SpotCheckState.DRAWN
            and sampled.inspectors.filter(inspector=user).exists())


def get_sampled_for(user, pk) -> SampledOrganization:
    """A sampled organization, seen by the level's readers and its drawn inspectors while the check is open."""
    try:
        sampled = SampledOrganization.objects.select_related(
            "spot_check__level", "spot_check__cycle__owner", "organization").get(pk=int(pk))
    except (SampledOrganization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not (org_access.can_view(user, sampled.spot_check.level) or is_inspector(user, sampled)):
        raise Http404
    return sampled


def require_inspector(user, sampled: SampledOrganization) -> None:
    if not is_inspector(user, sampled):
        raise PermissionDenied(_("Only the inspectors drawn for %(name)s record its findings, while the check "
                                 "is open.") % {"name": sampled.organization.name})
