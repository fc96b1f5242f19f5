"""The logins of the people who hold roles in the tree: the accounts page's selector and its services (unlock a
locked login, deactivate and reactivate an account), a sub-topic of the tree's services kept apart from
services.py by size.

An administrator manages the accounts of the people whose every role lies inside the subtrees they administer
(the system administrator every account but the system administrators'); deactivating an account ends its
sessions and refuses its logins, and keeps its roles and history.
"""

import datetime
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.auth import locked_logins
from core.services import audit_record
from orgs import access
from orgs.models import Organization, RoleAssignment


@dataclass
class Account:
    """One row of the accounts page: the person, their roles under the organization, whether they may log in."""

    user: object
    roles: list[RoleAssignment]
    locked_until: datetime.datetime | None


def account_list(*, actor, organization: Organization, query: str = "") -> list[Account]:
    """The accounts holding a role in the organization's subtree (the actor manages it), by user name."""
    access.check(actor, organization, access.MANAGE)
    assignments = RoleAssignment.objects.filter(access.subtree_q(organization, prefix="organization__")).select_related("user", "organization")
    if query.strip():
        assignments = assignments.filter(Q(user__username__icontains=query.strip())
                                         | Q(user__first_name__icontains=query.strip()))
    by_user: dict[int, Account] = {}
    for assignment in assignments.order_by("user__username", "organization__path", "role"):
        by_user.setdefault(assignment.user_id, Account(assignment.user, [], None)).roles.append(assignment)
    locked = locked_logins(account.user.get_username() for account in by_user.values())
    for account in by_user.values():
        account.locked_until = locked.get(account.user.get_username())
    return list(by_user.values())


def _locked_user(user):
    return get_user_model().objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def login_unlock(*, actor, organization: Organization, user) -> int:
    """Clear the account's wrong passwords, so its owner may log in at once; returns how many were cleared."""
    user = access.get_account_for(actor, organization, _locked_user(user).pk)
    cleared = axes_reset(username=user.get_username())
    if cleared:
        audit_record(actor=actor, obj=user, organization=organization, action="user.unlock",
                     before={"username": user.get_username()})
    return cleared


@transaction.atomic
def user_deactivate(*, actor, organization: Organization, user, reason: str = "") -> object:
    """Refuse the account's logins and end its sessions (Django's backend no longer authenticates it)."""
    user = access.get_account_for(actor, organization, _locked_user(user).pk)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, obj=user, organization=organization, action="user.deactivate",
                 before={"is_active": True}, after={"is_active": False}, reason=reason.strip())
    return user


@transaction.atomic
def user_reactivate(*, actor, organization: Organization, user) -> object:
    """Let a deactivated account log in again."""
    user = access.get_account_for(actor, organization, _locked_user(user).pk)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, obj=user, organization=organization, action="user.reactivate",
                 before={"is_active": False}, after={"is_active": True})
    return user
