"""A cycle, its levels and lists, and an organization's gradings across years."""

from django.db.models import QuerySet

from cycles import access
from cycles.choices import (
    GradingState,
)
from cycles.models import Cycle, Grading, LevelList
from orgs import access as org_access
from orgs import paths
from orgs import selectors as org_selectors
from orgs.access import DECIDING_ROLES, user_roles
from orgs.choices import Role
from orgs.models import Organization, RoleAssignment


def cycle_list(*, user) -> QuerySet[Cycle]:
    """Cycles opened above the user or inside their scope."""
    return Cycle.objects.filter(access.cycle_scope_q(user)).select_related("owner").order_by("-year", "owner__path")


def subordinate_gradings(*, user, cycle: Cycle, level) -> QuerySet[Grading]:
    """The gradings of a level's direct subordinates, with what the level needs to act on them."""
    org_access.check(user, level, org_access.VIEW)
    return (Grading.objects.filter(cycle=cycle, organization__parent=level, organization__dissolved_on__isnull=True)
            .select_related("organization", "decided_by", "baseline_cycle").order_by("organization__code"))


def level_list_of(*, cycle: Cycle, level) -> LevelList | None:
    return LevelList.objects.filter(cycle=cycle, organization=level).first()


def list_whole(*, cycle: Cycle, level) -> bool:
    """Every active direct subordinate of the level is determined: its list may go up."""
    return not Grading.objects.filter(cycle=cycle, organization__parent=level, organization__dissolved_on__isnull=True) \
        .exclude(state__in=[GradingState.DECIDED, GradingState.APPROVED]).exists()


def previous_cycle(*, owner, year: int) -> Cycle | None:
    """The owner's last cycle before ``year``: where a new year starts from."""
    return Cycle.objects.filter(owner=owner, year__lt=year).order_by("-year").first()


def owner_contacts(*, cycle: Cycle) -> list[str]:
    """The names of the cycle owner's administrators: whom a branch asks for more time."""
    assignments = RoleAssignment.objects.filter(organization=cycle.owner, role=Role.ADMIN).select_related("user")
    return [a.user.get_full_name() or a.user.get_username() for a in assignments.order_by("user__username")[:5]]


def subordinate_list_states(*, cycle: Cycle, gradings: list[Grading]) -> dict[int, LevelList]:
    """organization id → its own list, for the subordinates that are levels themselves."""
    ids = [g.organization_id for g in gradings if g.organization.children_count]
    return {ll.organization_id: ll for ll in LevelList.objects.filter(cycle=cycle, organization_id__in=ids)}


def grading_history(*, user, organization) -> QuerySet[Grading]:
    """An organization's gradings across years, the latest first."""
    org_access.check(user, organization, org_access.VIEW)
    return Grading.objects.filter(organization=organization).select_related("cycle").order_by("-cycle__year")


def grading_events(*, user, grading: Grading):
    """The audit events of one grading (steps, submission, determination, returns, approval), newest first."""
    return org_selectors.audit_event_list(user=user, organization=grading.organization).filter(
        object_type=Grading._meta.label_lower, object_id=str(grading.pk))


def levels_of(*, user, cycle: Cycle) -> list:
    """The levels the user acts for in a cycle: organizations inside the cycle's subtree (its owner
    included) where the user reviews or administers; the owner for administrators above it."""
    owner = cycle.owner
    ids = [pk for path, role, pk in user_roles(user) if role in DECIDING_ROLES and path.startswith(owner.path)]
    levels = list(Organization.objects.filter(pk__in=ids, dissolved_on__isnull=True).order_by("path"))
    if not levels and org_access.can_manage(user, owner):
        levels = [owner]
    return levels


def sectors_below(*, user, organization) -> list[str]:
    """The sectors of the active organizations below one: a cycle chooses a standard for each."""
    org_access.check(user, organization, org_access.VIEW)
    return list(Organization.objects.filter(path__gt=organization.path, path__lt=paths.successor(organization.path),
                                            dissolved_on__isnull=True)
                .order_by("sector").values_list("sector", flat=True).distinct())
