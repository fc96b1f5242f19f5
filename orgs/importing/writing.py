"""The commit of an organization-list import: every row, or nothing.

It runs inside one transaction (the job's, core.jobs ``atomic=True``): the level is locked, the
file read and planned again, and refused whole when any problem blocks. New organizations are
written in bulk with their ids, paths and kept-current counts computed beforehand, one audit event
each; edits in bulk, one audit event each; moves go one by one through ``organization_move``,
parents first, so every move keeps that service's rules; the organizations the person chose to
dissolve go through ``organization_dissolve``, deepest first. The kept-current counts of the
level's subtree are then compared with the tree and corrected, and the level's ancestors' grow by
what the level gained.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record_many
from orgs import access, paths, services
from orgs.importing.columns import FACT_KEYS
from orgs.importing.planning import FIELDS, TreePlan, tree_import_plan
from orgs.importing.reading import read_rows
from orgs.models import Organization, OrganizationFacts
from orgs.services import organizations

BATCH = 2000


class ImportRefused(Exception):
    """The file has blocking problems; ``problems`` lists them as the job shows them."""

    def __init__(self, problems: list[dict]):
        super().__init__(_("The file has problems; nothing was imported."))
        self.problems = problems


def _new_ids(count: int) -> list[int]:
    table = Organization._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # the write lock is held
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))


def _counts(final: dict[str, str | None]) -> tuple[dict[str, int], dict[str, int]]:
    """children and descendants of each code in the final tree of active organizations."""
    children: dict[str, int] = {}
    descendants: dict[str, int] = {}
    for parent in final.values():
        if parent is not None:
            children[parent] = children.get(parent, 0) + 1
            while parent is not None:
                descendants[parent] = descendants.get(parent, 0) + 1
                parent = final.get(parent)
    return children, descendants


def _create(actor, plan: TreePlan, progress, reason: str) -> None:
    if not plan.creates:
        return
    children, descendants = _counts(plan.final)
    ids = _new_ids(len(plan.creates))
    known = {code: (org.id, org.path) for code, org in plan.existing.items()}
    organizations, now = [], timezone.now()
    for pk, create in zip(ids, plan.creates, strict=True):
        parent_id, parent_path = known[create["parent_code"]]
        path = paths.child_path(parent_path, pk)
        known[create["code"]] = (pk, path)
        fields = {"short_name": "", "secretary": "", "first_secretary": "", "established_on": None} | create["fields"]
        organizations.append(Organization(
            id=pk, code=create["code"], parent_id=parent_id, path=path, depth=paths.depth_of(path),
            children_count=children.get(create["code"], 0), descendants_count=descendants.get(create["code"], 0),
            created_at=now, updated_at=now, **fields))
    for start in range(0, len(organizations), BATCH):
        Organization.objects.bulk_create(organizations[start:start + BATCH])
        progress(start + BATCH, len(organizations))
    audit_record_many(actor=actor, action="organization.create", reason=reason, changes=[
        (org, org, None, {**{name: _plain(getattr(org, name)) for name in ("code", *FIELDS)}, "parent": org.parent_id})
        for org in organizations])


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _update(actor, plan: TreePlan) -> None:
    if not plan.updates:
        return
    by_id = {update["id"]: update for update in plan.updates}
    changed, events = [], []
    ids = sorted(by_id)
    for start in range(0, len(ids), 1000):
        for org in Organization.objects.select_for_update().filter(pk__in=ids[start:start + 1000]):
            update = by_id[org.pk]
            before = {name: _plain(getattr(org, name)) for name in update["fields"]}
            for name, value in update["fields"].items():
                setattr(org, name, value)
            org.updated_at = timezone.now()
            changed.append(org)
            events.append((org, org, before, {name: _plain(value) for name, value in update["fields"].items()}))
    names = sorted({name for update in plan.updates for name in update["fields"]})
    Organization.objects.bulk_update(changed, [*names, "updated_at"], batch_size=500)
    audit_record_many(actor=actor, action="organization.update", changes=events)


def _move(actor, plan: TreePlan) -> None:
    for move in plan.moves:
        organization = Organization.objects.get(code=move["code"])
        new_parent = Organization.objects.get(code=move["to"])
        services.organization_move(actor=actor, organization=organization, new_parent=new_parent,
                                   reason=_("Moved by an import"))


def _facts(actor, plan: TreePlan) -> None:
    if not plan.facts:
        return
    ids = dict(Organization.objects.filter(code__in=[facts["code"] for facts in plan.facts]).values_list("code", "id"))
    new, changed, events = [], [], []
    existing = {facts.pk: facts for facts in OrganizationFacts.objects.select_for_update().filter(
        pk__in=[facts["facts_id"] for facts in plan.facts if facts["facts_id"]])}
    for facts in plan.facts:
        if facts["facts_id"] is None:
            new.append(OrganizationFacts(organization_id=ids[facts["code"]], year=facts["year"], **facts["data"]))
        else:
            row = existing[facts["facts_id"]]
            before = {name: getattr(row, name) for name in facts["changes"]}
            for name, value in facts["changes"].items():
                setattr(row, name, value)
            changed.append(row)
            events.append((row, row.organization_id, before, dict(facts["changes"])))
    OrganizationFacts.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        OrganizationFacts.objects.bulk_update(changed, sorted({n for f in plan.facts for n in f["changes"]}), batch_size=500)
    organizations = {org.pk: org for org in Organization.objects.filter(pk__in=set(ids.values()))}
    audit_record_many(actor=actor, action="facts.create", changes=[
        (row, organizations[row.organization_id], None, {"year": row.year, **{k: getattr(row, k) for k in FACT_KEYS}})
        for row in new])
    audit_record_many(actor=actor, action="facts.update", changes=[
        (row, organizations[org_id], before, after) for row, org_id, before, after in events])


def counts_correct(level: Organization) -> int:
    """Set the kept-current counts of the level's subtree to what the tree holds; the level's ancestors'
    descendants grow by what the level's changed. Returns how many rows were corrected."""
    rows = list(Organization.objects.subtree(level.path).order_by("-path").values_list(
        "id", "parent_id", "dissolved_on", "children_count", "descendants_count"))
    children: dict[int, int] = {}
    descendants: dict[int, int] = {}
    for pk, parent_id, dissolved, _children, _descendants in rows:  # deepest first: a child before its parent
        if dissolved is None and pk != level.pk:
            children[parent_id] = children.get(parent_id, 0) + 1
            descendants[parent_id] = descendants.get(parent_id, 0) + 1 + descendants.get(pk, 0)
    wrong = [Organization(id=pk, children_count=children.get(pk, 0), descendants_count=descendants.get(pk, 0))
             for pk, _parent, _dissolved, has_children, has_descendants in rows
             if (has_children, has_descendants) != (children.get(pk, 0), descendants.get(pk, 0))]
    before = next(row[4] for row in rows if row[0] == level.pk)
    Organization.objects.bulk_update(wrong, ["children_count", "descendants_count"], batch_size=1000)
    gained = descendants.get(level.pk, 0) - before
    if gained:
        organizations._adjust_counts(level.path, descendants=gained)
    return len(wrong)


@transaction.atomic
def tree_import_commit(*, actor, level: Organization, filename: str, content: bytes, progress=lambda done, total: None,
                       dissolve: list[str] = (), dissolved_on: datetime.date | None = None, reason: str = "") -> dict:
    """Import the organization list under ``level``: all of it or nothing (ImportRefused). ``dissolve``:
    codes of the level's organizations the file leaves out that the person chose to dissolve."""
    level = services.organization_lock(level)
    access.check(actor, level, access.MANAGE)
    plan = tree_import_plan(level=level, reading=read_rows(filename, content))
    offered = {gone["code"]: gone for gone in plan.missing if gone["offered"]}
    refused = [{"row": None, "column": "", "header": "", "blocking": True,
                "message": _("%(code)s cannot be dissolved by this import: it is not one of the organizations the "
                             "file leaves out, or others stay under it.") % {"code": code}}
               for code in dissolve if code not in offered]
    if plan.blocking or refused:
        raise ImportRefused([problem.as_dict() for problem in plan.problems if problem.blocking] + refused)
    if dissolve and not reason.strip():
        raise ImportRefused([{"row": None, "column": "", "header": "", "blocking": True,
                              "message": _("Reason: please say why the organizations left out are dissolved.")}])
    _create(actor, plan, progress, _("Imported from %(file)s") % {"file": filename})
    _update(actor, plan)
    _move(actor, plan)
    _facts(actor, plan)
    corrected = counts_correct(level)
    when = dissolved_on or timezone.localdate()
    for gone in sorted((offered[code] for code in set(dissolve)), key=lambda gone: -gone["depth"]):
        services.organization_dissolve(actor=actor, organization=Organization.objects.get(pk=gone["id"]),
                                       dissolved_on=when, reason=reason)
    counts = plan.counts | {"dissolved": len(set(dissolve)), "counts_corrected": corrected}
    progress(len(plan.reading.rows), len(plan.reading.rows))
    return counts
