"""What an organization-list import would do, found before anything is written: the preview.

``tree_import_plan`` reads no more than the level's subtree (and, for the file's codes, whether
they are used elsewhere). Every problem names its row and column in Chinese; the plan lists the
organizations created, renamed or edited, moved, the basic facts recorded, and the level's
organizations the file leaves out (offered for dissolving, never dissolved without being asked).
The commit (``writing``) runs the same plan again inside its transaction.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from orgs.choices import Sector
from orgs.importing.columns import COLUMNS_BY_KEY, FACT_KEYS, kind_from_name, kind_of, sector_of
from orgs.importing.reading import Problem, TreeReading, TreeRow
from orgs.models import Organization, OrganizationFacts

FIELDS = ("name", "short_name", "kind", "sector", "established_on", "secretary", "first_secretary")
TEXT_FIELDS = ("short_name", "secretary", "first_secretary")
LIMITS = {"code": 64, "name": 200, "short_name": 100, "secretary": 64, "first_secretary": 64}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$")
LISTED = 500  # changes of each kind the preview lists one by one


@dataclass
class Existing:
    """An organization of the level as it is now."""

    id: int
    code: str
    parent_id: int | None
    path: str
    active: bool
    fields: dict


@dataclass
class TreePlan:
    reading: TreeReading
    level: Organization
    problems: list[Problem] = field(default_factory=list)
    creates: list[dict] = field(default_factory=list)  # in tree order: a parent before its children
    updates: list[dict] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)  # in the final tree's order
    facts: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    unmapped: dict[str, list[str]] = field(default_factory=dict)  # column → words not understood
    existing: dict[str, Existing] = field(default_factory=dict)
    final: dict[str, str | None] = field(default_factory=dict)  # code → its parent's code, once imported

    @property
    def blocking(self) -> int:
        return sum(problem.blocking for problem in self.problems)

    @property
    def counts(self) -> dict:
        return {"rows": len(self.reading.rows), "created": len(self.creates), "updated": len(self.updates),
                "renamed": sum(1 for update in self.updates if "name" in update["changes"]),
                "moved": len(self.moves), "facts": len(self.facts), "missing": len(self.missing),
                "offered": sum(1 for gone in self.missing if gone["offered"]), "problems": len(self.problems),
                "blocking": self.blocking}

    def summary(self) -> dict:
        """The preview as a job keeps it (JSON)."""
        return {"counts": self.counts, "header_rows": self.reading.header_rows, "ignored": self.reading.ignored,
                "columns": {key: self.reading.letter(key) for key in self.reading.columns},
                "problems": [problem.as_dict() for problem in self.problems],
                "unmapped": self.unmapped,
                "creates": [{k: _json(v) for k, v in create.items() if k != "fields"} for create in self.creates[:LISTED]],
                "updates": [{"row": u["row"], "code": u["code"], "name": u["name"],
                             "changes": {k: [_json(a), _json(b)] for k, (a, b) in u["changes"].items()}}
                            for u in self.updates[:LISTED]],
                "moves": self.moves[:LISTED], "facts": [{k: v for k, v in f.items() if k != "data"}
                                                       for f in self.facts[:LISTED]],
                "missing": self.missing[:LISTED]}


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def whole_number(value) -> int | None:
    """A count as a cell holds it (12, 12.0, "12", " 12 "); None for anything else or below zero."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if value >= 0 else None
    text = "".join(str(value if value is not None else "").split())
    return int(text) if text.isdigit() else None


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    text = "".join(str(value).split())
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    return datetime.date(year, month, day)


def _load_existing(level: Organization) -> dict[str, Existing]:
    rows = Organization.objects.subtree(level.path).values_list(
        "id", "code", "parent_id", "path", "dissolved_on", *FIELDS)
    return {code: Existing(pk, code, parent_id, path, dissolved is None, dict(zip(FIELDS, rest, strict=True)))
            for pk, code, parent_id, path, dissolved, *rest in rows.iterator(chunk_size=5000)}


def _codes_elsewhere(codes: list[str], level: Organization) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 1000):
        found.update(Organization.objects.filter(code__in=codes[start:start + 1000])
                     .exclude(path__startswith=level.path).values_list("code", flat=True))
    return found


class _Planner:
    def __init__(self, reading: TreeReading, level: Organization):
        self.plan = TreePlan(reading=reading, level=level, problems=list(reading.problems))
        self.reading, self.level = reading, level

    def problem(self, message, row: TreeRow | int | None, key: str = "", blocking: bool = True) -> None:
        number = row.number if isinstance(row, TreeRow) else row
        self.plan.problems.append(Problem(str(message), row=number, column=self.reading.letter(key) if key else "",
                                          header=COLUMNS_BY_KEY[key].header if key else "", blocking=blocking))

    def run(self) -> TreePlan:
        plan = self.plan
        if plan.blocking:
            return plan
        plan.existing = existing = _load_existing(self.level)
        by_id = {org.id: org for org in existing.values()}
        rows: dict[str, TreeRow] = {}
        for row in self.reading.rows:
            code = str(row.values.get("code", ""))
            if not code:
                self.problem(_("Official code: the row has no code; every organization needs its official code."), row, "code")
                continue
            if code in rows:
                self.problem(_("Official code: %(code)s is used twice, also at row %(row)d.")
                             % {"code": code, "row": rows[code].number}, row, "code")
                continue
            rows[code] = row
        elsewhere = _codes_elsewhere([code for code in rows if code not in existing], self.level)
        for code in elsewhere:
            self.problem(_("Official code: %(code)s belongs to an organization outside %(level)s; it cannot be "
                           "imported here.") % {"code": code, "level": self.level.name}, rows.pop(code), "code")
        names: dict[str, list[str]] = {}
        for code, row in rows.items():
            names.setdefault(str(row.values.get("name", "")), []).append(code)
        for org in existing.values():
            if org.code not in rows:
                names.setdefault(org.fields["name"], []).append(org.code)
        parents = self._parents(rows, names, elsewhere)
        final = {org.code: by_id[org.parent_id].code if org.parent_id in by_id else None
                 for org in existing.values() if org.active}
        final.update(parents)
        final[self.level.code] = None
        plan.final = final
        depth = self._depths(rows, final)
        for code, row in sorted(rows.items(), key=lambda item: (depth.get(item[0], 1 << 20), item[1].number)):
            self._row(code, row, final.get(code), existing, placed=code in depth)
        self._missing(rows, final, existing)
        return plan

    def _parents(self, rows: dict[str, TreeRow], names: dict[str, list[str]], elsewhere: set[str]) -> dict[str, str]:
        level, existing, parents = self.level, self.plan.existing, {}
        previous: list[tuple[int, str]] = []  # (indent, code) of the rows above, for indentation
        for code, row in sorted(rows.items(), key=lambda item: item[1].number):
            values = row.values
            while previous and previous[-1][0] >= row.indent:
                previous.pop()
            if code == level.code:
                previous.append((row.indent, code))
                continue  # the level itself: its place is not the import's to change
            parent = None
            if "parent_code" in values:
                parent = str(values["parent_code"])
                if parent not in rows and parent not in existing:
                    outside = _codes_elsewhere([parent], level) or parent in elsewhere
                    message = (_("Parent code: %(code)s is outside %(level)s; an import cannot reach beyond its level.")
                               if outside else _("Parent code: no organization has the code %(code)s, in the file or "
                                                  "under %(level)s."))
                    self.problem(message % {"code": parent, "level": level.name}, row, "parent_code")
                    continue
            elif "parent" in values or (row.indent == 0 and row.group):
                key = "parent" if "parent" in values else "name"
                wanted = str(values["parent"]) if "parent" in values else row.group
                found = names.get(wanted, [])
                if wanted in (level.name, level.short_name) or (not found and wanted == "".join(level.name.split())):
                    found = [level.code]
                if len(found) != 1:
                    message = (_("Parent organization: no organization is named %(name)s, in the file or under "
                                 "%(level)s.") if not found else
                               _("Parent organization: %(count)d organizations are named %(name)s; please give the "
                                 "parent's code instead (上级组织代码)."))
                    self.problem(message % {"name": wanted, "level": level.name, "count": len(found)},
                                 row.group_row if key == "name" and "parent" not in values else row, key)
                    continue
                parent = found[0]
            elif row.indent and previous:
                parent = previous[-1][1]
            else:
                parent = level.code
            if parent == code:
                self.problem(_("Parent code: the organization cannot be its own parent."), row, "parent_code")
                continue
            if parent in existing and not existing[parent].active:
                self.problem(_("Parent organization: %(code)s is dissolved and cannot receive subordinates.")
                             % {"code": parent}, row, "parent_code" if "parent_code" in values else "parent")
                continue
            parents[code] = parent
            previous.append((row.indent, code))
        return parents

    def _depths(self, rows: dict[str, TreeRow], final: dict[str, str | None]) -> dict[str, int]:
        """Each row's depth under the level in the final tree; a cycle is a problem at each of its rows."""
        depth: dict[str, int] = {self.level.code: 0}
        for start in rows:
            chain, code = [], start
            while code is not None and code not in depth and code in final and code not in chain:
                chain.append(code)
                code = final[code]
            if code in chain:
                cycle = chain[chain.index(code):]
                listed = " → ".join([*cycle, code])
                for member in cycle:
                    if member in rows and member not in depth:
                        self.problem(_("Parent code: the organizations %(cycle)s are each other's parents (a "
                                       "cycle); an organization cannot be under itself.") % {"cycle": listed},
                                     rows[member], "parent_code" if "parent_code" in self.reading.columns else "parent")
                for member in chain:
                    depth[member] = -1
                continue
            base = depth.get(code, -1) if code is not None else -1
            for offset, member in enumerate(reversed(chain), start=1):
                depth[member] = base + offset if base >= 0 else -1
        return {code: value for code, value in depth.items() if code in rows and value >= 0}

    def _fields(self, row: TreeRow, current: dict | None) -> dict | None:
        """The row's organization fields, checked; None when a cell is wrong (each a problem)."""
        values, columns, fields, ok = row.values, self.reading.columns, {}, True
        for key in ("name", *TEXT_FIELDS):
            if key in columns:
                fields[key] = str(values.get(key, ""))
                if len(fields[key]) > LIMITS[key]:
                    self.problem(_("%(header)s: at most %(limit)d characters.") % {
                        "header": COLUMNS_BY_KEY[key].header, "limit": LIMITS[key]}, row, key)
                    ok = False
        if not fields.get("name") and (current is None or "name" in columns):
            self.problem(_("Name: the row has no name; please type the organization's name."), row, "name")
            ok = False
        for key, parse, guess in (("kind", kind_of, kind_from_name), ("sector", sector_of, None)):
            if key in values:
                found = parse(str(values[key]))
                if found is None:
                    self.plan.unmapped.setdefault(key, [])
                    if str(values[key]) not in self.plan.unmapped[key]:
                        self.plan.unmapped[key].append(str(values[key]))
                    message = (_("Kind: %(word)s is not a kind of organization (党委, 党工委, 党总支, 党支部, 党组).")
                               if key == "kind" else _("Sector: %(word)s is not a sector (村, 社区, 机关, 事业单位, "
                                                       "国企, 金融机构, 非公企业, 社会组织, 高校, 街道, 远程教育站点, 地方)."))
                    self.problem(message % {"word": values[key]}, row, key)
                    ok = False
                else:
                    fields[key] = found
            elif current is None:
                found = guess(fields.get("name", "")) if guess else None
                if found is None:
                    message = (_("Kind: the row has no kind; please type 党委, 党总支, 党支部….") if key == "kind"
                               else _("Sector: the row has no sector; please type 村, 社区, 机关….") )
                    self.problem(message, row, key)
                    ok = False
                else:
                    fields[key] = found
        if "established_on" in columns:
            value = values.get("established_on")
            try:
                fields["established_on"] = parse_date(value) if value not in (None, "") else None
            except (ValueError, TypeError):
                self.problem(_("Established on: %(value)s is not a date (2012-08-01).") % {"value": value},
                             row, "established_on")
                ok = False
        return fields if ok else None

    def _facts(self, code: str, row: TreeRow, org_id: int | None) -> None:
        values = row.values
        given = {key: values[key] for key in FACT_KEYS if key in values}
        if not given:
            return
        year = whole_number(values.get("year"))
        if year is None or not 1921 <= year <= 2100:
            self.problem(_("Year: %(value)s is not a year; the basic facts need the year they are of.")
                         % {"value": values.get("year", "")}, row, "year" if "year" in values else
                         next(iter(given)))
            return
        data, ok = {}, True
        for key, value in given.items():
            if (number := whole_number(value)) is None:
                self.problem(_("%(header)s: %(value)s is not a whole number of 0 or more.")
                             % {"header": COLUMNS_BY_KEY[key].header, "value": value}, row, key)
                ok = False
            data[key] = number
        if not ok:
            return
        current = None
        if org_id is not None:
            current = (OrganizationFacts.objects.filter(organization_id=org_id, year=year)
                       .values("id", *FACT_KEYS).first())
        merged = ({key: current[key] for key in FACT_KEYS} if current else {}) | data
        if "members_total" not in merged:
            self.problem(_("Party members: the basic facts need the number of party members."), row,
                         next(iter(given)))
            return
        for key in ("probationary_members", "female_members", "members_under_35", "college_members"):
            if merged.get(key, 0) > merged["members_total"]:
                self.problem(_("%(header)s: %(value)d is more than the %(total)d party members in total.") % {
                    "header": COLUMNS_BY_KEY[key].header, "value": merged[key],
                    "total": merged["members_total"]}, row, key)
                return
        changes = {key: value for key, value in data.items() if current is None or current[key] != value}
        if changes:
            self.plan.facts.append({"row": row.number, "code": code, "year": year, "data": merged,
                                    "facts_id": current["id"] if current else None, "changes": changes})

    def _row(self, code: str, row: TreeRow, parent: str | None, existing: dict[str, Existing], *, placed: bool) -> None:
        """Check the row's cells; when its place in the tree is known too (``placed``), plan its changes."""
        org = existing.get(code)
        if org is not None and not org.active:
            self.problem(_("Official code: %(code)s is a dissolved organization (%(name)s); it cannot be imported "
                           "again.") % {"code": code, "name": org.fields["name"]}, row, "code")
            return
        fields = self._fields(row, org.fields if org else None)
        if fields is None or not placed:
            return
        if org is None:
            if len(code) > LIMITS["code"]:
                self.problem(_("Official code: at most %(limit)d characters.") % {"limit": LIMITS["code"]}, row, "code")
                return
            self.plan.creates.append({"row": row.number, "code": code, "name": fields["name"], "parent_code": parent,
                                      "fields": fields})
            self._facts(code, row, None)
            return
        changes = {key: (org.fields[key], value) for key, value in fields.items() if org.fields[key] != value}
        if changes:
            self.plan.updates.append({"row": row.number, "code": code, "id": org.id, "name": org.fields["name"],
                                      "changes": changes, "fields": {key: new for key, (_old, new) in changes.items()}})
        if code != self.level.code and parent is not None:
            current = next((o.code for o in [self._by_id(org.parent_id)] if o), None)
            if current != parent:
                self.plan.moves.append({"row": row.number, "code": code, "name": fields.get("name") or org.fields["name"],
                                        "from": current, "to": parent})
        self._facts(code, row, org.id)

    def _by_id(self, pk):
        if not hasattr(self, "_ids"):
            self._ids = {org.id: org for org in self.plan.existing.values()}
        return self._ids.get(pk)

    def _missing(self, rows: dict[str, TreeRow], final: dict[str, str | None], existing: dict[str, Existing]) -> None:
        """The level's active organizations that the file leaves out; offered for dissolving when
        nothing that stays hangs under them."""
        kept_below: set[str] = set()
        for code, parent in final.items():
            if code in rows or (code in existing and code in rows):
                while parent is not None and parent not in kept_below:
                    kept_below.add(parent)
                    parent = final.get(parent)
        for org in sorted(existing.values(), key=lambda o: o.path):
            if org.active and org.code not in rows and org.code != self.level.code:
                self.plan.missing.append({"code": org.code, "name": org.fields["name"], "id": org.id,
                                          "depth": len(org.path), "offered": org.code not in kept_below})


def tree_import_plan(*, level: Organization, reading: TreeReading) -> TreePlan:
    """The plan of importing ``reading`` under ``level``: its problems and changes; nothing is written."""
    return _Planner(reading, level).run()


def sector_label(value: str) -> str:
    return Sector(value).label if value in Sector.values else value
