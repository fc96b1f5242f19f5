"""A level's problem list (问题清单) and measure list (措施清单) as .xlsx, written with XlsxWriter through
core.xlsx, row by row in constant memory: a county's ten thousand measures never sit in memory at once."""

import datetime

from django.utils import timezone

from core.xlsx import new_workbook, text
from rectification import selectors
from rectification.choices import MeasureKind, MeasureState, ProblemSource

PROBLEM_HEADERS = ("序号", "党组织", "组织代码", "问题", "问题表现", "原因分析", "问题来源", "整改措施数")
MEASURE_HEADERS = ("序号", "党组织", "组织代码", "问题", "整改措施", "措施类型", "整改责任人", "整改时限", "预期效果",
                   "帮扶单位", "联系领导", "驻点干部", "进度", "是否逾期")
TITLES = {"problems": "问题清单", "measures": "整改措施清单"}


def file_name(kind: str, level) -> str:
    return f"{TITLES[kind]}-{level.name}.xlsx"


def _problem_rows(cycle, level):
    for number, p in enumerate(selectors.level_problems(cycle=cycle, level=level).iterator(chunk_size=2000), 1):
        yield (number, p.plan.organization.name, p.plan.organization.code, p.title, p.description, p.causes,
               str(ProblemSource(p.source).label), p.measure_count)


def _measure_rows(cycle, level):
    today = timezone.localdate()
    for number, m in enumerate(selectors.level_measures(cycle=cycle, level=level).iterator(chunk_size=2000), 1):
        late = m.state in (MeasureState.PLANNED, MeasureState.IN_PROGRESS) and m.deadline < today
        yield (number, m.plan.organization.name, m.plan.organization.code, m.problem.title, m.text,
               str(MeasureKind(m.kind).label), m.responsible_person, m.deadline, m.expected_result,
               m.assisting_unit.name if m.assisting_unit else "", m.liaison_leader.name if m.liaison_leader else "",
               m.resident_cadre.name if m.resident_cadre else "", str(MeasureState(m.state).label), "是" if late else "")


def write_list(kind: str, *, cycle, level, target, progress) -> int:
    """Write the level's list of ``kind`` to ``target`` (a binary file); returns the rows written."""
    headers, rows = (PROBLEM_HEADERS, _problem_rows) if kind == "problems" else (MEASURE_HEADERS, _measure_rows)
    total = (selectors.level_problems if kind == "problems" else selectors.level_measures)(cycle=cycle, level=level).count()
    workbook = new_workbook(target)
    title = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = workbook.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    cell = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True})
    day = workbook.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(TITLES[kind])
    sheet.merge_range(0, 0, 0, len(headers) - 1, f"{level.name}{cycle.year}年{TITLES[kind]}", title)
    for column, header in enumerate(headers):
        sheet.write_string(1, column, header, head)
        sheet.set_column(column, column, 6 if column == 0 else (30 if header in ("问题表现", "整改措施", "原因分析") else 14))
    written = 0
    for written, row in enumerate(rows(cycle, level), 1):
        for column, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(written + 1, column, value, cell)
            elif hasattr(value, "isoformat"):
                sheet.write_datetime(written + 1, column, datetime.datetime.combine(value, datetime.time()), day)
            else:
                sheet.write_string(written + 1, column, text(str(value or "")), cell)
        if written % 500 == 0:
            progress(written, total)
    workbook.close()
    progress(written, max(written, total))
    return written
