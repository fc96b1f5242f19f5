"""The organization-list import: reading real files, the preview's problems and changes, the commit,
and the export's round trip; on the real database."""

import datetime
import io

import openpyxl
import pytest
import xlsxwriter
import xlwt
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from orgs.importing.exporting import tree_export_write
from orgs.importing.planning import tree_import_plan
from orgs.importing.reading import read_rows
from orgs.importing.writing import ImportRefused, tree_import_commit
from orgs.models import Organization, OrganizationFacts
from orgs.testing import make_org
from orgs.tests.test_services import assert_counts_consistent

pytestmark = pytest.mark.django_db

HEADER = ["组织代码", "党组织名称", "党组织类别", "所属领域", "上级组织代码", "书记"]


def csv_bytes(rows, encoding="utf-8") -> bytes:
    return "\n".join(",".join(str(cell) for cell in row) for row in rows).encode(encoding)


def xlsx_bytes(rows, *, title: str | None = None, width: int = 6) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet("组织")
    start = 0
    if title:
        sheet.merge_range(0, 0, 0, width - 1, title)
        sheet.merge_range(1, 0, 1, width - 1, "填报单位：测试县委组织部        2026年12月")
        start = 2
    for number, row in enumerate(rows, start=start):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    workbook.close()
    return output.getvalue()


def xls_bytes(rows) -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, 5, "甲镇基层党组织名册")
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def plan_of(level, filename, content):
    return tree_import_plan(level=level, reading=read_rows(filename, content))


def messages(plan):
    return [(problem.row, problem.column, problem.message) for problem in plan.problems]


def test_new_orgs_under_a_town_from_a_gb18030_csv(world):
    a1 = world.branch_a1.code
    rows = [HEADER, [world.town_a.code, "甲镇党委", "党委", "乡镇", "", ""],
            [a1, "甲一村党支部", "党支部", "村", world.town_a.code, "张三"],
            [world.branch_a2.code, "甲二村党支部", "党支部", "行政村", world.town_a.code, ""],
            ["A-NEW1", "甲三社区党总支", "党总支", "社区", world.town_a.code, "李四"],
            ["A-NEW2", "甲三社区第一党支部", "支部", "城市社区", "A-NEW1", ""]]
    content = csv_bytes(rows, "gb18030")
    plan = plan_of(world.town_a, "名册.csv", content)
    assert messages(plan) == []
    assert [create["code"] for create in plan.creates] == ["A-NEW1", "A-NEW2"]
    assert [update["code"] for update in plan.updates] == [a1]  # the secretary
    counts = tree_import_commit(actor=world.admin_a, level=world.town_a, filename="名册.csv", content=content)
    assert counts["created"] == 2 and counts["updated"] == 1
    new2 = Organization.objects.get(code="A-NEW2")
    assert new2.parent.code == "A-NEW1" and new2.sector == "community" and new2.kind == "branch"
    assert new2.path.startswith(world.town_a.path) and new2.depth == world.town_a.depth + 2
    assert Organization.objects.get(code=a1).secretary == "张三"
    assert AuditEvent.objects.filter(action="organization.create", object_id=str(new2.pk), actor=world.admin_a).exists()
    assert AuditEvent.objects.filter(action="organization.update", object_id=str(world.branch_a1.pk)).exists()
    assert_counts_consistent()
    world.county.refresh_from_db()
    assert world.county.descendants_count == 8
    # new orgs get ids that the services keep using afterwards
    assert make_org(world.town_a).pk > new2.pk


def test_problems_by_row_and_column_and_nothing_written(world):
    rows = [HEADER, ["X1", "新一支部", "党支部", "村", world.town_a.code, ""],
            ["X1", "新二支部", "党支部", "村", world.town_a.code, ""],
            ["X2", "新三支部", "党支部", "菜园", world.town_a.code, ""],
            ["X3", "新四支部", "小组", "村", "NOPE", ""],
            ["X4", "新五支部", "党支部", "村", world.town_b.code, ""],
            ["X5", "新六支部", "党支部", "村", "X6", ""],
            ["X6", "新七支部", "党支部", "村", "X5", ""],
            [world.branch_b1.code, "乙一村党支部", "党支部", "村", world.town_a.code, ""]]
    content = xlsx_bytes(rows, title="甲镇党组织名册")
    plan = plan_of(world.town_a, "名册.xlsx", content)
    found = messages(plan)
    assert any(row == 5 and column == "A" and "X1" in message and "第4行" not in message for row, column, message in found)
    assert any(row == 6 and column == "D" and "菜园" in message for row, column, message in found)
    assert any(row == 7 and column == "C" and "小组" in message for row, column, message in found)
    assert any(row == 7 and column == "E" and "NOPE" in message for row, column, message in found)
    assert any(row == 8 and column == "E" and "甲镇" in message and world.town_b.code in message for row, column, message in found)
    assert {row for row, _column, message in found if "X5 → X6" in message or "X6 → X5" in message} == {9, 10}
    assert any(row == 11 and column == "A" and world.branch_b1.code in message for row, column, message in found)
    assert plan.unmapped == {"sector": ["菜园"], "kind": ["小组"]}
    before = Organization.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ImportRefused) as refused:
        tree_import_commit(actor=world.admin_a, level=world.town_a, filename="名册.xlsx", content=content)
    assert len(refused.value.problems) == len(found)
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before


def test_moves_renames_missing_and_dissolving_from_an_xls(world):
    town = world.town_a
    new_code = "A-HUB"
    rows = [HEADER, [new_code, "甲镇联合党总支", "党总支", "村", town.code, ""],
            [world.branch_a1.code, "甲一村党支部（新）", "党支部", "村", new_code, ""]]
    content = xls_bytes(rows)
    plan = plan_of(town, "名册.xls", content)
    assert messages(plan) == []
    assert [move["code"] for move in plan.moves] == [world.branch_a1.code]
    assert plan.counts["renamed"] == 1
    assert [(gone["code"], gone["offered"]) for gone in plan.missing] == [(world.branch_a2.code, True)]
    tree_import_commit(actor=world.admin_a, level=town, filename="名册.xls", content=content)
    moved = Organization.objects.get(pk=world.branch_a1.pk)
    assert moved.parent.code == new_code and moved.name == "甲一村党支部（新）"
    assert moved.path.startswith(Organization.objects.get(code=new_code).path)
    assert Organization.objects.get(pk=world.branch_a2.pk).is_active  # left out, never dissolved unasked
    assert AuditEvent.objects.filter(action="organization.move", object_id=str(moved.pk)).exists()
    assert_counts_consistent()
    tree_import_commit(actor=world.admin_a, level=town, filename="名册.xls", content=content,
                       dissolve=[world.branch_a2.code], reason="并入联合党总支")
    assert Organization.objects.get(pk=world.branch_a2.pk).dissolved_on == datetime.date.today()
    assert_counts_consistent()


def test_indentation_and_group_rows_give_parents(world):
    rows = [["组织代码", "党组织名称", "党组织类别", "所属领域"],
            ["", "甲镇党委", "", ""],
            ["G1", "甲四村党总支", "党总支", "村"],
            ["G2", "    甲四村第一党支部", "党支部", "村"],
            ["G3", "    甲四村第二党支部", "党支部", "村"],
            ["G4", "甲五村党支部", "党支部", "村"]]
    plan = plan_of(world.town_a, "名册.csv", csv_bytes(rows))
    assert messages(plan) == []
    assert {create["code"]: create["parent_code"] for create in plan.creates} == {
        "G1": world.town_a.code, "G2": "G1", "G3": "G1", "G4": world.town_a.code}


def test_facts_of_a_year(world):
    rows = [["组织代码", "党组织名称", "年度", "党员数", "女党员", "预备党员"],
            [world.branch_a1.code, "甲一村党支部", 2026, 75, 8, 7],
            [world.branch_a2.code, "甲二村党支部", 2026, 10, 12, 0]]
    plan = plan_of(world.town_a, "名册.csv", csv_bytes(rows))
    assert [(problem.row, problem.column) for problem in plan.problems] == [(3, "E")]
    rows[2][4] = 2
    tree_import_commit(actor=world.admin_a, level=world.town_a, filename="名册.csv", content=csv_bytes(rows))
    facts = OrganizationFacts.objects.get(organization=world.branch_a1, year=2026)
    assert (facts.members_total, facts.female_members, facts.probationary_members) == (75, 8, 7)
    assert AuditEvent.objects.filter(action="facts.create", object_id=str(facts.pk)).exists()


def test_export_edit_import_round_trips(world):
    output = io.BytesIO()
    assert tree_export_write(level=world.county, target=output) == 7
    content = output.getvalue()
    # read back by both readers
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[2]][:3] == ["组织代码", "党组织名称", "简称"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[2][0] == world.county.code
    plan = plan_of(world.county, "export.xlsx", content)
    assert messages(plan) == [] and not (plan.creates or plan.updates or plan.moves or plan.missing)
    # edit in "Excel": rename a branch, move it to the other town, add one
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == world.branch_a2.code:
            row[1].value = "甲二村党支部（改）"
            row[5].value = world.town_b.code
    sheet.append(["NEW-1", "新建村党支部", "", "党支部", "村", world.town_b.code])
    edited = io.BytesIO()
    workbook.save(edited)
    tree_import_commit(actor=world.county_admin, level=world.county, filename="edited.xlsx", content=edited.getvalue())
    a2 = Organization.objects.get(pk=world.branch_a2.pk)
    assert a2.name == "甲二村党支部（改）" and a2.parent_id == world.town_b.pk
    assert Organization.objects.get(code="NEW-1").parent_id == world.town_b.pk
    assert_counts_consistent()
    again = io.BytesIO()
    tree_export_write(level=world.county, target=again)
    plan = plan_of(world.county, "again.xlsx", again.getvalue())
    assert not (plan.problems or plan.creates or plan.updates or plan.moves or plan.missing)
