"""A branch's roster read from a spreadsheet (.xlsx, .xls, .csv): every problem by row and column first,
then every row or nothing.

The header row is found by its names (姓名, 性别, 出生日期, 学历, 入党日期, in any order, with the
optional 党员类别/预备党员, 流动党员, 流动去向, 联系电话, 状态). A row whose name and birth date match an
active member updates that member; any other row adds one. An ID-card column (身份证号) is never read.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record, audit_record_many, snapshot
from core.workbooks import Limits, UnreadableWorkbook, column_letter, workbook_read
from members import services
from members.choices import Education, Gender, MemberStatus
from members.models import Member
from orgs import access as org_access
from orgs import services as org_services

LIMITS = Limits(max_cells=2_000_000)  # 100,000 members × 20 columns
HEADER_ROWS_SEARCHED = 10
PROBLEMS_KEPT = 1000

# key → the header names that mean it (the first is the one the template writes).
HEADERS = {
    "name": ("姓名",),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月"),
    "education": ("学历", "文化程度"),
    "joined_on": ("入党日期", "入党时间"),
    "probationary": ("党员类别", "预备党员", "正式/预备"),
    "mobile": ("流动党员", "是否流动党员"),
    "mobile_where": ("流动去向", "流动地点"),
    "phone": ("联系电话", "手机", "电话"),
    "status": ("状态",),
}
REQUIRED = ("name", "gender", "birth_date", "education", "joined_on")
ID_CARD_HEADERS = ("身份证号", "身份证号码", "公民身份号码")

GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE}
EDUCATION_WORDS = {
    "小学": Education.PRIMARY, "小学及以下": Education.PRIMARY, "文盲": Education.PRIMARY,
    "初中": Education.JUNIOR, "高中": Education.SENIOR, "中专": Education.SENIOR, "高中、中专": Education.SENIOR,
    "中技": Education.SENIOR, "职高": Education.SENIOR, "大专": Education.COLLEGE, "专科": Education.COLLEGE,
    "本科": Education.BACHELOR, "大学": Education.BACHELOR, "大学本科": Education.BACHELOR,
    "研究生": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE, "博士": Education.POSTGRADUATE,
}
YES_WORDS = {"是", "预备", "预备党员", "y", "yes", "1", "true"}
NO_WORDS = {"", "否", "正式", "正式党员", "n", "no", "0", "false"}
STATUS_WORDS = {"": MemberStatus.ACTIVE, "在册": MemberStatus.ACTIVE, "正常": MemberStatus.ACTIVE,
                "转出": MemberStatus.TRANSFERRED_OUT, "已转出": MemberStatus.TRANSFERRED_OUT,
                "去世": MemberStatus.DECEASED, "已去世": MemberStatus.DECEASED, "死亡": MemberStatus.DECEASED}
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$")


@dataclass
class RosterReading:
    """What a file holds for a roster: the rows as members' fields, and every problem by row and column."""

    rows: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    ignored_id_column: str = ""

    def problem(self, row: int | None, key: str, message: str, header: str = "") -> None:
        if len(self.problems) < PROBLEMS_KEPT:
            index = self.columns.get(key)
            self.problems.append({"row": row, "column": column_letter(index) if index is not None else "",
                                  "header": header or (HEADERS[key][0] if key in HEADERS else ""),
                                  "message": str(message), "blocking": True})


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _date(value):
    """A date cell, or a text date (1980-05-01, 1980/5/1, 1980.5, 1980年5月1日); the text itself when not one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = DATE_PATTERN.match(text)
    if not match:
        return text
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return text


def _choice(words: dict, value):
    text = _text(value)
    return words.get(text, words.get(text.lower(), text))


def _flag(value):
    text = _text(value).lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    return None


def _find_header(rows: list[list]) -> tuple[int, dict[str, int], str] | None:
    for number, row in enumerate(rows):
        cells = [_text(cell) for cell in row]
        columns = {}
        id_column = ""
        for index, cell in enumerate(cells):
            for key, names in HEADERS.items():
                if cell in names and key not in columns:
                    columns[key] = index
            if cell in ID_CARD_HEADERS:
                id_column = column_letter(index)
        if all(key in columns for key in REQUIRED):
            return number, columns, id_column
    return None


def roster_read(path: str, *, filename: str, today: datetime.date | None = None, progress=None) -> RosterReading:
    """Read a roster file into members' fields; the problems name each row and column (nothing is written)."""
    today = today or timezone.localdate()
    reading = RosterReading()
    try:
        workbook = workbook_read(path, filename=filename, limits=LIMITS)
    except UnreadableWorkbook as error:
        reading.problem(None, "", str(error))
        return reading
    with workbook:
        if not workbook.sheets:
            reading.problem(None, "", _("The file has no sheet."))
            return reading
        sheet = workbook.sheets[0]
        rows = sheet.rows()
        head = []
        for row in rows:
            head.append(row)
            if len(head) >= HEADER_ROWS_SEARCHED or _find_header(head):
                break
        found = _find_header(head)
        if found is None:
            reading.problem(None, "", _("No header row with %(names)s was found in the first %(rows)s rows.") % {
                "names": "、".join(HEADERS[key][0] for key in REQUIRED), "rows": HEADER_ROWS_SEARCHED})
            return reading
        header_index, reading.columns, reading.ignored_id_column = found
        seen: dict[tuple, int] = {}
        number = header_index + 1
        for row in rows:
            number += 1
            if progress and number % 1000 == 0:
                progress(number, sheet.height)
            cells = {key: row[index] if index < len(row) else "" for key, index in reading.columns.items()}
            if not any(_text(value) for value in cells.values()):
                continue
            _read_row(reading, number, cells, seen, today)
    return reading


def _read_row(reading: RosterReading, number: int, cells: dict, seen: dict, today: datetime.date) -> None:
    data = {
        "name": _text(cells.get("name")),
        "gender": _choice(GENDER_WORDS, cells.get("gender")),
        "birth_date": _date(cells.get("birth_date")),
        "education": _choice(EDUCATION_WORDS, cells.get("education")),
        "joined_on": _date(cells.get("joined_on")),
        "mobile_where": _text(cells.get("mobile_where")),
        "phone": _text(cells.get("phone")),
        "status": _choice(STATUS_WORDS, cells.get("status")),
    }
    bad = False
    for key in ("probationary", "mobile"):
        flag = _flag(cells.get(key))
        if flag is None:
            reading.problem(number, key, _("%(value)s: write 是 or 否 (for 党员类别: 正式 or 预备).") % {
                "value": _text(cells.get(key))})
            bad = True
        data[key] = bool(flag)
    try:
        cleaned = services.member_clean(data, today=today)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            for message in messages:
                reading.problem(number, key, message)
        return
    if bad:
        return
    if cleaned["status"] == MemberStatus.ACTIVE:
        twin = (cleaned["name"], cleaned["birth_date"])
        if twin in seen:
            reading.problem(number, "name", _("%(name)s, born %(date)s, is listed twice: rows %(first)s and %(row)s.") % {
                "name": cleaned["name"], "date": cleaned["birth_date"], "first": seen[twin], "row": number})
            return
        seen[twin] = number
    reading.rows.append((number, cleaned))


def _plan(organization, reading: RosterReading) -> tuple[list[dict], list[tuple[Member, dict]]]:
    """(the fields of members to add, (member, changed fields) to update) for a reading without problems."""
    existing = {(m.name, m.birth_date): m for m in Member.objects.filter(organization=organization,
                                                                        status=MemberStatus.ACTIVE)}
    added, changed = [], []
    for _number, cleaned in reading.rows:
        member = existing.get((cleaned["name"], cleaned["birth_date"]))
        if member is None:
            added.append(cleaned)
            continue
        changes = {name: value for name, value in cleaned.items() if getattr(member, name) != value}
        if changes:
            changed.append((member, changes))
    return added, changed


def _insert(organization, added: list[dict]) -> None:
    """The new members in one executemany of plain rows: bulk_create's model instances and per-value preparation
    were most of a 100,000-row import (docs/benchmarks.md)."""
    if not added:
        return
    operations = connection.ops
    columns = ["organization_id", *services.MEMBER_FIELDS, "created_at"]
    created_at = operations.adapt_datetimefield_value(timezone.now())
    dates = [services.MEMBER_FIELDS.index(name) for name in ("birth_date", "joined_on")]
    rows = []
    for cleaned in added:
        values = [cleaned[name] for name in services.MEMBER_FIELDS]
        for index in dates:
            values[index] = operations.adapt_datefield_value(values[index])
        rows.append((organization.pk, *values, created_at))
    sql = (f"INSERT INTO {operations.quote_name(Member._meta.db_table)} "
           f"({', '.join(map(operations.quote_name, columns))}) VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def roster_import_preview(*, actor, organization, path: str, filename: str, progress=None) -> dict:
    """The check of a roster file: its problems by row and column, and how many members it adds and changes."""
    org_access.check(actor, organization, org_access.EDIT_FACTS)
    reading = roster_read(path, filename=filename, progress=progress)
    result = {"problems": reading.problems, "rows": len(reading.rows), "ignored_id_column": reading.ignored_id_column}
    if not reading.problems:
        added, changed = _plan(organization, reading)
        result.update(added=len(added), changed=len(changed),
                      unchanged=len(reading.rows) - len(added) - len(changed))
    return result


def roster_import_commit(*, actor, organization, path: str, filename: str, progress=None) -> dict:
    """Write every row of a roster file that has no problem, in the caller's transaction; a file with a
    problem writes nothing (a ValidationError naming the first row and column)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("roster_import_commit runs inside the import's transaction")
    organization = org_services.organization_lock(organization)
    org_access.check(actor, organization, org_access.EDIT_FACTS)
    reading = roster_read(path, filename=filename, progress=progress)
    if reading.problems:
        error = ValidationError(_("The file has problems; please correct them and upload it again."))
        error.problems = reading.problems
        raise error
    added, changed = _plan(organization, reading)
    _insert(organization, added)
    before = {member.pk: snapshot(member, [f for f in changes if f != "phone"]) for member, changes in changed}
    fields = sorted({name for _member, changes in changed for name in changes})
    for member, changes in changed:
        for name, value in changes.items():
            setattr(member, name, value)
    if changed:
        Member.objects.bulk_update([member for member, _c in changed], fields, batch_size=2000)
    reason = _("imported from %(file)s") % {"file": filename}
    # The members added are the file's rows (its job keeps it): one event says how many. A changed member has
    # a past the file does not hold, so each change keeps an event of its own with the values before.
    audit_record(actor=actor, obj=organization, organization=organization, action="roster.import", reason=reason,
                 after={"rows": len(reading.rows), "added": len(added), "changed": len(changed)})
    audit_record_many(actor=actor, action="member.update", reason=reason,
                      changes=[(m, organization, before[m.pk], snapshot(m, [f for f in c if f != "phone"]))
                               for m, c in changed])
    return {"rows": len(reading.rows), "added": len(added), "changed": len(changed),
            "unchanged": len(reading.rows) - len(added) - len(changed), "committed": True}
