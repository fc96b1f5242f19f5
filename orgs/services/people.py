"""Writes on people: their role assignments, their logins, the initial passwords handed to them on
printed slips, and the change of a password.

Each service runs in one transaction, checks the actor's scope and writes its audit event.
"""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record, audit_record_many
from orgs import access
from orgs.choices import Role
from orgs.models import InitialPassword, Organization, RoleAssignment
from orgs.services.organizations import organization_lock


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


@transaction.atomic
def role_assignment_create(*, actor, user, organization: Organization, role: str) -> RoleAssignment:
    """Give a user a role on an organization inside the actor's managing scope."""
    organization = organization_lock(organization)
    access.check(actor, organization, access.MANAGE)
    if role not in Role.values:
        raise ValidationError({"role": _("Role: %(value)s is not a role.") % {"value": role}})
    if not organization.is_active:
        raise ValidationError({"organization": _("Organization: %(name)s is dissolved.") % {"name": organization.name}})
    existing = RoleAssignment.objects.filter(user=user, organization=organization, role=role).first()
    if existing:
        return existing
    assignment = RoleAssignment.objects.create(user=user, organization=organization, role=role)
    access.forget_roles(user)
    audit_record(actor=actor, obj=assignment, organization=organization, action="role.assign",
                 after={"user": user.get_username(), "role": role})
    return assignment


@transaction.atomic
def role_assignment_delete(*, actor, assignment: RoleAssignment, reason: str = "") -> None:
    """Take a role away."""
    assignment = RoleAssignment.objects.select_for_update(of=("self",)).select_related("organization", "user").get(pk=assignment.pk)
    access.check(actor, assignment.organization, access.MANAGE)
    audit_record(actor=actor, obj=assignment, organization=assignment.organization, action="role.revoke",
                 before={"user": assignment.user.get_username(), "role": assignment.role}, reason=reason)
    assignment.delete()
    access.forget_roles(assignment.user)


@transaction.atomic
def user_create(*, actor, username: str, password: str, full_name: str = "", published_password: bool = False) -> Any:
    """Create a login for a person; any administrator may, the roles then say what it reaches. The password
    passes Django's validators (AUTH_PASSWORD_VALIDATORS: not like the user name, long, not common), except a
    ``published_password``: the demo's, printed in the README, which no production site loads."""
    _require(actor.is_superuser or any(role == Role.ADMIN for _p, role, _pk in access.user_roles(actor)),
             _("Only an administrator may create users."))
    User = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("User name: please enter a user name.")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("User name: %(name)s is already taken.") % {"name": username}})

    if not published_password:
        try:
            validate_password(password, user=User(username=username, first_name=full_name.strip()[:150]))
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
    user = User.objects.create_user(username=username, password=password, first_name=full_name.strip()[:150])
    audit_record(actor=actor, obj=user, action="user.create", after={"username": username, "full_name": full_name})
    return user


# Letters and digits that cannot be mistaken for each other when typed from paper (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 12  # 32¹² = 2⁶⁰


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 at fewer rounds, for initial passwords only: a county's 3,000 slips are hashed
    in the one request that shows them. They are random (60 bits) and single-use; at the first
    login Django rehashes them at full strength, and the person must then set their own."""

    iterations = 5000


def initial_password_new() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def initial_password_grouped(password: str) -> str:
    """As printed: in groups of four, easier to type (the spaces are not part of it)."""
    return " ".join(password[n:n + 4] for n in range(0, len(password), 4))


def can_issue_password(actor, user, roles: list[tuple[str, str, int]]) -> bool:
    """Whether ``actor`` may hand ``user`` a new initial password: never logged in, no system
    administrator, and every role of theirs (``roles``: their paths) inside what the actor manages."""
    if not actor.is_authenticated or user.is_superuser or user.is_staff or user.last_login is not None or not roles:
        return False
    managed = [path for path, role, _pk in access.user_roles(actor) if role in access.MANAGING_ROLES]
    return actor.is_superuser or all(any(path.startswith(root) for root in managed) for path, _r, _pk in roles)


@transaction.atomic
def initial_passwords_issue(*, actor, level: Organization, users: list) -> list[tuple[Any, str]]:
    """Give each of ``users`` a new initial password and return them, (user, password), to be printed
    now: only their hashes are kept, so they cannot be shown again (a lost slip is replaced by a new
    one, and the old stops working). Each person must set their own password after logging in."""
    access.check(actor, level, access.MANAGE)
    User = get_user_model()
    users = list(User.objects.select_for_update().filter(pk__in=[user.pk for user in users]).order_by("pk"))
    roles: dict[int, list] = {}
    for user_id, path, role, pk in RoleAssignment.objects.filter(
            user__in=users, organization__dissolved_on__isnull=True).values_list(
            "user_id", "organization__path", "role", "organization_id"):
        roles.setdefault(user_id, []).append((path, role, pk))
    refused = [user.get_username() for user in users if not can_issue_password(actor, user, roles.get(user.pk, []))
               or not any(path.startswith(level.path) for path, _r, _pk in roles[user.pk])]
    if refused:
        raise PermissionDenied(_("You may not hand out initial passwords to %(logins)s: they have logged in "
                                 "already, or hold roles outside what you administer.") % {"logins": "、".join(refused)})
    # Fewer rounds of the site's own PBKDF2; a site configured with another hasher gets it as configured.
    hasher = InitialPasswordHasher() if get_hasher().algorithm == InitialPasswordHasher.algorithm else get_hasher()
    now, issued = timezone.now(), []
    for user in users:
        password = initial_password_new()
        user.password = make_password(password, hasher=hasher)
        issued.append((user, password))
    User.objects.bulk_update(users, ["password"], batch_size=500)
    existing = {row.user_id: row for row in InitialPassword.objects.select_for_update().filter(user__in=users)}
    for user in users:
        row = existing.get(user.pk) or InitialPassword(user=user, level=level)
        row.issued_at, row.issued_by, row.changed_at = now, actor, None
        existing[user.pk] = row
    InitialPassword.objects.bulk_create([row for row in existing.values() if row.pk is None], batch_size=1000)
    InitialPassword.objects.bulk_update([row for row in existing.values() if row.pk is not None],
                                        ["issued_at", "issued_by", "changed_at"], batch_size=500)
    organizations = Organization.objects.in_bulk({roles[user.pk][0][2] for user in users})
    audit_record_many(actor=actor, action="user.initial_password", changes=[
        (user, organizations[roles[user.pk][0][2]], None, {"username": user.get_username()}) for user in users])
    return issued


def password_change_required(user) -> bool:
    """Whether the person logged in with an initial password and has not yet set their own."""
    return (user.is_authenticated and InitialPassword.objects.filter(
        user=user, issued_at__isnull=False, changed_at__isnull=True).exists())


@transaction.atomic
def user_password_change(*, actor, new_password: str) -> None:
    """The person sets their own password (the form has checked the old one and the validators)."""
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    InitialPassword.objects.filter(user=actor, changed_at__isnull=True).update(changed_at=timezone.now())
    audit_record(actor=actor, obj=actor, action="user.password_change", after={"username": actor.get_username()})
