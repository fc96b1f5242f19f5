"""Writes on the organization tree, its basic facts and role assignments.

Each service runs in one transaction, locks the rows it changes, checks the actor's scope
(again after the write), writes its audit event, and does nothing when nothing changes.
Invalid input raises ``ValidationError`` with a Chinese message naming the field.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record, audit_record_many, changed_fields, snapshot
from orgs import access, paths
from orgs.choices import OrganizationKind, Sector, VenueStatus
from orgs.models import Organization, OrganizationFacts

ORGANIZATION_FIELDS = [
    "name",
    "short_name",
    "code",
    "kind",
    "sector",
    "established_on",
    "secretary",
    "first_secretary",
]
FACT_FIELDS = [
    "members_total",
    "probationary_members",
    "female_members",
    "members_under_35",
    "college_members",
    "leadership_size",
    "mobile_members",
    "venue_status",
    "venue_expected_completion",
    "main_features",
    "problems",
]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _clean_organization_data(data: dict[str, Any], *, actor, exclude_pk: int | None = None) -> dict[str, Any]:
    """Normalize and validate organization fields; raises ValidationError naming each bad field."""
    cleaned = dict(data)
    errors: dict[str, str] = {}
    for name in ("name", "short_name", "code", "secretary", "first_secretary"):
        if name in cleaned:
            cleaned[name] = " ".join(str(cleaned[name] or "").replace("\u3000", " ").split())
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("Name: please enter the organization's name.")
    if "code" in cleaned:
        if not cleaned["code"]:
            errors["code"] = _("Official code: please enter the organization's official code.")
        else:
            clash = Organization.objects.filter(code=cleaned["code"]).exclude(pk=exclude_pk).first()
            if clash is not None and access.can_view(actor, clash):
                errors["code"] = _("Official code: %(code)s is already used by %(name)s.") % {
                    "code": cleaned["code"],
                    "name": clash.name,
                }
            elif clash is not None:  # outside the actor's scope: say it is taken, not by whom
                errors["code"] = _("Official code: %(code)s is already used.") % {"code": cleaned["code"]}
    if "kind" in cleaned and cleaned["kind"] not in OrganizationKind.values:
        errors["kind"] = _("Kind: %(value)s is not a kind of organization.") % {"value": cleaned["kind"]}
    if "sector" in cleaned and cleaned["sector"] not in Sector.values:
        errors["sector"] = _("Sector: %(value)s is not a sector.") % {"value": cleaned["sector"]}
    for name in ("name", "short_name", "code", "secretary", "first_secretary"):
        limit = Organization._meta.get_field(name).max_length
        if name in cleaned and len(cleaned[name]) > limit:
            errors.setdefault(name, _("%(field)s: at most %(limit)d characters.") % {
                "field": Organization._meta.get_field(name).verbose_name,
                "limit": limit,
            })
    if errors:
        raise ValidationError(errors)
    return cleaned


def _adjust_counts(path: str, *, descendants: int, children: int = 0) -> None:
    """Add to the kept-current counts of the organization at ``path``'s ancestors."""
    ancestor_paths = paths.ancestor_paths(path)
    if descendants and ancestor_paths:
        Organization.objects.filter(path__in=ancestor_paths).update(
            descendants_count=F("descendants_count") + descendants
        )
    if children and ancestor_paths:
        Organization.objects.filter(path=ancestor_paths[-1]).update(children_count=F("children_count") + children)


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's lock_timeout ran out


def organization_lock(organization: Organization) -> Organization:
    """Lock an organization to write it or what hangs on it (its facts, its ledger entry): its ancestors'
    rows FOR KEY SHARE, then its own row FOR UPDATE; returns the row as it is now.

    A ledger import holds its level FOR UPDATE from the end of reading its file to its commit
    (ledgers.importing), so an edit under that level waits for the import to end, and an import
    waits for the edits under way: neither writes over the other with what it read before.
    Ancestors first, so an edit never holds a row the import goes on to write. KEY SHARE, the
    weakest lock, lets the ancestors' counts be updated (``_adjust_counts``) by the edits that hold
    it. On SQLite write transactions run one at a time (IMMEDIATE) anyway.

    On PostgreSQL the transaction waits for a lock at most ``settings.LOCK_WAIT_SECONDS``, under the
    app server's own time limit: then the person is told to try again, instead of their request
    being cut off while a long import holds the level.
    """
    path = organization.path
    postgresql = connection.vendor == "postgresql"
    if postgresql:  # for the rest of the transaction
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{settings.LOCK_WAIT_SECONDS}s"])
    try:
        while True:
            ancestors = paths.ancestor_ids(path)
            if ancestors and postgresql:
                table = connection.ops.quote_name(Organization._meta.db_table)
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY path FOR KEY SHARE", [ancestors])
            locked = Organization.objects.select_for_update().get(pk=organization.pk)
            if locked.path == path:
                return locked
            path = locked.path  # moved meanwhile: lock its ancestors as they are now
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        raise ValidationError(_("%(name)s is being changed by someone else (a ledger import can take a minute or "
                                "two); nothing was saved. Please try again shortly.") % {"name": organization.name}) from None


def organizations_lock(*organizations: Organization) -> list[Organization]:
    """Lock several organizations (``organization_lock``) in tree order, so that two people locking the
    same ones never wait for each other in a circle; returned in the order given."""
    paths_now = dict(Organization.objects.filter(pk__in=[organization.pk for organization in organizations])
                     .values_list("pk", "path"))  # as they are now, not as the caller loaded them
    locked = {organization.pk: organization_lock(organization)
              for organization in sorted(organizations, key=lambda organization: paths_now[organization.pk])}
    return [locked[organization.pk] for organization in organizations]


@transaction.atomic
def organization_create(*, actor, parent: Organization | None, **data: Any) -> Organization:
    """Create an organization under ``parent`` (a root when None: superusers only)."""
    if parent is None:
        _require(access.can_create_root(actor), _("Only a system administrator may create a top-level organization."))
    else:
        parent = organization_lock(parent)
        access.check(actor, parent, access.MANAGE)
        if not parent.is_active:
            raise ValidationError({"parent": _("Parent organization: %(name)s is dissolved.") % {"name": parent.name}})
    missing = [name for name in ("name", "code", "kind", "sector") if name not in data]
    if missing:
        raise ValidationError({name: _("%(field)s: this field is required.") % {
            "field": Organization._meta.get_field(name).verbose_name} for name in missing})
    cleaned = _clean_organization_data(actor=actor, data={name: data.get(name, "") for name in ORGANIZATION_FIELDS} | {
        "established_on": data.get("established_on")})
    organization = Organization(parent=parent, depth=0 if parent is None else parent.depth + 1, **cleaned)
    # The path holds the organization's own id, known only after the insert.
    organization.path = f"~new~{cleaned['code']}"
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        raise ValidationError({"code": _("Official code: %(code)s is already used.") % {"code": cleaned["code"]}}) from None
    organization.path = paths.child_path(parent.path if parent else "", organization.pk)
    organization.save(update_fields=["path"])
    _adjust_counts(organization.path, descendants=1, children=1)
    audit_record(
        actor=actor,
        obj=organization,
        organization=organization,
        action="organization.create",
        after=snapshot(organization, ORGANIZATION_FIELDS + ["parent"]),
    )
    return organization


@transaction.atomic
def organization_update(*, actor, organization: Organization, reason: str = "", **data: Any) -> Organization:
    """Rename or edit an organization's fields (not its place in the tree: see organization_move)."""
    organization = organization_lock(organization)
    access.check(actor, organization, access.MANAGE)
    unknown = set(data) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    cleaned = _clean_organization_data(data, actor=actor, exclude_pk=organization.pk)
    changes = changed_fields(organization, cleaned)
    if not changes:
        return organization
    before = snapshot(organization, list(changes))
    for name, value in changes.items():
        setattr(organization, name, value)
    if organization.dissolved_on and organization.established_on and organization.established_on > organization.dissolved_on:
        raise ValidationError({"established_on": _("Established on: must not be after the dissolution date.")})
    organization.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor,
        obj=organization,
        organization=organization,
        action="organization.update",
        before=before,
        after=snapshot(organization, list(changes)),
        reason=reason,
    )
    return organization


# The organization's own fields that a ledger carries and an import may change (organizations_update_many).
PEOPLE_FIELDS = ["secretary", "first_secretary"]


@transaction.atomic
def organizations_update_many(*, actor, changes: dict[int, dict[str, str]], reason: str = "") -> int:
    """Change the secretary and first secretary of many organizations at once (a ledger import), by
    organization_update's rules: the actor manages each, the names are cleaned and within their
    lengths, one audit event per organization with its before and after. Rows are locked and
    written in bulk; ``changes``: organization id → {field: value}. Returns how many changed."""
    if any(set(fields) - set(PEOPLE_FIELDS) for fields in changes.values()):
        raise ValidationError({name: _("This field cannot be changed here.")
                               for fields in changes.values() for name in set(fields) - set(PEOPLE_FIELDS)})
    changed, events = [], []
    ids = sorted(changes)
    for start in range(0, len(ids), 1000):
        batch = Organization.objects.select_for_update().filter(pk__in=ids[start:start + 1000]).order_by("path")
        for organization in batch:
            access.check(actor, organization, access.MANAGE)
            differences = changed_fields(organization, _clean_organization_data(changes[organization.pk], actor=actor))
            if not differences:
                continue
            before = snapshot(organization, list(differences))
            for name, value in differences.items():
                setattr(organization, name, value)
            organization.updated_at = timezone.now()
            changed.append(organization)
            events.append((organization, organization, before, snapshot(organization, list(differences))))
    Organization.objects.bulk_update(changed, [*PEOPLE_FIELDS, "updated_at"], batch_size=500)
    audit_record_many(actor=actor, action="organization.update", changes=events, reason=reason)
    return len(changed)


@transaction.atomic
def organization_move(*, actor, organization: Organization, new_parent: Organization, reason: str = "") -> Organization:
    """Move an organization and its whole subtree under ``new_parent``, in one UPDATE."""
    organization, new_parent = organizations_lock(organization, new_parent)
    access.check(actor, organization, access.MANAGE)
    access.check(actor, new_parent, access.MANAGE)
    if organization.parent_id is None:
        _require(access.can_create_root(actor), _("Only a system administrator may move a top-level organization."))
    if new_parent.pk == organization.parent_id:
        return organization
    if paths.is_descendant_or_self(new_parent.path, organization.path):
        raise ValidationError({"parent": _(
            "Parent organization: %(target)s is %(name)s itself or one of its subordinates; "
            "an organization cannot be moved under itself."
        ) % {"target": new_parent.name, "name": organization.name}})
    if not organization.is_active or not new_parent.is_active:
        raise ValidationError({"parent": _("Parent organization: a dissolved organization cannot be moved or receive subordinates.")})

    old_path, old_parent_id = organization.path, organization.parent_id
    new_path = paths.child_path(new_parent.path, organization.pk)
    moved = 1 + organization.descendants_count
    Organization.objects.subtree(old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (new_parent.depth + 1 - organization.depth),
    )
    Organization.objects.filter(pk=organization.pk).update(parent=new_parent)
    _adjust_counts(old_path, descendants=-moved, children=-1)
    _adjust_counts(new_path, descendants=moved, children=1)
    organization.refresh_from_db()
    access.check(actor, organization, access.MANAGE)  # still inside the actor's scope after the write
    audit_record(
        actor=actor,
        obj=organization,
        organization=organization,
        action="organization.move",
        before={"parent": old_parent_id},
        after={"parent": new_parent.pk},
        reason=reason,
    )
    return organization


@transaction.atomic
def organization_dissolve(
    *, actor, organization: Organization, dissolved_on: datetime.date, reason: str, merged_into: Organization | None = None
) -> Organization:
    """Dissolve an organization; it stays in the tree for history. Its subordinates must go first."""
    organization = organization_lock(organization)
    access.check(actor, organization, access.MANAGE)
    if not organization.is_active:
        raise ValidationError({"dissolved_on": _("%(name)s is already dissolved.") % {"name": organization.name}})
    if organization.children_count:
        raise ValidationError({"dissolved_on": _(
            "%(name)s still has %(count)d active subordinate organizations; move, merge or dissolve them first."
        ) % {"name": organization.name, "count": organization.children_count}})
    if not reason.strip():
        raise ValidationError({"reason": _("Reason: please say why the organization is dissolved.")})
    if organization.established_on and dissolved_on < organization.established_on:
        raise ValidationError({"dissolved_on": _("Dissolved on: must not be before the establishment date.")})
    organization.dissolved_on = dissolved_on
    organization.merged_into = merged_into
    organization.save(update_fields=["dissolved_on", "merged_into", "updated_at"])
    _adjust_counts(organization.path, descendants=-1, children=-1)
    audit_record(
        actor=actor,
        obj=organization,
        organization=organization,
        action="organization.dissolve",
        before={"dissolved_on": None},
        after={"dissolved_on": dissolved_on.isoformat(), "merged_into": merged_into.pk if merged_into else None},
        reason=reason,
    )
    return organization


@transaction.atomic
def organization_merge(
    *, actor, source: Organization, target: Organization, merged_on: datetime.date, reason: str
) -> Organization:
    """Merge ``source`` into ``target``: its subordinates move under the target, then it is dissolved."""
    source, target = organizations_lock(source, target)
    access.check(actor, source, access.MANAGE)
    access.check(actor, target, access.MANAGE)
    if source.pk == target.pk or paths.is_descendant_or_self(target.path, source.path):
        raise ValidationError({"target": _("Merge into: %(target)s is %(name)s itself or one of its subordinates.") % {
            "target": target.name, "name": source.name}})
    if not source.is_active or not target.is_active:
        raise ValidationError({"target": _("Merge into: a dissolved organization cannot take part in a merge.")})
    for child in source.children.filter(dissolved_on__isnull=True):
        organization_move(actor=actor, organization=child, new_parent=target, reason=reason)
    source.refresh_from_db()
    return organization_dissolve(actor=actor, organization=source, dissolved_on=merged_on, reason=reason, merged_into=target)


def _whole_number(value: Any) -> int | None:
    """A count typed by a person: 12, "12" or " 12 "; None for anything else or below zero."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def _clean_facts(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in FACT_FIELDS:
        field = OrganizationFacts._meta.get_field(name)
        value = data.get(name, field.default if field.has_default() else None)
        label = field.verbose_name
        if name in ("main_features", "problems"):
            cleaned[name] = str(value or "").strip()
        elif name == "venue_status":
            if value not in VenueStatus.values:
                errors[name] = _("%(field)s: choose built, under construction or none.") % {"field": label}
            cleaned[name] = value
        elif name == "venue_expected_completion":
            if value in ("", None):
                value = None
            elif not isinstance(value, datetime.date):
                try:
                    value = datetime.date.fromisoformat(str(value))
                except ValueError:
                    errors[name] = _("%(field)s: %(value)s is not a date (YYYY-MM-DD).") % {"field": label, "value": value}
            cleaned[name] = value
        else:
            number = _whole_number(value)
            if number is None:
                errors[name] = _("%(field)s: enter a whole number of 0 or more.") % {"field": label}
                continue
            cleaned[name] = number
    if not errors:
        total = cleaned["members_total"]
        for name in ("probationary_members", "female_members", "members_under_35", "college_members"):
            if cleaned[name] > total:
                errors[name] = _("%(field)s: %(value)d is more than the %(total)d party members in total.") % {
                    "field": OrganizationFacts._meta.get_field(name).verbose_name,
                    "value": cleaned[name],
                    "total": total,
                }
        if cleaned["venue_status"] == VenueStatus.UNDER_CONSTRUCTION and cleaned["venue_expected_completion"] is None:
            errors["venue_expected_completion"] = _("Venue expected completion: required while the venue is under construction.")
        if cleaned["venue_status"] != VenueStatus.UNDER_CONSTRUCTION:
            cleaned["venue_expected_completion"] = None
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def facts_save(*, actor, organization: Organization, year: int, **data: Any) -> OrganizationFacts:
    """Create or replace an organization's basic facts for one year."""
    organization = organization_lock(organization)
    access.check(actor, organization, access.EDIT_FACTS)
    if not isinstance(year, int) or not 1921 <= year <= 2100:
        raise ValidationError({"year": _("Year: %(value)s is not a valid year.") % {"value": year}})
    cleaned = _clean_facts(data)
    facts = OrganizationFacts.objects.select_for_update().filter(organization=organization, year=year).first()
    if facts is None:
        facts = OrganizationFacts.objects.create(organization=organization, year=year, **cleaned)
        audit_record(actor=actor, obj=facts, organization=organization, action="facts.create",
                     after=snapshot(facts, ["year", *FACT_FIELDS]))
        return facts
    changes = changed_fields(facts, cleaned)
    if not changes:
        return facts
    before = snapshot(facts, list(changes))
    for name, value in changes.items():
        setattr(facts, name, value)
    facts.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=actor, obj=facts, organization=organization, action="facts.update",
                 before=before, after=snapshot(facts, list(changes)))
    return facts
