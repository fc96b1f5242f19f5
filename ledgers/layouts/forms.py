"""The official forms as plain ``Table``s: what ledgers.layouts.xlsx writes and the print pages render.

Grids the seeds lost are designed here, and each such grid says so in its docstring.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import translation

from ledgers.columns import CODE_COLUMN, HUNAN_COLUMNS, Column
from orgs.choices import Sector
from standards.choices import Grade
from standards.defaults import FOUR_GRADES, REMOTE_SITES, THREE_GRADES

TICK = "√"  # 附件3 说明5: "在选择项下划“√”"
CUT_MARK = "…"
MEASURES_LIMIT = 150  # 附件3 说明3: "字数不超过150字"


# ---------------------------------------------------------------------------------------------
# The description of a table


@dataclass(frozen=True)
class HeaderCell:
    text: str
    row: int  # 0-based inside the header
    col: int  # 0-based
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Group:
    """A group row: a level's name alone in the first column (土市乡 in the Lanshan sample)."""

    text: str


@dataclass(frozen=True)
class Spanned:
    """A row of (text, colspan, is_label) cells: the lines of a form laid out like 附件2."""

    cells: tuple[tuple[str, int, bool], ...]
    height: int = 0  # points; 0 lets the reader size it


@dataclass
class Stats:
    rows: int = 0
    cut_cells: int = 0  # measures cut to 150 characters (附件3, 附件5)


@dataclass
class Table:
    title: str
    widths: list[int]
    header: list[HeaderCell] = field(default_factory=list)
    header_rows: int = 0
    body: Iterable = ()  # lists of values, Group or Spanned
    notes: list[str] = field(default_factory=list)
    info: tuple[str, str] | None = None  # ("填报单位：…", "填报时间：…")
    caption: str = ""  # a line under the title, e.g. "领域：农村"
    footer: str = ""  # a line under the table, e.g. "书记(签名)：… 联系电话：…"
    sheet_name: str = "Sheet"
    centered: frozenset = frozenset()  # columns whose values are centred (grades, numbers, ✓)
    stats: Stats = field(default_factory=Stats)

    @property
    def width(self) -> int:
        return len(self.widths)


@dataclass(frozen=True)
class FormMeta:
    """What the forms print around the rows: 填报单位, 填报时间, the cycle, the scheme's grades."""

    unit: str = ""
    filled_on: datetime.date | None = None
    cycle_name: str = ""
    year: int | None = None
    grades: tuple[str, ...] = ()  # best first; empty: the form's own scheme (sites keep theirs)


def _date_text(date: datetime.date | None) -> str:
    return f"{date.year}年{date.month}月{date.day}日" if date else "    年  月  日"


def _info(meta: FormMeta) -> tuple[str, str]:
    return (f"填报单位：{meta.unit}", f"填报时间：{_date_text(meta.filled_on)}")


def _labels(choices) -> dict[str, str]:
    """Code → the Chinese label (the forms are Chinese whatever the page language is)."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def grade_labels() -> dict[str, str]:
    return _labels(Grade)


def sector_labels() -> dict[str, str]:
    return _labels(Sector)


def _scheme_grades(meta: FormMeta, scheme) -> tuple[str, ...]:
    return meta.grades or tuple(band.grade for band in scheme.bands)


SITE_GRADES = tuple(band.grade for band in REMOTE_SITES.bands)  # 附件5/6 always: 优秀/一般/后进站点


def _text(value) -> str:
    return "" if value is None else str(value)


def closing(rows: Iterable) -> Iterator:
    """The rows, closed however their reading ends: a ledger's rows hold a database cursor
    (a server-side one on PostgreSQL), which must not outlive a page that stopped reading."""
    try:
        yield from rows
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def close_bodies(tables) -> None:
    """Stop reading the tables' rows (after an error, or a print page that holds no more)."""
    for table in tables:
        close = getattr(table.body, "close", None)
        if close is not None:
            close()


# ---------------------------------------------------------------------------------------------
# Hunan 附件二: the ledger


def ledger_columns(code_column: bool) -> tuple[Column, ...]:
    return HUNAN_COLUMNS + ((CODE_COLUMN,) if code_column else ())


def _two_row_header(columns: Iterable[tuple[str, str | None]]) -> list[HeaderCell]:
    """Headers with a group merged across its columns on the first row and the others merged
    down both rows, as 附件三 prints them."""
    cells: list[HeaderCell] = []
    columns = list(columns)
    col = 0
    while col < len(columns):
        header, group = columns[col]
        if group is None:
            cells.append(HeaderCell(header, 0, col, rowspan=2))
            col += 1
            continue
        end = col
        while end < len(columns) and columns[end][1] == group:
            cells.append(HeaderCell(columns[end][0], 1, end))
            end += 1
        cells.append(HeaderCell(group, 0, col, colspan=end - col))
        col = end
    return sorted(cells, key=lambda cell: (cell.row, cell.col))


def _ledger_values(row, labels: dict[str, str], code_column: bool) -> list:
    values = [
        row.name, row.secretary, row.first_secretary, row.basic_facts, row.mobile_members, row.venue,
        row.main_features, row.problems, labels.get(row.declared_grade, row.declared_grade),
        labels.get(row.superior_grade, row.superior_grade), labels.get(row.target_grade, row.target_grade),
        row.measures, row.deadline_display, row.assisting_unit, row.liaison_leader, row.responsible_person,
    ]
    if code_column:
        values.append(row.code)
    return values


def hunan_ledger_tables(rows: Iterable, meta: FormMeta, *, code_column: bool = True) -> list[Table]:
    """附件二 目标管理工作台账 in 附件三's layout. ``rows`` are ``LedgerRow``s in tree order.

    ``code_column`` adds 组织代码 after the official columns (on by default for downloads): the
    sixteen official columns stay exactly as printed, and a file sent back re-imports by code.
    The print pages leave it out.
    """
    columns = ledger_columns(code_column)
    labels = grade_labels()
    table = Table(
        title=f"{meta.unit or '××单位'}基层党组织分类定级晋位升级目标管理工作台账",
        info=_info(meta), widths=[column.width for column in columns],
        header=_two_row_header((column.header, column.group) for column in columns), header_rows=2,
        sheet_name="工作台账",
        centered=frozenset(i for i, column in enumerate(columns) if column.key in {
            "secretary", "first_secretary", "mobile_members", "venue", "declared_grade", "superior_grade",
            "target_grade", "deadline", "liaison_leader", "responsible_person"}),
    )

    def body() -> Iterator:
        for row in closing(rows):
            table.stats.rows += 1
            yield Group(row.name) if row.is_group else _ledger_values(row, labels, code_column)

    table.body = body()
    return [table]


# ---------------------------------------------------------------------------------------------
# Count summaries: Hunan 附件一, Chenghua 附件4 and 附件6


def grade_count(counts: dict, grade: str, sector: str | None = None) -> int:
    """A grade's count from ``cycles.tallies.level_counts`` ("grade" keys are "sector:grade")."""
    total = 0
    for key, count in counts.get("grade", {}).items():
        key_sector, _, key_grade = key.partition(":")
        if key_grade == grade and (sector is None or key_sector == sector):
            total += count
    return total


def organizations_count(counts: dict, sector: str | None = None) -> int:
    """How many organizations a unit's counts hold (printing.unit_counts: "organizations" by sector), graded or not."""
    organizations = counts.get("organizations", {})
    return organizations.get(sector, 0) if sector is not None else sum(organizations.values())


def sectors_counted(units: Iterable[tuple[str, dict]]) -> list[str]:
    """The sectors with at least one organization in any of the count dicts, in Sector order."""
    seen = {sector for _name, counts in units for sector, count in counts.get("organizations", {}).items() if count}
    seen |= {key.partition(":")[0] for _name, counts in units for key, count in counts.get("grade", {}).items() if count}
    return [sector for sector in Sector.values if sector in seen]


@dataclass(frozen=True)
class Share:
    """A part of a whole: written to .xlsx as a number formatted as a percentage, printed as "66.7%"."""

    part: int
    whole: int

    @property
    def fraction(self) -> float:
        return self.part / self.whole if self.whole else 0.0

    def __str__(self) -> str:
        return f"{self.part * 100 / self.whole:.1f}%" if self.whole else ""


def _count_table(*, title: str, meta: FormMeta, units: list[tuple[str, dict]], grades: tuple[str, ...],
                 sector: str | None, unit_header: str, total_header: str, notes: list[str], sheet_name: str,
                 caption: str = "", graded_only: bool = False) -> Table:
    """序号 | 单位 | total | the grades' counts | their shares of the total | 备注.

    A designed grid: the seeds keep only these forms' titles and notes. The total counts every
    organization of the sector under the unit, graded or not; with ``graded_only`` (附件一's
    已定级党组织数) the organizations whose grade is set. The last unit named "合计" is the level's
    own total; 直属党组织 (the level's directly subordinate organizations together) is left out of a
    sector where it counts nothing."""
    labels = grade_labels()
    header = [HeaderCell("序号", 0, 0, rowspan=2), HeaderCell(unit_header, 0, 1, rowspan=2),
              HeaderCell(total_header, 0, 2, rowspan=2),
              HeaderCell("分类情况（个）", 0, 3, colspan=len(grades)),
              HeaderCell("所占比例（%）", 0, 3 + len(grades), colspan=len(grades)),
              HeaderCell("备注", 0, 3 + 2 * len(grades), rowspan=2)]
    for i, grade in enumerate(grades):
        header.append(HeaderCell(labels.get(grade, grade), 1, 3 + i))
        header.append(HeaderCell(labels.get(grade, grade), 1, 3 + len(grades) + i))
    body = []
    number = 0
    for name, counts in units:
        values = [grade_count(counts, grade, sector) for grade in grades]
        total = sum(values) if graded_only else organizations_count(counts, sector)
        if name == DIRECT and not total and not any(values):
            continue  # the level's own organizations count nothing in this sector
        is_total = name == "合计"
        number += 0 if is_total else 1
        body.append(["" if is_total else number, name, total, *values, *(Share(v, total) for v in values), ""])
    width = 4 + 2 * len(grades)
    return Table(title=title, info=_info(meta), caption=caption, widths=[6, 24, 10] + [8] * (2 * len(grades)) + [12],
                 header=sorted(header, key=lambda c: (c.row, c.col)), header_rows=2, body=body, notes=notes,
                 sheet_name=sheet_name, centered=frozenset(i for i in range(width) if i != 1),
                 stats=Stats(rows=len(body)))


def hunan_summary_tables(units: list[tuple[str, dict]], meta: FormMeta) -> list[Table]:
    """附件一 情况汇总表: per unit, how many were graded 好/较好/一般/较差 (all sectors together)."""
    grades = _scheme_grades(meta, FOUR_GRADES)
    labels = grade_labels()
    return [_count_table(
        title=f"{meta.unit or '××单位'}基层党组织分类定级晋位升级情况汇总表", meta=meta, units=units, grades=grades,
        sector=None, unit_header="单位名称", total_header="已定级党组织数", graded_only=True,
        notes=[f"说明：各单位所属基层党组织上级党组织审核定级类别（{'、'.join(labels.get(g, g) for g in grades)}）的个数；"
               "“所占比例”为各类别占已定级党组织总数的百分比。"],  # a designed note: the seed lost 附件一's grid
        sheet_name="情况汇总表")]


DIRECT = "直属党组织"  # printing.unit_counts's row of the level's directly subordinate organizations
TALLY_NOTES = ["说明：1.此表分领域(行业)分别统计。", "2.此表由各街道党工委、系统党委、区直机关工委汇总后上报。",
               "3.表格行数可根据实际情况增减。"]
SITE_TALLY_NOTES = ["说明：1.此表由各街道汇总后上报。", "2.表格行数可根据实际情况增减。"]


def tally_tables(units: list[tuple[str, dict]], meta: FormMeta, *, sector: str = "") -> list[Table]:
    """附件4 分类情况汇总表: one sheet per sector ("此表分领域(行业)分别统计"), counts per unit.
    Remote-education sites have their own form (附件6) and are left out here."""
    grades = _scheme_grades(meta, THREE_GRADES)
    names = sector_labels()
    sectors = [sector] if sector else [s for s in sectors_counted(units) if s != Sector.REMOTE_EDUCATION_SITE]
    return [_count_table(
        title="全区“三分类三升级”活动基层党组织分类情况汇总表", meta=meta, units=units, grades=grades, sector=s,
        unit_header="单位", total_header="党组织总数", notes=TALLY_NOTES, sheet_name=names.get(s, s),
        caption=f"领域（行业）：{names.get(s, s)}") for s in sectors] or [_count_table(
            title="全区“三分类三升级”活动基层党组织分类情况汇总表", meta=meta, units=[], grades=grades, sector="",
            unit_header="单位", total_header="党组织总数", notes=TALLY_NOTES, sheet_name="分类情况汇总表")]


def site_tally_tables(units: list[tuple[str, dict]], meta: FormMeta) -> list[Table]:
    """附件6 远程教育站点分类情况汇总表: counts of 优秀/一般/后进站点 per unit."""
    return [_count_table(
        title="全区“三分类三升级”活动远程教育站点分类情况汇总表", meta=meta, units=units,
        grades=SITE_GRADES, sector=Sector.REMOTE_EDUCATION_SITE, unit_header="街道",
        total_header="站点总数", notes=SITE_TALLY_NOTES, sheet_name="站点分类情况汇总表")]


# ---------------------------------------------------------------------------------------------
# Chenghua 附件3 and 附件5: the lists with ✓ columns


ROSTER_NOTES = ["说明：1.此表分领域(行业)分别统计。", "2.“升级目标”是指争创“先进”、“一般”党组织的目标。",
                "3.“升级措施”栏填主要措施，字数不超过150字。", "4.“升级时限”指完成升级目标的截止时间。",
                "5.“所分类别”栏，在选择项下划“√”。", "6.此表由各区(市)县委组织部和有关领域(行业)主管部门党组织汇总后上报。",
                "7.表格行数可根据实际情况增减。"]
SITE_ROSTER_NOTES = ["说明：1.此表仅街道填报。", "2.“升级目标”是指争创“优秀”、“一般”站点的目标。",
                     "3.“升级措施”栏填主要措施，字数不超过150字。", "4.“升级时限”指完成升级目标的截止时间。",
                     "5.“所分类别”栏，在选择项下划“√”。", "6.表格行数可根据实际情况增减。"]


def cut_measures(text: str, limit: int = MEASURES_LIMIT) -> tuple[str, bool]:
    """Measures of at most ``limit`` characters; a longer text ends in "…" within the limit."""
    text = text.strip()
    if len(text) <= limit:
        return text, False
    return text[: limit - len(CUT_MARK)] + CUT_MARK, True


def _target_text(row, labels: dict[str, str]) -> str:
    """升级目标: "争创“先进”", or 巩固提高 for one already in the grade it aims at (seeds/004 一⑶)."""
    if not row.target_grade:
        return ""
    if row.target_grade == (row.superior_grade or row.declared_grade):
        return "巩固提高"
    return f"争创“{labels.get(row.target_grade, row.target_grade)}”"


def _roster_table(rows: Iterable, meta: FormMeta, *, title: str, name_header: str, grades: tuple[str, ...],
                  notes: list[str], sheet_name: str, caption: str = "") -> Table:
    """序号 | 名称 | 所分类别 (one ✓ column per grade) | 升级目标 | 升级措施 | 升级时限.

    The columns are the ones the notes name; their order and widths are designed (the grid was
    lost). 所分类别 is the superior's grade, or the declared one while none is determined; a grade
    outside the form's scheme ticks no column."""
    labels = grade_labels()
    n = len(grades)
    header = [HeaderCell("序号", 0, 0, rowspan=2), HeaderCell(name_header, 0, 1, rowspan=2),
              HeaderCell("所分类别", 0, 2, colspan=n), HeaderCell("升级目标", 0, 2 + n, rowspan=2),
              HeaderCell("升级措施", 0, 3 + n, rowspan=2), HeaderCell("升级时限", 0, 4 + n, rowspan=2)]
    header += [HeaderCell(labels.get(grade, grade), 1, 2 + i) for i, grade in enumerate(grades)]
    table = Table(title=title, info=_info(meta), caption=caption, widths=[6, 24] + [7] * n + [12, 50, 12],
                  header=sorted(header, key=lambda c: (c.row, c.col)), header_rows=2, notes=notes,
                  sheet_name=sheet_name, centered=frozenset({0, *range(2, 3 + n), 4 + n}))

    def body() -> Iterator:
        for row in closing(rows):
            if row.is_group:
                continue  # the list names the graded organizations themselves
            table.stats.rows += 1
            grade = row.superior_grade or row.declared_grade
            measures, cut = cut_measures(row.measures)
            table.stats.cut_cells += cut
            yield [table.stats.rows, row.name, *(TICK if grade == g else "" for g in grades),
                   _target_text(row, labels), measures, row.deadline_display]

    table.body = body()
    return table


def roster_tables(rows: Iterable, meta: FormMeta, *, sector: str = "") -> list[Table]:
    """附件3 分类名单统计表, one sheet per sector (说明1); remote-education sites go to 附件5.
    ``rows`` are read once, so the rows are gathered per sector first; for a large list give
    ``roster_tables_by_sector`` a query per sector instead."""
    by_sector: dict[str, list] = {}
    for row in rows:
        if not row.is_group:
            by_sector.setdefault(row.sector, []).append(row)
    sectors = [sector] if sector else [s for s in Sector.values if s in by_sector]
    return roster_tables_by_sector(lambda s: by_sector.get(s, []), sectors, meta)


def roster_tables_by_sector(rows_for: Callable[[str], Iterable], sectors: Iterable[str], meta: FormMeta) -> list[Table]:
    """附件3 with each sector's rows read when its sheet is written (``rows_for(sector)``)."""
    names = sector_labels()
    sectors = [s for s in sectors if s != Sector.REMOTE_EDUCATION_SITE] or [""]
    return [_roster_table((row for row in closing(rows_for(s)) if row.sector != Sector.REMOTE_EDUCATION_SITE), meta,
                          title="全区“三分类三升级”活动基层党组织分类名单统计表", name_header="党组织名称",
                          grades=_scheme_grades(meta, THREE_GRADES), notes=ROSTER_NOTES,
                          sheet_name=names.get(s, "分类名单统计表"), caption=f"领域（行业）：{names.get(s, '')}")
            for s in sectors]


def site_roster_tables(rows: Iterable, meta: FormMeta) -> list[Table]:
    """附件5 远程教育站点分类名单统计表."""
    sites = (row for row in closing(rows) if row.sector == Sector.REMOTE_EDUCATION_SITE and not row.is_group)
    return [_roster_table(sites, meta, title="全区“三分类三升级”活动远程教育站点分类名单统计表", name_header="站点名称",
                          grades=SITE_GRADES, notes=SITE_ROSTER_NOTES,
                          sheet_name="站点分类名单统计表")]


# ---------------------------------------------------------------------------------------------
# Chenghua 附件2: the declaration, one per organization


DECLARATION_NOTE = "注：“年度升级目标”和“整改措施”栏可附专项材料。"


def declaration_tables(rows: Iterable, meta: FormMeta) -> list[Table]:
    """附件2 分类定级申报表, one sheet (one printed page) per organization.

    A designed form: the seed keeps the title, "书记(签名):联系电话:" and the note; the lines in
    between are the facts the declaration is about, laid out label | value on four columns."""
    labels, sectors = grade_labels(), sector_labels()
    tables, used = [], set()
    for row in rows:
        if row.is_group:
            continue
        label = lambda code: labels.get(code, code)  # noqa: E731
        lines = (
            Spanned((("党组织名称", 1, True), (row.name, 3, False))),
            Spanned((("所属领域", 1, True), (sectors.get(row.sector, row.sector), 1, False),
                     ("上级党组织", 1, True), (row.parent_name, 1, False))),
            Spanned((("党组织书记", 1, True), (row.secretary, 1, False), ("第一书记", 1, True),
                     (row.first_secretary, 1, False))),
            Spanned((("基本情况", 1, True), (row.basic_facts, 3, False)), height=48),
            Spanned((("主要特点", 1, True), (row.main_features, 3, False)), height=90),
            Spanned((("存在问题", 1, True), (row.problems, 3, False)), height=90),
            Spanned((("申报类别", 1, True), (label(row.declared_grade), 1, False),
                     ("上级党组织评定类别", 1, True), (label(row.superior_grade), 1, False))),
            Spanned((("年度升级目标", 1, True), (label(row.target_grade), 3, False)), height=30),
            Spanned((("整改措施", 1, True), (row.measures, 3, False)), height=120),
            Spanned((("升级时限", 1, True), (row.deadline_display, 1, False), ("帮扶单位", 1, True),
                     (row.assisting_unit, 1, False))),
        )
        tables.append(Table(
            title="全区“三分类三升级”活动基层党组织分类定级申报表", widths=[16, 30, 18, 30], body=lines,
            info=(f"党组织名称：{row.name}", f"填报时间：{_date_text(meta.filled_on)}"),
            footer="书记(签名)：                    联系电话：", notes=[DECLARATION_NOTE],
            sheet_name=_sheet_name(row.name, used), stats=Stats(rows=1)))
    return tables or [Table(title="全区“三分类三升级”活动基层党组织分类定级申报表", widths=[16, 30, 18, 30],
                            notes=[DECLARATION_NOTE], sheet_name="申报表")]


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set) -> str:
    """An Excel sheet name: ≤ 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_NAME_BAD.sub("", name)[:28] or "Sheet"
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}({number})"[-31:]
    used.add(candidate)
    return candidate


@dataclass(frozen=True)
class Form:
    slug: str
    title: str  # the form as the seeds number it
    source: str  # "ledger" (LedgerRow's) or "counts" (count dicts per unit)
    tables: Callable


FORMS = {form.slug: form for form in (
    Form("hunan-summary", "附件一 基层党组织分类定级晋位升级情况汇总表", "counts", hunan_summary_tables),
    Form("hunan-ledger", "附件二 基层党组织分类定级晋位升级目标管理工作台账", "ledger", hunan_ledger_tables),
    Form("declaration", "附件2 基层党组织分类定级申报表", "ledger", declaration_tables),
    Form("roster", "附件3 基层党组织分类名单统计表", "ledger", roster_tables),
    Form("tally", "附件4 基层党组织分类情况汇总表", "counts", tally_tables),
    Form("site-roster", "附件5 远程教育站点分类名单统计表", "ledger", site_roster_tables),
    Form("site-tally", "附件6 远程教育站点分类情况汇总表", "counts", site_tally_tables),
)}
SECTOR_FORMS = {"roster", "tally"}  # forms split per sector that take the sector filter themselves
