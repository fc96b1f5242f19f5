"""Who may see or do what in the organization tree — written once, used everywhere.

* Reading: a role on an organization reaches its whole subtree.
* Managing (create, edit, move, dissolve, merge, assign roles): an organization-department
  administrator's role on the organization or one of its ancestors.
* Deciding on a grading (下管一级, seeds/004): an administrator or reviewer role on the
  organization's *direct* superior. This is the one rule every workflow asks.

An organization outside a user's reading scope answers 404, the same as a missing one; one inside
it that the user may not act on answers 403 with a reason.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from orgs import paths
from orgs.choices import Role
from orgs.models import Organization, RoleAssignment

MANAGING_ROLES = frozenset({Role.ADMIN})
DECIDING_ROLES = frozenset({Role.ADMIN, Role.REVIEWER})

VIEW = "view"
MANAGE = "manage"
EDIT_FACTS = "edit_facts"
DECIDE = "decide"


def user_roles(user) -> list[tuple[str, str, int]]:
    """(path, role, organization id) of each of the user's roles; read once per user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_jinwei_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, organization__dissolved_on__isnull=True).values_list(
                "organization__path", "role", "organization_id"
            )
        )
        user._jinwei_roles = cached
    return cached


def user_roles_before(user, moment) -> list[tuple[str, str, int]]:
    """The user's roles as ``user_roles`` gives them, only those granted before ``moment``: a role made
    after an event does not count for it (a ballot's second person, say)."""
    if not user.is_authenticated:
        return []
    return list(RoleAssignment.objects.filter(
        user=user, created_at__lt=moment, organization__dissolved_on__isnull=True).values_list(
        "organization__path", "role", "organization_id"))


def forget_roles(user) -> None:
    """Drop the cached roles after the user's assignments change."""
    if hasattr(user, "_jinwei_roles"):
        del user._jinwei_roles


def scope_paths(user) -> list[str]:
    """The roots of the user's reading scope, none nested in another."""
    roots: list[str] = []
    for path in sorted({path for path, _role, _pk in user_roles(user)}):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def scope_q(user, prefix: str = "") -> Q:
    """A filter for the rows inside the user's reading scope; ``prefix`` names the path field's relation."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for root in scope_paths(user):
        q |= Q(**{f"{prefix}path__gte": root, f"{prefix}path__lt": paths.successor(root)})
    return q


def scope_or_above_q(user, prefix: str) -> Q:
    """Rows tied (through ``prefix``, e.g. "issuer__") to an organization inside the user's scope or
    above it: a branch sees the standards and cycles its superiors issued for it."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    above = {pk for root in scope_paths(user) for pk in paths.ancestor_ids(root)}
    return Q(**{f"{prefix}id__in": above}) | scope_q(user, prefix=prefix)


def subtree_q(organization, prefix: str = "") -> Q:
    """A filter for the rows inside the organization's subtree; ``prefix`` names the path field's relation."""
    return Q(**{f"{prefix}path__gte": organization.path, f"{prefix}path__lt": paths.successor(organization.path)})


def can_view(user, organization) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(organization.path.startswith(root) for root in scope_paths(user))


def can_manage(user, organization, roles=None) -> bool:
    """An administrator's role on the organization or an ancestor (of ``roles``, by default all the user's)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(
        role in MANAGING_ROLES and organization.path.startswith(path)
        for path, role, _pk in (user_roles(user) if roles is None else roles)
    )


def can_create_root(user) -> bool:
    return user.is_authenticated and user.is_superuser


def can_edit_facts(user, organization, roles=None) -> bool:
    """Administrators above it, and the organization's own secretary."""
    return can_manage(user, organization, roles) or any(
        role == Role.SECRETARY and pk == organization.pk
        for _path, role, pk in (user_roles(user) if roles is None else roles)
    )


def can_decide_below(user, level) -> bool:
    """An administrator or reviewer role on the level itself: it decides on its direct subordinates."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(role in DECIDING_ROLES and pk == level.pk for _path, role, pk in user_roles(user))


def can_decide(user, organization, roles=None) -> bool:
    """下管一级: a level decides on its direct subordinates only (a system administrator on any)."""
    if user.is_authenticated and user.is_superuser:
        return True
    if organization.parent_id is None:
        return False
    return any(role in DECIDING_ROLES and pk == organization.parent_id
               for _path, role, pk in (user_roles(user) if roles is None else roles))


CHECKS = {VIEW: can_view, MANAGE: can_manage, EDIT_FACTS: can_edit_facts, DECIDE: can_decide}


def check(user, organization, action: str) -> None:
    """Raise 404 outside the reading scope, 403 inside it when the action is not the user's."""
    if not can_view(user, organization):
        raise Http404
    if action != VIEW and not CHECKS[action](user, organization):
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": organization.name})


def get_organization_for(user, pk, action: str = VIEW):
    """The organization with this id if the user may do ``action`` on it; 404 when not visible."""
    try:
        organization = Organization.objects.select_related("parent").get(pk=int(pk))
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    check(user, organization, action)
    return organization


def get_role_assignment_for(user, pk, action: str = VIEW):
    """A role assignment, reachable through its organization's access rule."""
    try:
        assignment = RoleAssignment.objects.select_related("organization", "user").get(pk=int(pk))
    except (RoleAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    check(user, assignment.organization, action)
    return assignment


def get_account_for(actor, organization: Organization, pk):
    """A person holding a role in the organization's subtree, for an administrator of it; 404 otherwise. Changing
    the account also needs every role of theirs inside the actor's managing scope (403)."""
    check(actor, organization, MANAGE)
    try:
        user = get_user_model().objects.get(pk=int(pk))
    except (get_user_model().DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not RoleAssignment.objects.filter(subtree_q(organization, prefix="organization__"), user=user).exists():
        raise Http404
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator may change a system administrator's account."))
    elsewhere = [assignment.organization for assignment in
                 RoleAssignment.objects.filter(user=user).select_related("organization")
                 if not can_manage(actor, assignment.organization)]
    if elsewhere:
        raise PermissionDenied(_("%(user)s also holds a role on %(name)s, which you do not administer.")
                               % {"user": user.get_username(), "name": elsewhere[0].name})
    return user
