"""Writes on the organization tree, its basic facts, and on people and their roles, by sub-topic:
``organizations`` (the tree and its basic facts), ``people`` (roles, logins, passwords).

Each service runs in one transaction, locks the rows it changes, checks the actor's scope
(again after the write), writes its audit event, and does nothing when nothing changes.
Invalid input raises ``ValidationError`` with a Chinese message naming the field.
"""

from orgs.services.organizations import (
    FACT_FIELDS,
    LOCK_NOT_AVAILABLE,
    ORGANIZATION_FIELDS,
    PEOPLE_FIELDS,
    facts_save,
    organization_create,
    organization_dissolve,
    organization_lock,
    organization_merge,
    organization_move,
    organization_update,
    organizations_lock,
    organizations_update_many,
)
from orgs.services.people import (
    InitialPasswordHasher,
    can_issue_password,
    initial_password_grouped,
    initial_passwords_issue,
    password_change_required,
    role_assignment_create,
    role_assignment_delete,
    user_create,
    user_password_change,
)

__all__ = [
    "InitialPasswordHasher",
    "can_issue_password",
    "initial_password_grouped",
    "initial_passwords_issue",
    "password_change_required",
    "user_password_change",
    "ORGANIZATION_FIELDS",
    "FACT_FIELDS",
    "LOCK_NOT_AVAILABLE",
    "organization_lock",
    "organizations_lock",
    "organization_create",
    "organization_update",
    "PEOPLE_FIELDS",
    "organizations_update_many",
    "organization_move",
    "organization_dissolve",
    "organization_merge",
    "facts_save",
    "role_assignment_create",
    "role_assignment_delete",
    "user_create",
]
