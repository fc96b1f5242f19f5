"""Importing a ledger file into a cycle: a preview that lists every problem, then one all-or-nothing commit.

``ledger_import_preview`` reads the file (ledgers.reading), matches each row to an organization
graded in the cycle under the importer's level, parses its values and compares them with what is
stored; it writes nothing. ``ledger_import_commit`` runs the same preview inside one transaction and
writes every row or, when any row has a blocking problem, nothing.

What a row writes: the year's basic facts (``OrganizationFacts`` of the cycle's year), the secretary
and first secretary on the organization, and the cycle's ``LedgerEntry``. Empty cells leave the
stored value as it is. Grades are not written: the grading workflow owns them (下管一级, with reasons
and approvals); a grade in the file that differs from a recorded one is a non-blocking warning that
says so. The writes are bulk statements in batches, not one service call per row, so that 100,000
rows stay within a few times the reading of the file; the import writes one audit event with its counts.
"""

import calendar
import contextlib
import datetime
import functools
import gc
import operator
import queue
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.services import audit_record
from cycles import selectors as cycle_selectors
from cycles.models import Cycle, Grading
from ledgers import services
from ledgers.models import LedgerEntry
from ledgers.reading import EXTENSIONS, Problem, Reading, ledger_read, squeeze
from ledgers.selectors import grade_label
from orgs import access
from orgs import services as org_services
from orgs.choices import VenueStatus
from orgs.models import Organization, OrganizationFacts
from standards.choices import Grade

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # 100,000 rows of the Hunan ledger are about 20 MB as .xlsx

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000
MAX_COUNT = 1_000_000  # no count of members or cadres comes near it; the database holds up to 2³¹
BATCH_SIZE = 5000  # rows per COPY (PostgreSQL) or executemany (SQLite)

FACT_FIELDS = ["members_total", "probationary_members", "female_members", "members_under_35", "college_members",
               "leadership_size", "mobile_members", "venue_status", "venue_expected_completion", "main_features",
               "problems"]
ENTRY_FIELDS = list(services.ENTRY_FIELDS)
ORGANIZATION_FIELDS = ["secretary", "first_secretary"]
DATE_FIELDS = frozenset({"venue_expected_completion", "deadline"})
# Lengths the database allows, by import key; a new organization's facts and entry before the row.
LIMITS = {key: model._meta.get_field(key).max_length for model, keys in (
    (Organization, ORGANIZATION_FIELDS), (LedgerEntry, ["assisting_unit", "liaison_leader", "responsible_person"]))
    for key in keys}
EMPTY_FACTS = {"probationary_members": 0, "female_members": 0, "members_under_35": 0, "college_members": 0,
               "leadership_size": 0, "mobile_members": 0, "venue_status": VenueStatus.NONE,
               "venue_expected_completion": None, "main_features": "", "problems": ""}
EMPTY_ENTRY = {"target_grade": "", "measures": "", "deadline": None, "deadline_text": "", "assisting_unit": "",
               "liaison_leader": "", "responsible_person": ""}
COUNT_PARTS = ["probationary_members", "female_members", "members_under_35", "college_members"]


# Values --------------------------------------------------------------------------------------

class BadValue(Exception):
    """A cell that cannot be read; the message says why, for the user."""


# 基本情况: each count after its wording ("女党员8人"), in any order, among any other words.
FACT_WORDINGS = (
    ("members_total", r"共有党员"),
    ("probationary_members", r"预备党员"),
    ("female_members", r"女党员"),
    ("members_under_35", r"35岁(?:及)?以下(?:的)?党员"),
    ("college_members", r"大专(?:及|以)(?:以)?上(?:学历)?(?:的)?党员"),
    ("leadership_size", r"班子成员"),
)
FACT_COUNTS = tuple(name for name, _wording in FACT_WORDINGS)
# One pattern with a named group per count, so that a text is scanned once.
FACT_PATTERN = re.compile("|".join(f"{wording}(?P<{name}>\\d+)[人名]" for name, wording in FACT_WORDINGS))
# The sentence as the sample writes it and as ledgers.selectors.basic_facts_text writes it back, any
# count but the first left out: "支部共有党员75人，其中预备党员7人，…，班子成员5人。". One match reads
# it in half the time of the scan, which finds the same counts in it (test_importing_values).
# Its counts have at most six digits (below MAX_COUNT): a larger one is left to the scan, which refuses it.
FACT_SENTENCE = re.compile(f"支部{FACT_WORDINGS[0][1]}(\\d{{1,6}})[人名](?:[，,]?其中)?" + "".join(
    f"(?:[，,、；;]?{wording}(\\d{{1,6}})[人名])?" for _name, wording in FACT_WORDINGS[1:]) + "[。.；;]?")


def parse_basic_facts(text: str) -> dict[str, int]:
    """"支部共有党员75人，其中预备党员7人，…，班子成员5人。" → the six counts; a part not written is 0."""
    squeezed = squeeze(text)
    sentence = FACT_SENTENCE.fullmatch(squeezed)
    if sentence is not None:
        # Both have a name or a group for each wording, in its order; no count has more than six digits.
        return dict(zip(FACT_COUNTS, map(int, sentence.groups("0")), strict=False))
    counts = scan_basic_facts(squeezed)
    if (largest := max(counts.values())) > MAX_COUNT:
        raise BadValue(_("%(value)s is more than %(most)d.") % {"value": largest, "most": MAX_COUNT})
    return counts


def scan_basic_facts(text: str) -> dict[str, int]:
    """The counts of a 基本情况 in any wording: the first mention of each; the total is required."""
    counts = dict.fromkeys(FACT_COUNTS, 0)
    found = set()
    for match in FACT_PATTERN.finditer(text):
        if match.lastgroup not in found:  # the first mention of each count
            found.add(match.lastgroup)
            counts[match.lastgroup] = int(match.group(match.lastgroup))
    if "members_total" not in found:
        raise BadValue(_("the number of party members is missing (write it as 支部共有党员N人)."))
    return counts


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _date(year: int, month: int, day: int | None = None) -> datetime.date:
    try:
        return month_end(year, month) if day is None else datetime.date(year, month, day)
    except ValueError:
        raise BadValue(_("there is no such date.")) from None


NONE_WORDS = frozenset({"无", "没有", "-", "—", "——", "－", "/", "／"})  # how a ledger writes "none" in a count


def parse_whole_number(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    text = squeeze(str(value)).removesuffix("人").removesuffix("名")
    if text in NONE_WORDS:
        return 0
    if re.fullmatch(r"\d+(?:\.0+)?", text):  # 11.0, as some programs write a whole number
        number = int(text.split(".")[0])
        if number <= MAX_COUNT:
            return number
        raise BadValue(_("%(value)s is more than %(most)d.") % {"value": value, "most": MAX_COUNT})
    raise BadValue(_("%(value)s is not a whole number of 0 or more.") % {"value": value})


@functools.lru_cache(maxsize=4096)  # typed ledgers repeat their wordings row after row
def parse_venue(value) -> tuple[str, datetime.date | None]:
    """活动场所情况: 已建 → built; "2012年8月完工" → under construction until the month's end; 没有/未建 → none."""
    text = squeeze(str(value))
    if text in ("已建", "已建成", "已建好", "有", "建成"):
        return VenueStatus.BUILT, None
    if text in ("没有", "未建", "无", "无活动场所", "没有活动场所"):
        return VenueStatus.NONE, None
    found = re.fullmatch(r"(?:在建[，,]?(?:预计)?)?(\d{4})年(\d{1,2})月(?:底|前|底前)?(?:完工|建成|竣工)", text)
    if found:
        return VenueStatus.UNDER_CONSTRUCTION, _date(int(found.group(1)), int(found.group(2)))
    if isinstance(value, datetime.date):
        return VenueStatus.UNDER_CONSTRUCTION, value
    raise BadValue(_("write 已建, 没有, or the month the venue will be finished (2012年8月完工)."))


@functools.lru_cache(maxsize=4096)  # typed ledgers repeat their wordings row after row
def parse_deadline(value) -> tuple[datetime.date, str]:
    """整改时限 → (the date it means, the text as written, kept when it is not a plain date)."""
    if isinstance(value, datetime.date):
        return value, ""
    text = squeeze(str(value))
    if found := re.fullmatch(r"(\d{4})年(?:底|末|年底|内|下半年)(?:前)?(?:完成)?", text):
        return _date(int(found.group(1)), 12, 31), text
    if found := re.fullmatch(r"(\d{4})年上半年(?:前)?", text):
        return _date(int(found.group(1)), 6, 30), text
    if found := re.fullmatch(r"(\d{4})年(\d{1,2})月(?:底|末|前|底前)?", text):
        return _date(int(found.group(1)), int(found.group(2))), text
    if found := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日(前)?", text):
        date = _date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        # "2012年8月15日" is how a plain date is shown; only a qualified text is kept as written.
        return date, text if found.group(4) else ""
    if found := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        return _date(int(found.group(1)), int(found.group(2)), int(found.group(3))), ""
    # 2012.12, 2012/12, 2012-12 typed as text. A number cell keeps 2012.10 as 2012.1, and a CSV file saved
    # from it writes "2012.1": October and January cannot be told apart there, so 2012.1 is refused.
    if isinstance(value, str) and (found := re.fullmatch(r"(\d{4})([-/.])(\d{1,2})(?:月)?(?:底|末|前)?", text)) \
            and (found.group(2), found.group(3)) != (".", "1"):
        return _date(int(found.group(1)), int(found.group(3))), text
    raise BadValue(_("write a date such as 2012年底, 2012年8月, 2012年8月15日 or 2012-08-15."))


@functools.cache
def _grade_words() -> dict[str, str]:
    """Every way a grade is written (its Chinese and English label, its code name) → its code name."""
    words = {}
    for grade in Grade:
        words[squeeze(grade.value).lower()] = grade.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                words.setdefault(squeeze(str(grade.label)).lower(), grade.value)
    return words


@functools.lru_cache(maxsize=1024)  # a ledger writes its few grades row after row
def parse_grade(value, allowed: tuple[str, ...]) -> str:
    code = _grade_words().get(squeeze(str(value)).lower())
    if code is None or code not in allowed:
        raise BadValue(_("%(value)s is not a grade of this organization's standard (%(grades)s).") % {
            "value": value, "grades": "、".join(grade_label(grade) for grade in allowed)})
    return code


# Matching ------------------------------------------------------------------------------------


@dataclass(slots=True)  # made once per row
class Target:
    """An organization graded in the cycle under the level, in plain values."""

    organization_id: int
    grading_id: int
    code: str
    name: str
    short_name: str
    path: str
    sector: str
    children_count: int
    secretary: str
    first_secretary: str
    declared_grade: str
    final_grade: str


NO_TARGET = Target(0, 0, "", "", "", "", "", 0, "", "", "", "")  # a row whose organization is not found


@dataclass(slots=True)  # made once per row
class RowPlan:
    """What one row changes: the organization's fields, its year's facts, its cycle's ledger entry."""

    row: int
    target: Target
    organization: dict = field(default_factory=dict)  # changed fields only
    facts: dict | None = None  # all fields after the change, when the row changes them
    facts_id: int | None = None
    entry: dict | None = None
    entry_id: int | None = None
    facts_before: dict | None = None  # what is stored, for the preview's list of changes
    entry_before: dict | None = None


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


class _Matcher:
    """Finds a row's organization: by code, else by name under the group row's organization, else by
    name anywhere under the level (an ambiguous name is a problem)."""

    def __init__(self, targets: list[Target]):
        self.by_code = {target.code: target for target in targets}
        self.by_name: dict[str, list[Target]] = defaultdict(list)
        for target in targets:
            self.by_name[squeeze(target.name)].append(target)
        self.targets = targets
        self.groups: dict[tuple[str, str], Target | None] = {}

    def group(self, name: str, code: str) -> Target | None:
        """土市乡 → 中共蓝山县土市乡委员会: the code, the exact name or short name, else the one level whose name holds it."""
        key = (name, code)
        if key not in self.groups:
            found = self.by_code.get(code) if code else None
            if found is None and name:
                exact = [t for t in self.targets if squeeze(t.name) == name or squeeze(t.short_name) == name]
                if not exact:
                    exact = [t for t in self.targets if t.children_count and (
                        name in squeeze(t.name) or name in squeeze(t.short_name))]
                found = exact[0] if len(exact) == 1 else None
            self.groups[key] = found
        return self.groups[key]

    def by_row_name(self, name: str, group: Target | None) -> list[Target]:
        candidates = self.by_name.get(name, [])
        if group is not None and len(candidates) > 1:
            inside = [t for t in candidates if t.path.startswith(group.path) and t is not group]
            if inside:
                return inside
        return candidates


def _targets(cycle: Cycle, level: Organization) -> list[Target]:
    rows = Grading.objects.filter(cycle=cycle, organization__path__startswith=level.path,
                                  organization__dissolved_on__isnull=True).values_list(
        "organization_id", "id", "organization__code", "organization__name", "organization__short_name",
        "organization__path", "organization__sector", "organization__children_count", "organization__secretary",
        "organization__first_secretary", "declared_grade", "final_grade").order_by("organization__path")
    return [Target(*row) for row in rows.iterator(chunk_size=5000)]


def _scheme_grades(cycle: Cycle) -> Callable[[str], tuple[str, ...]]:
    """sector → the grades of the standard the cycle uses for it (the default three without one)."""
    by_sector = cycle_selectors.scheme_grades(cycle)
    return lambda sector: by_sector.get(sector, cycle_selectors.DEFAULT_GRADES)


def _can_edit(actor, level: Organization) -> Callable[[Target], bool]:
    if access.can_manage(actor, level):
        return lambda target: True
    return lambda target: access.can_edit_facts(actor, SimpleNamespace(pk=target.organization_id, path=target.path))


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cycle collector while 100,000 rows of small objects are made (none of them in a cycle):
    with the file's cells in memory, each automatic collection walks them all again, some 10 % of an import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def ledger_import_preview(*, actor, cycle: Cycle, level: Organization, filename: str, content: bytes,
                          progress: Progress | None = None, locked: bool = False,
                          write: Callable[[RowPlan], None] | None = None) -> Preview:
    """Read ``content`` and check every row against the cycle's organizations under ``level``; writes nothing.
    ``locked`` (the commit): lock the level once the file is read (and, on PostgreSQL, before what is
    stored is loaded). ``write`` (the commit's writer) is handed each row's changes as soon as they are
    known, while the file has no blocking problem, instead of keeping them in ``plans``.

    The caller has checked that ``actor`` sees the cycle and the level; each matched organization
    must be one whose facts the actor may edit (orgs.access.can_edit_facts), else its row is a problem.
    """
    # What is stored is loaded while a process of its own reads the workbook; PostgreSQL's commit
    # loads it once the level is locked (SQLite's import transaction holds the write lock from its start).
    early = not locked or connection.vendor != "postgresql"
    with ledger_read(filename, content) as reading:
        targets = _targets(cycle, level)
        matcher = _Matcher(targets)
        stored = _stored(cycle, level) if early else None
    preview = Preview(reading=reading)
    try:
        if reading.ok:
            _check_rows(preview, actor=actor, cycle=cycle, level=level, targets=targets, matcher=matcher,
                        stored=stored, progress=progress, locked=locked, write=write)
    finally:
        reading.close()  # a workbook's reader ends, whether its rows were all read or not
    return preview


def _check_rows(preview: Preview, *, actor, cycle: Cycle, level: Organization, targets: list[Target],
                matcher: "_Matcher", stored, progress: Progress | None, locked: bool,
                write: Callable[[RowPlan], None] | None) -> None:
    reading = preview.reading
    if locked:  # from here to the commit's end, edits under the level wait (orgs.services.organization_lock)
        level = org_services.organization_lock(level)
    existing_facts, existing_entries = stored if stored is not None else _stored(cycle, level)
    grades_for = _scheme_grades(cycle)
    all_grades = tuple(sorted({grade for target in targets for grade in grades_for(target.sector)}))
    can_edit = _can_edit(actor, level)
    seen: dict[int, int] = {}
    counts = {"rows": 0, "matched": 0, "facts_new": 0, "facts_changed": 0, "entries_new": 0,
              "entries_changed": 0, "organizations_changed": 0, "unchanged": 0, "warnings": 0}
    # Each row is read from the sheet as it comes, checked and (the commit) sent to the writer.
    for done, sheet_row in enumerate(reading.data_rows(), start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, max(done, reading.expected))
        target = _match(reading, matcher, sheet_row, level)
        if target is None:  # its values are still checked, so that one upload shows every problem
            _plan(reading, sheet_row, None, all_grades, None, None, cycle.year)
            continue
        number = sheet_row.number
        if target.organization_id in seen:
            reading.problem(_("%(name)s is already on row %(row)d; each organization may appear once.") % {
                "name": target.name, "row": seen[target.organization_id]}, row=number, key=_name_key(reading))
            continue
        seen[target.organization_id] = number
        if not can_edit(target):
            reading.problem(_("You may not change the facts of %(name)s.") % {"name": target.name}, row=number,
                            key=_name_key(reading))
            continue
        counts["matched"] += 1
        plan = _plan(reading, sheet_row, target, grades_for(target.sector),
                     existing_facts.get(target.organization_id), existing_entries.get(target.organization_id), cycle.year)
        if plan is None:
            continue
        if write is None:
            preview.plans.append(plan)
        elif reading.ok:
            write(plan)
        changed = False
        if plan.organization:
            counts["organizations_changed"] += 1
            changed = True
        if plan.facts is not None:
            counts["facts_changed" if plan.facts_id else "facts_new"] += 1
            changed = True
        if plan.entry is not None:
            counts["entries_changed" if plan.entry_id else "entries_new"] += 1
            changed = True
        if not changed:
            counts["unchanged"] += 1
    counts["rows"] = total = len(reading.rows)
    if progress is not None:
        progress(total, total)
    counts["warnings"] = sum(1 for problem in reading.problems if not problem.blocking)
    counts["problems"] = sum(1 for problem in reading.problems if problem.blocking)
    preview.counts = counts


def _stored(cycle: Cycle, level: Organization) -> tuple[dict[int, tuple[int, dict]], dict[int, tuple[int, dict]]]:
    """The year's facts and the cycle's entries under the level, by organization: (id, fields)."""
    facts = {organization: (pk, dict(zip(FACT_FIELDS, fields, strict=True))) for organization, pk, *fields in
             OrganizationFacts.objects.filter(year=cycle.year, organization__path__startswith=level.path)
             .values_list("organization_id", "id", *FACT_FIELDS).iterator(chunk_size=5000)}
    entries = {organization: (pk, dict(zip(ENTRY_FIELDS, fields, strict=True))) for organization, pk, *fields in
               LedgerEntry.objects.filter(cycle=cycle, organization__path__startswith=level.path)
               .values_list("organization_id", "id", *ENTRY_FIELDS).iterator(chunk_size=5000)}
    return facts, entries


def _name_key(reading: Reading) -> str:
    return "name" if "name" in reading.columns else "code"


def _match(reading: Reading, matcher: _Matcher, sheet_row, level: Organization) -> Target | None:
    values, number = sheet_row.values, sheet_row.number
    code = str(values.get("code") or "")
    name = str(values.get("name") or "")
    if code:
        target = matcher.by_code.get(code)
        if target is None:
            reading.problem(_("No organization with the code %(code)s is graded in this cycle under %(level)s.") % {
                "code": code, "level": level.name}, row=number, key="code")
        elif name and name != squeeze(target.name) and any(other is not target for other in matcher.by_name.get(name, ())):
            # The name is another organization's: names and codes sorted apart, or a code copied onto
            # another row; its values would go to the wrong organization. (Any other name, a short
            # form or a typing variant, is the code's organization's.)
            reading.problem(_("The name %(name)s is not that of the organization with the code %(code)s, which is "
                              "%(official)s. Check that the names and the codes were not sorted apart; an "
                              "organization's name is changed on its own page.") % {
                "name": name, "code": code, "official": target.name}, row=number, key="name")
            return None
        return target
    if not name:
        reading.problem(_("The organization's name is empty."), row=number, key=_name_key(reading))
        return None
    group = matcher.group(sheet_row.group, sheet_row.group_code) if sheet_row.group else None
    candidates = matcher.by_row_name(name, group)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        reading.problem(_("No organization named %(name)s is graded in this cycle under %(level)s.") % {
            "name": name, "level": (group or level).name}, row=number, key="name")
    elif group is not None:  # the group row is there already: only the code tells them apart
        reading.problem(_("%(count)d organizations under %(level)s are named %(name)s; add the column 组织代码 "
                          "to tell them apart.") % {"count": len(candidates), "level": group.name, "name": name},
                        row=number, key="name")
    else:
        reading.problem(_("%(count)d organizations under %(level)s are named %(name)s; add the column 组织代码 "
                          "or a group row to tell them apart.") % {"count": len(candidates), "level": level.name,
                                                                  "name": name}, row=number, key="name")
    return None


def _plan(reading: Reading, sheet_row, target: Target | None, grades: tuple[str, ...], facts: tuple | None,
          entry: tuple | None, year: int) -> RowPlan | None:
    """The row's changes against what is stored (``facts`` and ``entry``: (id, fields) or None); None when
    a value cannot be read (the problem is recorded). Without a ``target`` (an unknown organization)
    only the values themselves are checked."""
    number, values = sheet_row.number, sheet_row.values
    blocking = reading.blocking  # what the row's own problems add to
    if target is None:
        target = NO_TARGET
    plan = RowPlan(row=number, target=target, facts_id=facts[0] if facts else None,
                   entry_id=entry[0] if entry else None, facts_before=facts[1] if facts else None,
                   entry_before=entry[1] if entry else None)

    # Grades: compared with the grading, never written.
    for key, recorded in (("declared_grade", target.declared_grade), ("superior_grade", target.final_grade)):
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
            text = str(values[key])
            if len(text) > LIMITS[key]:
                reading.problem(_("at most %(limit)d characters.") % {"limit": LIMITS[key]}, row=number, key=key)
            elif text != getattr(target, key):
                plan.organization[key] = text

    # The year's basic facts.
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
            given[key] = str(values[key])
    if given and reading.blocking == blocking and target.organization_id:
        current = facts[1] if facts else None
        if current is None and "members_total" not in given:
            reading.problem(_("%(name)s has no basic facts for %(year)d yet; write its 基本情况 (支部共有党员N人…).") % {
                "name": target.name, "year": year},
                row=number, key="basic_facts" if "basic_facts" in reading.columns else _name_key(reading))
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

    # The cycle's ledger entry.
    entry_given: dict = {}
    if "target_grade" in values:
        try:
            entry_given["target_grade"] = parse_grade(values["target_grade"], grades)
        except BadValue as error:
            reading.problem(str(error), row=number, key="target_grade")
    if "deadline" in values:
        try:
            entry_given["deadline"], entry_given["deadline_text"] = parse_deadline(values["deadline"])
        except BadValue as error:
            reading.problem(str(error), row=number, key="deadline")
    for key in ("measures", "assisting_unit", "liaison_leader", "responsible_person"):
        if key in values:
            text = str(values[key])
            limit = LIMITS.get(key)
            if limit and len(text) > limit:
                reading.problem(_("at most %(limit)d characters.") % {"limit": limit}, row=number, key=key)
            entry_given[key] = text
    if entry_given:
        current_entry = entry[1] if entry else None
        after_entry = (current_entry or EMPTY_ENTRY) | entry_given
        if after_entry != current_entry:
            plan.entry = after_entry
    return plan if reading.blocking == blocking and target.organization_id else None


def _warn_counts_cleared(reading: Reading, number: int, current: dict, after: dict) -> None:
    """A 基本情况 that leaves out a count stored as more than 0 sets it to 0: said, not blocking (it may
    be meant, as Jinwei's own exports leave out the counts that are 0)."""
    cleared = [name for name in FACT_COUNTS if current[name] and not after[name]]
    if cleared:
        reading.problem(_("%(fields)s become 0 (they were %(before)s): the 基本情况 does not give them. Write them "
                          "in it if they have not changed.") % {
            "fields": "、".join(str(OrganizationFacts._meta.get_field(name).verbose_name) for name in cleared),
            "before": "、".join(str(current[name]) for name in cleared)}, row=number, key="basic_facts", blocking=False)


# Commit --------------------------------------------------------------------------------------


class ImportRefused(ValidationError):
    """The file has blocking problems: nothing was written. ``problems`` lists them as dicts."""

    def __init__(self, problems: list[dict]):
        super().__init__({"file": _("The file has %(count)d problems; nothing was imported.") % {
            "count": sum(1 for problem in problems if problem["blocking"])}})
        self.problems = problems


@_collector_paused()
def ledger_import_commit(*, actor, cycle: Cycle, level: Organization, filename: str, content: bytes,
                         progress: Progress | None = None) -> dict:
    """Import the file: every row in one transaction, or nothing. Returns the counts; raises ImportRefused.

    The preview runs again inside the transaction, on the data as it is now, and hands each row's
    changes to a writer (``_Writer``) as it goes. Once the file is read, the level is locked
    (orgs.services.organization_lock) until the import ends: two imports into one subtree, and an
    import and the edits of facts and entries under its level, run one after the other.
    """
    with transaction.atomic():
        access.check(actor, level, access.VIEW)
        with _Writer(actor=actor, cycle=cycle) as writer:
            preview = ledger_import_preview(actor=actor, cycle=cycle, level=level, filename=filename,
                                            content=content, progress=progress, locked=True, write=writer.add)
            if not preview.ok:
                raise ImportRefused(preview.problem_dicts())
            writer.finish()
        counts = dict(preview.counts)
        audit_record(actor=actor, obj=cycle, organization=level, action="ledger.import",
                     after={"file": filename, "level": level.pk, **{key: value for key, value in counts.items()}})
    return counts


@dataclass
class _Batch:
    """One kind of write (an insert into, or an update of, one table): its statements and the rows
    gathered for it. An update's rows end with the id."""

    statement: str  # SQLite: an INSERT or UPDATE run per row; PostgreSQL: a COPY
    types: list[str] = field(default_factory=list)  # PostgreSQL: the columns' types, for COPY's binary format
    dates: list[int] = field(default_factory=list)  # SQLite: the indexes of the dates, adapted by the writer
    create: str = ""  # PostgreSQL's update: the temporary table the rows are copied into …
    update: tuple[str, ...] = ()  # … and the UPDATE … FROM it, once every row is there
    rows: list[list] = field(default_factory=list)
    sent: int = 0


def _batch(model, verb: str, fields: list[str]) -> _Batch:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(model._meta.get_field(name).column) for name in fields]
    if connection.vendor != "postgresql":
        if verb == "insert":
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})"
        else:
            statement = f"UPDATE {table} SET {', '.join(f'{column} = ?' for column in columns)} WHERE id = ?"
        return _Batch(statement, dates=[index for index, name in enumerate(fields) if name in DATE_FIELDS])
    types = [_COLUMN_TYPE.sub("", model._meta.get_field(name).db_type(connection)) for name in fields]
    if verb == "insert":
        return _Batch(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)", types=types)
    temporary = quote(f"import_{model._meta.db_table}")
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    return _Batch(f"COPY {temporary} ({', '.join(columns)}, id) FROM STDIN (FORMAT BINARY)",
                  types=[*types, model._meta.pk.db_type(connection)],
                  create=f"CREATE TEMPORARY TABLE {temporary} AS SELECT id, {', '.join(columns)} FROM {table} WITH NO DATA",
                  update=(f"UPDATE {table} SET {assignments} FROM {temporary} AS v WHERE {table}.id = v.id",
                          f"DROP TABLE {temporary}"))


_COLUMN_TYPE = re.compile(r"\(.*\)")  # varchar(64) → varchar, the name psycopg knows the type by


class _Writer:
    """The commit's writes, in batches, sent while the preview still checks the rows after them.

    PostgreSQL: a thread of its own sends each batch through the request's connection, inside its
    transaction (the preview does not touch the database meanwhile), so that the database server
    works on one core while Python checks rows on the other. The foreign keys of each batch are
    checked as it is written (SET CONSTRAINTS ALL IMMEDIATE), beside the preview, not at the commit.
    The rows are copied (``COPY … FROM STDIN`` in the binary format: psycopg turns each value into
    its column's type, a seventh of the time the text format takes); an update copies into a
    temporary table, and ``finish`` runs one UPDATE … FROM it.

    SQLite works inside this process and needs the interpreter for every row, so a thread would only
    wait for it: each batch is written at once, one prepared INSERT or UPDATE … WHERE id per row
    through ``executemany`` (Django's bulk_update builds a CASE per field per row, a hundred times
    slower at 100,000 rows).

    Once the file has a blocking problem, the preview sends nothing more: the transaction is rolled back anyway.
    """

    def __init__(self, *, actor, cycle: Cycle):
        self.cycle_id, self.year, self.actor_id = cycle.pk, cycle.year, actor.pk
        self.postgresql = connection.vendor == "postgresql"
        now = timezone.now()
        self.now = now if self.postgresql else connection.ops.adapt_datetimefield_value(now)
        self.adapt_date = connection.ops.adapt_datefield_value
        self.organizations = _batch(Organization, "update", [*ORGANIZATION_FIELDS, "updated_at"])
        self.new_facts = _batch(OrganizationFacts, "insert", ["organization", "year", *FACT_FIELDS, "updated_at"])
        self.facts = _batch(OrganizationFacts, "update", [*FACT_FIELDS, "updated_at"])
        self.new_entries = _batch(LedgerEntry, "insert", ["cycle", "organization", *ENTRY_FIELDS, "updated_by",
                                                          "updated_at"])
        self.entries = _batch(LedgerEntry, "update", [*ENTRY_FIELDS, "updated_by", "updated_at"])
        self.batches = (self.organizations, self.new_facts, self.facts, self.new_entries, self.entries)
        self.facts_values, self.entry_values = operator.itemgetter(*FACT_FIELDS), operator.itemgetter(*ENTRY_FIELDS)
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="ledger-import-writer", daemon=True)
        self.error: BaseException | None = None

    def __enter__(self):
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()  # the connection itself: ``connection`` is per thread
        if self.postgresql:
            self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.thread.start()
        return self

    def __exit__(self, *exc_info):
        if self.thread.is_alive():  # the preview failed: the thread stops before the transaction is rolled back
            self.queue.put(None)
            self.thread.join()
        self.cursor.close()

    def add(self, plan: RowPlan) -> None:
        """One row's changes; a batch is sent once it is full."""
        if self.error is not None:
            return
        target = plan.target
        if plan.organization:
            self._add(self.organizations, [plan.organization.get(name, getattr(target, name))
                                           for name in ORGANIZATION_FIELDS] + [self.now, target.organization_id])
        if plan.facts is not None:
            if plan.facts_id is None:
                self._add(self.new_facts, [target.organization_id, self.year, *self.facts_values(plan.facts),
                                           self.now])
            else:
                self._add(self.facts, [*self.facts_values(plan.facts), self.now, plan.facts_id])
        if plan.entry is not None:
            if plan.entry_id is None:
                self._add(self.new_entries, [self.cycle_id, target.organization_id, *self.entry_values(plan.entry),
                                             self.actor_id, self.now])
            else:
                self._add(self.entries, [*self.entry_values(plan.entry), self.actor_id, self.now, plan.entry_id])

    def _add(self, batch: _Batch, row: list) -> None:
        batch.rows.append(row)
        if len(batch.rows) == BATCH_SIZE:
            self._send(batch)

    def _send(self, batch: _Batch) -> None:
        rows, batch.rows = batch.rows, []
        batch.sent += len(rows)
        if self.postgresql:
            self.queue.put((batch, rows))
        else:
            self._write(batch, rows)

    def finish(self) -> None:
        """Send what is left and wait for the thread; then PostgreSQL's updates run from their
        temporary tables, and its foreign keys are deferred again."""
        for batch in self.batches:
            if batch.rows:
                self._send(batch)
        if self.postgresql:
            self.queue.put(None)
            self.thread.join()
            if self.error is not None:
                with connection.wrap_database_errors:
                    raise self.error
            for batch in self.batches:
                if batch.sent:
                    for statement in batch.update:
                        self.cursor.execute(statement)
            self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self._write(*item)
                except BaseException as error:  # noqa: BLE001 - raised again by finish, in the request's thread
                    self.error = error

    def _write(self, batch: _Batch, rows: list[list]) -> None:
        if not self.postgresql:
            for row in rows:
                for index in batch.dates:
                    row[index] = self.adapt_date(row[index])
            with connection.wrap_database_errors:
                self.cursor.executemany(batch.statement, rows)
            return
        if batch.create:
            self.cursor.execute(batch.create)
            batch.create = ""
        with self.cursor.copy(batch.statement) as copy:
            copy.set_types(batch.types)
            for row in rows:
                copy.write_row(row)


# What the check lists: ledgers.jobs runs the check and the commit as jobs ----------------------


CHANGES_LISTED = 500  # rows whose changes the preview lists, field by field


def plan_changes(plan: RowPlan) -> list[tuple[str, str, str]]:
    """What a row changes, for people: (the field's name, what is stored, what the file brings), one per
    field that changes; for a new record, its fields that the file fills."""
    changes = [(str(Organization._meta.get_field(name).verbose_name), getattr(plan.target, name), value)
               for name, value in plan.organization.items()]
    for model, names, after, before in ((OrganizationFacts, FACT_FIELDS, plan.facts, plan.facts_before),
                                        (LedgerEntry, ENTRY_FIELDS, plan.entry, plan.entry_before)):
        for name in names if after else ():
            value, old = after[name], before[name] if before else None
            if value != old and (before is not None or value not in ("", None, 0, VenueStatus.NONE)):
                changes.append((str(model._meta.get_field(name).verbose_name), _shown(name, old), _shown(name, value)))
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


def upload_check(*, name: str, size: int) -> None:
    """Refuse a file that cannot be a ledger before reading it: its kind by name, its size."""
    if not (name or "").lower().endswith(EXTENSIONS):
        raise ValidationError({"file": _("Ledger file: please choose an .xlsx, .xls or .csv file.")})
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("Ledger file: the file is larger than 50 MB.")})
