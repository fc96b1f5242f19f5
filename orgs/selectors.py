"""Reads on the organization tree. Every list goes through ``visible_to`` (orgs.access)."""

import datetime
import re

from django.conf import settings
from django.db.models import Q, QuerySet

from core.models import AuditEvent
from orgs import access, paths
from orgs.models import Organization, OrganizationFacts, RoleAssignment

CODE_LIKE = re.compile(r"[0-9A-Za-z._-]+")


def organization_roots(*, user) -> QuerySet[Organization]:
    """The top of what the user sees: the organizations their roles sit on (all roots for superusers)."""
    if user.is_authenticated and user.is_superuser:
        return Organization.objects.filter(parent__isnull=True).order_by("code")
    return Organization.objects.filter(path__in=access.scope_paths(user)).order_by("code")


def tree_import_levels(*, user, limit: int = 20) -> list[Organization]:
    """The top levels the user administers, those the tree and the home page offer to import into."""
    return [org for org in organization_roots(user=user).filter(dissolved_on__isnull=True)[:limit]
            if access.can_manage(user, org)]


def organization_children(
    *, user, parent: Organization, offset: int = 0, limit: int | None = None, include_dissolved: bool = False
) -> list[Organization]:
    """One page of an organization's direct subordinates, by code (index ``org_children_idx``)."""
    access.check(user, parent, access.VIEW)
    limit = limit or settings.TREE_CHILDREN_PAGE
    children = Organization.objects.filter(parent=parent)
    if not include_dissolved:
        children = children.filter(dissolved_on__isnull=True)
    return list(children.order_by("code")[offset : offset + limit])


def organization_search(*, user, query: str, limit: int = 50) -> list[Organization]:
    """Organizations in the user's scope whose code starts with, or name contains, the query.

    A query of letters, digits and dashes only is first taken as an official code (an index
    range); names are searched when the query has other characters (Chinese names) or no code
    matched. On PostgreSQL the name search uses trigram indexes (migration
    0002_name_trigram_search); on SQLite it scans, which a county's size allows.
    """
    query = " ".join(query.replace("\u3000", " ").split())
    if not query:
        return []
    visible = Organization.objects.visible_to(user)
    by_code = list(visible.filter(code__gte=query, code__lt=query + "\uffff").order_by("code")[:limit])
    if by_code and CODE_LIKE.fullmatch(query):
        return by_code
    compact = query.replace(" ", "")
    seen = {org.pk for org in by_code}
    by_name = visible.filter(Q(name__contains=query) | Q(name__contains=compact) | Q(short_name__contains=query))
    found = by_code + [org for org in by_name.order_by("path")[: limit + len(seen)] if org.pk not in seen]
    return found[:limit]


def organization_ancestors(*, user, organization: Organization) -> list[Organization]:
    """The breadcrumbs: ancestors inside the user's scope, root first."""
    ancestor_ids = paths.ancestor_ids(organization.path)
    found = {org.pk: org for org in Organization.objects.visible_to(user).filter(pk__in=ancestor_ids)}
    return [found[pk] for pk in ancestor_ids if pk in found]


def organization_subtree_count(*, organization: Organization) -> int:
    """Active organizations in the subtree, itself included: a kept-current column, not a count."""
    return organization.descendants_count + (1 if organization.is_active else 0)


def organization_list(*, user, parent_id: int | None = None, query: str = "", sector: str = "", kind: str = "",
                      include_dissolved: bool = False) -> QuerySet[Organization]:
    """The one filter definition behind the organization list page and the API list."""
    organizations = Organization.objects.visible_to(user).select_related("parent")
    if parent_id is not None:
        organizations = organizations.filter(parent_id=parent_id)
    if query:
        organizations = organizations.filter(Q(name__contains=query) | Q(code__startswith=query))
    if sector:
        organizations = organizations.filter(sector=sector)
    if kind:
        organizations = organizations.filter(kind=kind)
    if not include_dissolved:
        organizations = organizations.filter(dissolved_on__isnull=True)
    return organizations.order_by("path")


def facts_list(*, user, organization: Organization) -> QuerySet[OrganizationFacts]:
    access.check(user, organization, access.VIEW)
    return OrganizationFacts.objects.filter(organization=organization).order_by("-year")


def role_assignment_list(*, user, organization: Organization | None = None) -> QuerySet[RoleAssignment]:
    """Role assignments on organizations the user can see (on one organization's subtree if given)."""
    assignments = RoleAssignment.objects.filter(access.scope_q(user, prefix="organization__")).select_related(
        "user", "organization"
    )
    if organization is not None:
        access.check(user, organization, access.VIEW)
        assignments = assignments.filter(organization=organization)
    return assignments.order_by("organization__path", "role", "user__username")


def audit_event_list(
    *,
    user,
    organization: Organization,
    actor: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """An organization's audit events, newest first, filtered by actor name, action and dates."""
    access.check(user, organization, access.VIEW)
    events = AuditEvent.objects.filter(organization=organization).select_related("actor")
    if actor:
        events = events.filter(actor__username=actor)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(time__date__gte=date_from)
    if date_to:
        events = events.filter(time__date__lte=date_to)
    return events


def people_never_logged_in(*, user, level: Organization) -> list[dict]:
    """The people holding roles in the level's subtree who have never logged in, by login: each with
    their roles there (organization, role), all their roles as ``access.user_roles`` gives them
    (``all_roles``), and when their initial password slip was printed. Only the
    level's administrators read it (403 inside, 404 outside)."""
    access.check(user, level, access.MANAGE)
    rows = (RoleAssignment.objects.filter(organization__path__gte=level.path,
                                          organization__path__lt=paths.successor(level.path),
                                          organization__dissolved_on__isnull=True, user__last_login__isnull=True,
                                          user__is_active=True)
            .select_related("user", "organization", "user__initial_password").order_by("user__username", "organization__path"))
    people: dict[int, dict] = {}
    for assignment in rows:
        person = people.setdefault(assignment.user_id, {"user": assignment.user, "roles": [],
                                                        "slip": getattr(assignment.user, "initial_password", None)})
        person["roles"].append(assignment)
    everywhere: dict[int, list] = {pk: [] for pk in people}  # all their roles, also outside the level
    for user_id, path, role, pk in RoleAssignment.objects.filter(
            user_id__in=list(people), organization__dissolved_on__isnull=True).values_list(
            "user_id", "organization__path", "role", "organization_id"):
        everywhere[user_id].append((path, role, pk))
    for user_id, person in people.items():
        person["all_roles"] = everywhere[user_id]
    return list(people.values())
