"""A check's draw and results as .xlsx, written with XlsxWriter through core.xlsx in constant memory: 抽查情况
(the inputs of the draw), 抽查对象 (the sample with its inspectors and digests), 发现问题 (the findings), and
总体名单 (the frozen population: codes, strata, weights), so that anyone can recompute the draw from the file."""

import datetime

from django.utils import timezone

from core.xlsx import new_workbook, text
from spotchecks import selectors
from spotchecks.choices import FindingResult
from spotchecks.models import SpotCheck

SAMPLE_HEADERS = ("序号", "层", "层内序位", "党组织", "组织代码", "上级党组织", "检查人员", "SHA-256")
FINDING_HEADERS = ("序号", "党组织", "组织代码", "检查项目", "检查结果", "发现问题", "佐证材料", "整改时限",
                   "整改措施状态", "检查人员", "记录时间")
POPULATION_HEADERS = ("序号", "组织代码", "层", "权重")


def file_name(spot_check: SpotCheck) -> str:
    return f"抽查调阅-{spot_check.level.name}-{spot_check.pk}.xlsx"


def _write(sheet, row: int, values, cell, day) -> None:
    for column, value in enumerate(values):
        if isinstance(value, bool) or value is None:
            sheet.write_string(row, column, "" if value is None else ("是" if value else "否"), cell)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, cell)
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, column, timezone.localtime(value).replace(tzinfo=None), day)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), day)
        else:
            sheet.write_string(row, column, text(str(value)), cell)


def _table(workbook, name: str, headers, rows, formats, widths=()) -> int:
    title, head, cell, day = formats
    sheet = workbook.add_worksheet(name)
    sheet.merge_range(0, 0, 0, len(headers) - 1, name, title)
    for column, header in enumerate(headers):
        sheet.write_string(1, column, header, head)
        sheet.set_column(column, column, widths[column] if column < len(widths) else 14)
    written = 0
    for written, values in enumerate(rows, 1):
        _write(sheet, written + 1, values, cell, day)
    return written


def write_spotcheck(spot_check: SpotCheck, *, target, progress) -> int:
    """Write the check's workbook to ``target`` (a binary file); returns the rows of its sample and findings."""
    total = spot_check.population_size
    workbook = new_workbook(target)
    formats = (workbook.add_format({"bold": True, "font_size": 14, "align": "center"}),
               workbook.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                    "text_wrap": True}),
               workbook.add_format({"border": 1, "valign": "top", "text_wrap": True}),
               workbook.add_format({"border": 1, "valign": "top", "num_format": "yyyy-mm-dd"}))
    strata = selectors.spotcheck_strata(spot_check=spot_check)
    facts = [("抽查名称", spot_check.title), ("抽查单位", spot_check.level.name), ("年度", spot_check.cycle.year),
             ("总体数量", spot_check.population_size), ("总体哈希值（SHA-256）", spot_check.population_hash),
             ("冻结时间", spot_check.frozen_at), ("公开随机数", spot_check.entropy),
             ("录入人", spot_check.entropy_by.username if spot_check.entropy_by else ""),
             ("录入时间", spot_check.entropy_at), ("抽取时间", spot_check.drawn_at),
             ("每个抽查对象的检查人员数", spot_check.inspectors_per_organization),
             *[(f"层：{stratum.label}", f"总体 {stratum.population}，抽取 {stratum.drawn}") for stratum in strata]]
    _table(workbook, "抽查情况", ("项目", "内容"), facts, formats, widths=(26, 70))
    labels = {stratum.key: stratum.label for stratum in strata}
    sample = list(selectors.sample_rows(spot_check=spot_check))
    _table(workbook, "抽查对象", SAMPLE_HEADERS, (
        (number, labels.get(row.stratum, row.stratum), row.rank, row.organization.name, row.organization.code,
         row.organization.parent.name if row.organization.parent else "",
         "、".join(a.inspector.get_full_name() or a.inspector.username for a in row.inspectors.all()), row.digest)
        for number, row in enumerate(sample, 1)), formats, widths=(6, 12, 8, 28, 18, 24, 24, 66))
    findings = _table(workbook, "发现问题", FINDING_HEADERS, (
        (number, f.sampled.organization.name, f.sampled.organization.code, f.item.title,
         str(FindingResult(f.result).label), f.note, f.evidence, f.deadline,
         f.measure.get_state_display() if f.measure else "", f.recorded_by.get_full_name() or f.recorded_by.username,
         f.recorded_at)
        for number, f in enumerate(selectors.spotcheck_findings(spot_check=spot_check), 1)), formats,
        widths=(6, 28, 18, 16, 10, 36, 30, 12, 12, 14, 16))
    progress(0, total)

    def population():
        entries = spot_check.population.order_by("code").values_list("code", "stratum", "weight")
        for number, (code, stratum, weight) in enumerate(entries.iterator(chunk_size=5000), 1):
            if number % 5000 == 0:
                progress(number, total)
            yield number, code, labels.get(stratum, stratum), float(weight)
    _table(workbook, "总体名单", POPULATION_HEADERS, population(), formats, widths=(8, 22, 14, 8))
    workbook.close()
    progress(total, total)
    return len(sample) + findings
