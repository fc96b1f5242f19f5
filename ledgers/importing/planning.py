"""What each row of a ledger file would change, checked against what is stored: the preview.

``ledger_import_preview`` reads the file (ledgers.reading), matches each row to an organization
graded in the cycle under the importer's level (``matching``), parses its values (``values``) and
compares them with what is stored; it writes nothing. The commit (``writing``) runs the same
checks and hands each row's plan to its writer.

A row may change the year's basic facts (``OrganizationFacts`` of the cycle's year), the secretary
and first secretary on the organization, and the organization's plan of the cycle (``plans``: through
rectification's services, which the preview runs in a transaction it rolls back). Empty cells leave
the stored value as it is. Grades are not written: the grading workflow owns them (下管一级, with
reasons and approvals); a grade in the file that differs from a recorded one is a non-blocking
warning that says so.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from cycles import selectors as cycle_selectors
from cycles.models import Cycle
from ledgers.importing.matching import UNKNOWN, GradedOrganization, Matcher, graded_organizations, name_key
from ledgers.importing.plans import PLAN_KEYS, PlanChange, plan_apply, plan_change, shown
from ledgers.importing.values import (
    FACT_COUNTS,
    BadValue,
    parse_basic_facts,
    parse_grade,
    parse_venue,
    parse_whole_number,
)
from ledgers.reading import Problem, Reading, ledger_read, normalizer
from ledgers.selectors import grade_label
from orgs import access
from orgs.choices import VenueStatus
from orgs.models import Organization, OrganizationFacts
from rectification import selectors as rectification_selectors
from rectification.models import Measure, Plan
from rectification.selectors import LedgerColumns

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000

FACT_FIELDS = ["members_total", "probationary_members", "female_members", "members_under_35", "college_members",
               "leadership_size", "mobile_members", "venue_status", "venue_expected_completion", "main_features",
               "problems"]
ORGANIZATION_FIELDS = ["secretary", "first_secretary"]
COUNT_PARTS = ["probationary_members", "female_members", "members_under_35", "college_members"]
# Lengths the database allows, by import key.
LIMITS = {key: Organization._meta.get_field(key).max_length for key in ORGANIZATION_FIELDS}
# A new organization's facts before the row.
EMPTY_FACTS = {"probationary_members": 0, "female_members": 0, "members_under_35": 0, "college_members": 0,
               "leadership_size": 0, "mobile_members": 0, "venue_status": VenueStatus.NONE,
               "venue_expected_completion": None, "main_features": "", "problems": ""}
# The plan's fields the preview's list of changes names the columns by.
PLAN_FIELD_NAMES = {"target_grade": Plan._meta.get_field("target_grade"), "measures": Measure._meta.get_field("text"),
                    **{key: Measure._meta.get_field(key) for key in ("deadline", "assisting_unit", "liaison_leader",
                                                                     "responsible_person")}}


@dataclass(slots=True)  # made once per row
class RowPlan:
    """What one row changes: the organization's fields, its year's facts, its plan of the cycle."""

    row: int
    graded: GradedOrganization
    organization: dict = field(default_factory=dict)  # changed fields only
    facts: dict | None = None  # all fields after the change, when the row changes them
    facts_id: int | None = None
    plan: PlanChange | None = None
    facts_before: dict | None = None  # what is stored, for the preview's list of changes


@dataclass
class Preview:
    """The outcome of reading and checking a file: the problems, and what a commit would write."""

    reading: Reading
    plans: list[RowPlan] = field(default_factory=list)  # the preview's; the commit's go to its writer instead
    counts: dict = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return sorted(self.reading.problems, key=lambda problem: (problem.row or 0, problem.column))

    @property
    def ok(self) -> bool:
        return self.reading.ok

    def problem_dicts(self) -> list[dict]:
        return [problem.as_dict() for problem in self.problems]


Stored = dict[int, tuple[int, dict]]  # organization id → (the row's id, its fields)


def stored_rows(cycle: Cycle, level: Organization) -> tuple[Stored, dict[int, LedgerColumns]]:
    """The year's facts and the plans' rectification columns under the level, by organization."""
    facts = {organization: (pk, dict(zip(FACT_FIELDS, fields, strict=True))) for organization, pk, *fields in
             OrganizationFacts.objects.filter(year=cycle.year, organization__path__startswith=level.path)
             .values_list("organization_id", "id", *FACT_FIELDS).iterator(chunk_size=5000)}
    return facts, rectification_selectors.ledger_columns(cycle=cycle, level=level)


def ledger_import_preview(*, actor, cycle: Cycle, level: Organization, filename: str, content: bytes,
                          progress: Progress | None = None, write: Callable[[RowPlan], None] | None = None,
                          before_stored: Callable[[], None] | None = None) -> Preview:
    """Read ``content`` and check every row against the cycle's organizations under ``level``; writes nothing.
    ``write`` (the commit's writer) is handed each row's changes as soon as they are known, while the
    file has no blocking problem, instead of keeping them in ``plans``. ``before_stored`` (the commit's
    lock) runs before what is stored is loaded, while the file is being read.

    The caller has checked that ``actor`` sees the cycle and the level; each matched organization
    must be one whose facts the actor may edit (orgs.access.can_edit_facts), else its row is a problem.
    """
    with ledger_read(filename, content) as reading:  # what is stored is loaded while the file is read
        if before_stored is not None:
            before_stored()
        organizations = graded_organizations(cycle, level)
        stored = stored_rows(cycle, level)
    preview = Preview(reading=reading)
    try:
        if reading.ok:
            # The plans' changes go through rectification's services, whose checks need their writes: the
            # preview makes them and rolls them back; the commit's transaction keeps them.
            with transaction.atomic():
                _check_rows(preview, actor=actor, cycle=cycle, level=level, organizations=organizations,
                            stored=stored, progress=progress, write=write)
                if write is None:
                    transaction.set_rollback(True)
    finally:
        reading.close()
    return preview


def _check_rows(preview: Preview, *, actor, cycle: Cycle, level: Organization,
                organizations: list[GradedOrganization], stored: tuple[Stored, dict], progress: Progress | None,
                write: Callable[[RowPlan], None] | None) -> None:
    reading = preview.reading
    matcher = Matcher(organizations, level)
    existing_facts, existing_plans = stored
    grades_by_sector = cycle_selectors.scheme_grades(cycle)

    def grades_for(sector: str) -> tuple[str, ...]:
        return grades_by_sector.get(sector, cycle_selectors.DEFAULT_GRADES)

    all_grades = tuple(sorted({grade for graded in organizations for grade in grades_for(graded.sector)}))
    manages_level = access.can_manage(actor, level)
    seen: dict[int, int] = {}
    counts = {"rows": 0, "matched": 0, "facts_new": 0, "facts_changed": 0, "plans_new": 0,
              "plans_changed": 0, "organizations_changed": 0, "unchanged": 0, "warnings": 0}
    # Each row is read from the sheet as it comes, checked and (the commit) handed to the writer.
    for done, sheet_row in enumerate(reading.data_rows(), start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, max(done, reading.expected))
        graded = matcher.match(reading, sheet_row)
        if graded is None:  # its values are still checked, so that one upload shows every problem
            _plan(reading, sheet_row, None, all_grades, None, None, year=cycle.year, may_manage=False)
            continue
        number = sheet_row.number
        if graded.organization_id in seen:
            reading.problem(_("%(name)s is already on row %(row)d; each organization may appear once.") % {
                "name": graded.name, "row": seen[graded.organization_id]}, row=number, key=name_key(reading))
            continue
        seen[graded.organization_id] = number
        if not (manages_level or access.can_edit_facts(actor, graded)):
            reading.problem(_("You may not change the facts of %(name)s.") % {"name": graded.name}, row=number,
                            key=name_key(reading))
            continue
        counts["matched"] += 1
        plan = _plan(reading, sheet_row, graded, grades_for(graded.sector),
                     existing_facts.get(graded.organization_id), existing_plans.get(graded.organization_id),
                     year=cycle.year, may_manage=manages_level or access.can_manage(actor, graded))
        if plan is None:
            continue
        if plan.plan is not None and not plan_apply(actor=actor, cycle=cycle, organization_id=graded.organization_id,
                                                    change=plan.plan, reading=reading, number=number):
            continue
        if write is None:
            preview.plans.append(plan)
        elif reading.ok:
            write(plan)
        if plan.organization:
            counts["organizations_changed"] += 1
        if plan.facts is not None:
            counts["facts_changed" if plan.facts_id else "facts_new"] += 1
        if plan.plan is not None:
            counts["plans_changed" if plan.plan.before else "plans_new"] += 1
        if not plan.organization and plan.facts is None and plan.plan is None:
            counts["unchanged"] += 1
    counts["rows"] = total = len(reading.rows)
    if progress is not None:
        progress(total, total)
    counts["warnings"] = sum(1 for problem in reading.problems if not problem.blocking)
    counts["problems"] = sum(1 for problem in reading.problems if problem.blocking)
    preview.counts = counts


def _as_stored(key: str, value: str, stored: str) -> str:
    """The stored text when the cell says the same once both are normalized alike (a multi-line text
    saved from a page with its line breaks as \\r\\n, a name with a space in it), else the cell's."""
    return stored if stored == value or normalizer(key)(stored) == value else value


def _plan(reading: Reading, sheet_row, graded: GradedOrganization | None, grades: tuple[str, ...],
          facts: tuple | None, stored_plan: LedgerColumns | None, *, year: int, may_manage: bool) -> RowPlan | None:
    """The row's changes against what is stored (``facts``: (id, fields) or None; ``stored_plan``: the plan's
    columns or None); None when
    a value cannot be read (the problem is recorded). Without ``graded`` (an unknown organization)
    only the values themselves are checked. ``may_manage``: whether the actor may change the
    organization's own fields (orgs.services.organization_update's rule)."""
    number, values = sheet_row.number, sheet_row.values
    blocking = reading.blocking  # what the row's own problems add to
    if graded is None:
        graded = UNKNOWN
    plan = RowPlan(row=number, graded=graded, facts_id=facts[0] if facts else None,
                   facts_before=facts[1] if facts else None)

    # Grades: compared with the grading, never written.
    for key, recorded in (("declared_grade", graded.declared_grade), ("superior_grade", graded.final_grade)):
        if key in values:
            try:
                grade = parse_grade(values[key], grades)
            except BadValue as error:
                reading.problem(str(error), row=number, key=key)
                continue
            if recorded and grade != recorded:
                reading.problem(_("%(value)s differs from the grade recorded in the grading (%(recorded)s); the import "
                                  "does not change grades: change it in the grading workflow.") % {
                    "value": grade_label(grade), "recorded": grade_label(recorded)},
                    row=number, key=key, blocking=False)

    # The organization's own fields.
    for key in ORGANIZATION_FIELDS:
        if key in values:
            text = _as_stored(key, str(values[key]), getattr(graded, key))
            if len(text) > LIMITS[key]:
                reading.problem(_("at most %(limit)d characters.") % {"limit": LIMITS[key]}, row=number, key=key)
            elif text != getattr(graded, key):
                if graded.organization_id and not may_manage:
                    reading.problem(_("You may not change the %(field)s of %(name)s: only an administrator of a level "
                                      "above it may. Leave the cell as it is (%(stored)s), or ask them.") % {
                        "field": Organization._meta.get_field(key).verbose_name, "name": graded.name,
                        "stored": getattr(graded, key) or "—"}, row=number, key=key)
                plan.organization[key] = text

    # The year's basic facts.
    current = facts[1] if facts else None
    given: dict = {}
    if "basic_facts" in values:
        try:
            given = parse_basic_facts(str(values["basic_facts"]))
        except BadValue as error:
            reading.problem(str(error), row=number, key="basic_facts")
    if "mobile_members" in values:
        try:
            given["mobile_members"] = parse_whole_number(values["mobile_members"])
        except BadValue as error:
            reading.problem(str(error), row=number, key="mobile_members")
    if "venue" in values:
        try:
            given["venue_status"], given["venue_expected_completion"] = parse_venue(values["venue"])
        except BadValue as error:
            reading.problem(str(error), row=number, key="venue")
    for key in ("main_features", "problems"):
        if key in values:
            given[key] = _as_stored(key, str(values[key]), current[key]) if current else str(values[key])
    if given and reading.blocking == blocking and graded.organization_id:
        if current is None and "members_total" not in given:
            reading.problem(_("%(name)s has no basic facts for %(year)d yet; write its 基本情况 (支部共有党员N人…).") % {
                "name": graded.name, "year": year},
                row=number, key="basic_facts" if "basic_facts" in reading.columns else name_key(reading))
        else:
            after = (current or EMPTY_FACTS) | given
            total = after["members_total"]
            for name in COUNT_PARTS:
                if after[name] > total:
                    reading.problem(_("%(part)d %(field)s is more than the %(total)d party members in total.") % {
                        "part": after[name], "field": OrganizationFacts._meta.get_field(name).verbose_name,
                        "total": total}, row=number, key="basic_facts")
                    break
            if after != current:
                plan.facts = after
                if current is not None and "basic_facts" in values:
                    _warn_counts_cleared(reading, number, current, after)

    # The organization's plan of the cycle.
    if any(key in values for key in PLAN_KEYS):
        plan.plan = plan_change(reading, number, values, grades, stored_plan, str(
            values.get("problems") or (current or {}).get("problems") or ""))
    return plan if reading.blocking == blocking and graded.organization_id else None


def _warn_counts_cleared(reading: Reading, number: int, current: dict, after: dict) -> None:
    """A 基本情况 that leaves out a count stored as more than 0 sets it to 0: said, not blocking (it may
    be meant, as Jinwei's own exports leave out the counts that are 0)."""
    cleared = [name for name in FACT_COUNTS if current[name] and not after[name]]
    if cleared:
        reading.problem(_("%(fields)s become 0 (they were %(before)s): the 基本情况 does not give them. Write them "
                          "in it if they have not changed.") % {
            "fields": "、".join(str(OrganizationFacts._meta.get_field(name).verbose_name) for name in cleared),
            "before": "、".join(str(current[name]) for name in cleared)}, row=number, key="basic_facts", blocking=False)


def plan_changes(plan: RowPlan) -> list[tuple[str, str, str]]:
    """What a row changes, for people: (the field's name, what is stored, what the file brings), one per
    field that changes; for a new record, its fields that the file fills."""
    changes = [(str(Organization._meta.get_field(name).verbose_name), getattr(plan.graded, name), value)
               for name, value in plan.organization.items()]
    after, before = plan.facts, plan.facts_before
    for name in FACT_FIELDS if after else ():
        value, old = after[name], before[name] if before else None
        if value != old and (before is not None or value not in ("", None, 0, VenueStatus.NONE)):
            changes.append((str(OrganizationFacts._meta.get_field(name).verbose_name), _shown(name, old),
                            _shown(name, value)))
    if plan.plan is not None:
        for name, value in plan.plan.values.items():
            old = getattr(plan.plan.before, name) if plan.plan.before else ""
            changes.append((str(PLAN_FIELD_NAMES[name].verbose_name), shown(name, old, grade_label),
                            shown(name, value, grade_label)))
    return changes


def _shown(name: str, value) -> str:
    if value is None:
        return ""
    if name == "venue_status":
        return str(VenueStatus(value).label)
    if name == "target_grade":
        return grade_label(value) if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
