"""The import's promises: a preview that names every problem by row and column and writes nothing;
a commit that writes every row or none; the Lanshan sample typed in its printed layout imports into
the county's 2012 cycle and reads back as the sample; an export imports back to the same data."""

import copy
import datetime
import io
from dataclasses import replace

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from cycles.models import Grading
from cycles.services import grading_ensure
from ledgers import access
from ledgers.importing import ImportRefused, ledger_import_commit, ledger_import_preview, plan_changes
from ledgers.selectors import ledger_rows
from ledgers.tests.files.builders import build_lanshan, export_xlsx
from ledgers.tests.files.lanshan import ROWS, csv_bytes, flat_header, lanshan_xlsx, workbook_bytes
from orgs import services as org_services
from orgs.choices import OrganizationKind, Role, Sector, VenueStatus
from orgs.demo import LANSHAN_FACTS, LANSHAN_LEDGER, LANSHAN_ORGANIZATIONS, TUSHI
from orgs.models import Organization, OrganizationFacts
from orgs.testing import make_user
from rectification import rules
from rectification import services as rectification_services
from rectification.models import Measure, Plan


@pytest.fixture
def lanshan(db):
    return build_lanshan()


def preview(lanshan, content: bytes, filename="台账.xlsx"):
    cycle, county, admin, _orgs = lanshan
    return ledger_import_preview(actor=admin, cycle=cycle, level=county, filename=filename, content=content)


def commit(lanshan, content: bytes, filename="台账.xlsx"):
    cycle, county, admin, _orgs = lanshan
    return ledger_import_commit(actor=admin, cycle=cycle, level=county, filename=filename, content=content)


def problems_of(result) -> list[tuple]:
    return [(p.row, p.column, p.header, p.blocking) for p in result.problems]


def branch_rows(cycle, county):
    return [row for row in ledger_rows(cycle=cycle, organization=county) if not row.is_group]


def test_the_lanshan_sample_in_its_printed_layout_imports_as_the_sample(lanshan):
    cycle, county, admin, _orgs = lanshan
    checked = preview(lanshan, lanshan_xlsx())
    assert checked.problems == []
    assert checked.counts | {} == {"rows": 5, "matched": 5, "facts_new": 5, "facts_changed": 0, "plans_new": 5,
                                   "plans_changed": 0, "organizations_changed": 5, "unchanged": 0, "warnings": 0,
                                   "problems": 0}
    assert not OrganizationFacts.objects.exists() and not Plan.objects.exists()  # the preview wrote nothing

    counts = commit(lanshan, lanshan_xlsx())
    assert counts["matched"] == 5

    rows = {row.code: row for row in branch_rows(cycle, county)}
    assert len(rows) == 5
    for facts in LANSHAN_FACTS:
        row = rows[facts.code]
        for name, value in facts.fields().items():
            assert getattr(row, name) == value, (facts.code, name)
    for sample in LANSHAN_LEDGER:
        row = rows[sample.code]
        for name in ("declared_grade", "superior_grade", "target_grade", "deadline", "assisting_unit",
                     "liaison_leader", "responsible_person"):
            assert getattr(row, name) == getattr(sample, name), (sample.code, name)
        assert rules.ledger_items(row.measures) == rules.ledger_items(sample.measures), sample.code
        assert row.deadline_display == sample.deadline_text
    for demo in LANSHAN_ORGANIZATIONS:
        if demo.secretary:
            assert (rows[demo.code].secretary, rows[demo.code].first_secretary) == (demo.secretary, demo.first_secretary)
    assert rows["431127-02-001"].venue == "2012年8月完工" and rows["431127-01-001"].venue == "已建"
    assert rows["431127-01-001"].basic_facts == (
        "支部共有党员75人，其中预备党员7人，女党员8人，35岁以下党员15人，大专及以上党员3人，班子成员5人。")
    event = AuditEvent.objects.get(action="ledger.import")
    assert event.after["matched"] == 5 and event.organization_id == county.pk
    assert AuditEvent.objects.filter(action__startswith="facts.").count() == 0  # one event for the import

    again = preview(lanshan, lanshan_xlsx())
    assert again.counts["unchanged"] == 5 and not again.plans[0].facts and again.problems == []


def edited(rows, changes: dict) -> list[list]:
    """ROWS with some cells replaced: {(row index, column index): value}."""
    result = copy.deepcopy(rows)
    for (row, column), value in changes.items():
        result[row][column] = value
    return result


def test_the_preview_lists_every_problem_by_row_and_column(lanshan):
    rows = edited(ROWS, {
        (0, 4): "十一",  # 流动党员数 not a number (row 4, column E)
        (1, 10): "先进",  # 晋位升级目标 outside the four grades of the Hunan standard (row 5, K)
        (3, 0): "五村 党支部",  # no such branch (row 7, A)
        (4, 12): "明年",  # 整改时限 unreadable (row 8, M)
        (4, 3): "支部共有党员2人，其中女党员3人",  # more women than members (row 8, D)
    })
    rows.append(copy.deepcopy(ROWS[5]))  # 上泉洞村 twice: rows 9 and 10
    result = preview(lanshan, workbook_bytes(rows))
    assert problems_of(result) == [
        (4, "E", "流动党员数", True), (5, "K", "晋位升级目标", True), (7, "A", "党支部名称", True),
        (8, "D", "基本情况", True), (8, "M", "整改时限", True), (10, "A", "党支部名称", True)]
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "十一" in messages[(4, "E")]
    assert "先进" in messages[(5, "K")]
    assert "五村党支部" in messages[(7, "A")]
    assert "9" in messages[(10, "A")]  # the duplicate names the row it repeats
    assert not result.ok
    with pytest.raises(ImportRefused) as refused:
        commit(lanshan, workbook_bytes(rows))
    assert len(refused.value.problems) == 6
    # All or nothing: the good rows were not written either.
    assert not OrganizationFacts.objects.exists() and not Plan.objects.exists()
    assert not Organization.objects.exclude(secretary="").exists()
    assert not AuditEvent.objects.filter(action="ledger.import").exists()


def test_odd_values_are_problems_at_their_cell_not_errors(lanshan):
    rows = edited(ROWS, {
        (0, 4): 99999999999,  # 流动党员数 beyond any count (row 4, E)
        (1, 3): "支部共有党员99999999999人",  # (row 5, D)
        (3, 12): "0000年底",  # no year 0 (row 7, M)
        (4, 12): "2012年2月30日",  # no such day (row 8, M)
    })
    rows[2] = [12345]  # a group row holding a number: no organization is called that
    result = preview(lanshan, workbook_bytes(rows))
    assert problems_of(result) == [(4, "E", "流动党员数", True), (5, "D", "基本情况", True),
                                   (7, "M", "整改时限", True), (8, "M", "整改时限", True)]
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "99999999999" in messages[(4, "E")] and "1000000" in messages[(4, "E")]


def test_a_grade_differing_from_the_recorded_one_is_a_warning_and_grades_stay(lanshan):
    cycle, county, _admin, _orgs = lanshan
    rows = edited(ROWS, {(3, 9): "较好"})  # 四村: the superior set 一般
    result = preview(lanshan, workbook_bytes(rows))
    assert problems_of(result) == [(7, "J", "上级党组织定级类别", False)]
    assert result.ok
    commit(lanshan, workbook_bytes(rows))
    assert Grading.objects.get(cycle=cycle, organization__code="431127-02-001").final_grade == "average"


def test_grades_in_english_or_as_code_names_are_read_too(lanshan):
    rows = edited(ROWS, {(0, 10): "good", (1, 10): "Good"})
    assert preview(lanshan, workbook_bytes(rows)).problems == []


def test_a_name_found_twice_is_resolved_by_the_group_row_or_reported(lanshan):
    cycle, county, admin, orgs = lanshan
    other = org_services.organization_create(actor=admin, parent=orgs["431127-01"], name="四村党支部",
                                             code="431127-01-009", kind=OrganizationKind.BRANCH, sector=Sector.VILLAGE)
    grading_ensure(cycle=cycle, organization=other)
    assert preview(lanshan, lanshan_xlsx()).problems == []  # under 土市乡 it is 土市乡's 四村
    plan = next(p for p in preview(lanshan, lanshan_xlsx()).plans if p.graded.name == "四村党支部")
    assert plan.graded.code == "431127-02-001"
    without_group = [row for row in ROWS if row != ["土市乡"]]
    result = preview(lanshan, workbook_bytes(without_group))
    assert problems_of(result) == [(6, "A", "党支部名称", True)]
    assert "组织代码" in result.problems[0].message


def test_existing_facts_are_updated_and_empty_cells_keep_what_is_stored(lanshan):
    cycle, county, admin, orgs = lanshan
    commit(lanshan, lanshan_xlsx())
    rows = edited(ROWS, {(0, 4): 12, (0, 5): "没有", (0, 6): "", (0, 12): "2012年9月"})
    counts = commit(lanshan, workbook_bytes(rows))
    assert (counts["facts_changed"], counts["plans_changed"], counts["unchanged"]) == (1, 1, 4)
    facts = OrganizationFacts.objects.get(organization__code="431127-01-001", year=2012)
    assert (facts.mobile_members, facts.venue_status) == (12, VenueStatus.NONE)
    assert facts.main_features.startswith("1、村党支部书记素质好")
    deadlines = Measure.objects.filter(plan__organization__code="431127-01-001").values_list("deadline", flat=True)
    assert set(deadlines) == {datetime.date(2012, 9, 30)} and len(deadlines) == 2


def test_a_new_organization_without_basic_facts_needs_them(lanshan):
    rows = edited(ROWS, {(0, 3): ""})
    result = preview(lanshan, workbook_bytes(rows))
    assert problems_of(result) == [(4, "D", "基本情况", True)]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_imports_back_to_the_same_data(lanshan, kind):
    cycle, county, _admin, _orgs = lanshan
    commit(lanshan, lanshan_xlsx())
    before = list(ledger_rows(cycle=cycle, organization=county))
    content = export_xlsx(cycle, county)
    if kind == "csv":
        grid = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        content = csv_bytes([list(row) for row in grid[2:]], "gb18030", header=list(grid[1]))
    # Everything the ledger holds is wiped, then the exported file brings it back.
    Plan.objects.all().delete()
    OrganizationFacts.objects.all().delete()
    Organization.objects.update(secretary="", first_secretary="")
    result = preview(lanshan, content, filename=f"台账.{kind}")
    assert result.problems == []
    commit(lanshan, content, filename=f"台账.{kind}")
    after = list(ledger_rows(cycle=cycle, organization=county))
    assert [replace(row, plan_id=None) for row in after] == [replace(row, plan_id=None) for row in before]


def test_rows_outside_the_level_are_unknown_there(lanshan):
    cycle, county, admin, orgs = lanshan
    tushi = orgs[TUSHI]
    result = ledger_import_preview(actor=admin, cycle=cycle, level=tushi, filename="a.xlsx", content=lanshan_xlsx())
    assert [(p.row, p.column) for p in result.problems] == [(4, "A"), (5, "A")]


def test_a_secretary_imports_only_their_own_branch(lanshan):
    cycle, county, admin, orgs = lanshan
    branch = orgs["431127-01-001"]
    org_services.organization_update(actor=admin, organization=branch, secretary="廖仁旺", first_secretary="赵志坚")
    secretary = make_user("maojun_secretary", roles=[(branch, Role.SECRETARY)])
    assert access.can_import(secretary, branch) and not access.can_import(secretary, county)
    result = ledger_import_preview(actor=secretary, cycle=cycle, level=branch, filename="a.xlsx",
                                   content=workbook_bytes(ROWS[:1]))
    assert result.problems == [] and result.counts["matched"] == 1


def test_a_branch_secretary_may_not_change_the_secretary_by_import_as_by_the_api(lanshan, client):
    # The organization's own fields follow its rules, as the API applies them: a branch secretary
    # may write the branch's facts, not rename its secretary; an administrator above may, and each
    # organization's change is audited before and after.

    cycle, county, admin, orgs = lanshan
    branch = orgs["431127-01-001"]
    org_services.organization_update(actor=admin, organization=branch, secretary="廖仁旺", first_secretary="赵志坚")
    secretary = make_user("maojun_secretary", roles=[(branch, Role.SECRETARY)])
    client.force_login(secretary)
    refused = client.patch(f"/api/orgs/{branch.pk}", {"secretary": "唐辉"}, content_type="application/json")
    assert refused.status_code == 403

    rows = edited(ROWS[:1], {(0, 1): "唐辉"})
    result = ledger_import_preview(actor=secretary, cycle=cycle, level=branch, filename="a.xlsx",
                                   content=workbook_bytes(rows))
    assert problems_of(result) == [(4, "B", "党支部书记", True)]
    assert "廖仁旺" in result.problems[0].message
    with pytest.raises(ImportRefused):
        ledger_import_commit(actor=secretary, cycle=cycle, level=branch, filename="a.xlsx", content=workbook_bytes(rows))
    branch.refresh_from_db()
    assert branch.secretary == "廖仁旺" and not OrganizationFacts.objects.exists()

    before = AuditEvent.objects.filter(action="organization.update").count()
    counts = commit(lanshan, workbook_bytes(edited(ROWS, {(0, 1): "唐辉", (1, 2): "杨书郎"})))
    assert counts["organizations_changed"] == 5  # 毛俊村 changes; the four others get theirs for the first time
    branch.refresh_from_db()
    assert (branch.secretary, branch.first_secretary) == ("唐辉", "赵志坚")
    events = AuditEvent.objects.filter(action="organization.update").order_by("id")[before:]
    assert len(events) == 5
    event = next(event for event in events if event.object_id == str(branch.pk))
    assert (event.before, event.after, event.organization_id) == ({"secretary": "廖仁旺"}, {"secretary": "唐辉"}, branch.pk)
    assert event.actor.username == "lanshan_admin"


def test_a_row_whose_name_and_code_disagree_is_refused_not_written_elsewhere(lanshan):
    # The codes sorted apart from the names (only columns A–P sorted): each row's values would go
    # to the other organization.

    cycle, county, _admin, _orgs = lanshan
    commit(lanshan, lanshan_xlsx())
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(cycle, county)))
    sheet = book.active
    code = next(cell.column_letter for cell in sheet[2] if cell.value == "组织代码")
    first, second = [row[0].row for row in sheet.iter_rows(min_row=3) if sheet[f"D{row[0].row}"].value][:2]
    sheet[f"{code}{first}"].value, sheet[f"{code}{second}"].value = sheet[f"{code}{second}"].value, sheet[f"{code}{first}"].value
    buffer = io.BytesIO()
    book.save(buffer)
    result = preview(lanshan, buffer.getvalue())
    assert problems_of(result) == [(first, "A", "党支部名称", True), (second, "A", "党支部名称", True)]
    assert "组织代码" in result.problems[0].message
    assert {plan.row for plan in result.plans}.isdisjoint({first, second})


def test_a_shorter_basic_facts_sentence_says_which_counts_become_zero(lanshan):
    commit(lanshan, lanshan_xlsx())
    rows = edited(ROWS, {(0, 3): "支部共有党员75人，其中女党员8人，35岁以下党员15人。"})
    result = preview(lanshan, workbook_bytes(rows))
    assert problems_of(result) == [(4, "D", "基本情况", False)]  # a warning: the import may go on
    message = result.problems[0].message
    assert "预备党员" in message and "班子成员" in message and "7、3、5" in message and "女党员" not in message
    commit(lanshan, workbook_bytes(rows))
    facts = OrganizationFacts.objects.get(organization__code="431127-01-001", year=2012)
    assert (facts.probationary_members, facts.female_members, facts.leadership_size) == (0, 8, 0)


def test_the_preview_says_what_each_row_changes_field_by_field(lanshan):
    commit(lanshan, lanshan_xlsx())
    stored = OrganizationFacts.objects.get(organization__code="431127-01-001", year=2012)
    result = preview(lanshan, workbook_bytes(edited(ROWS, {(0, 4): stored.mobile_members + 3, (0, 12): "2012年9月"})))
    (plan,) = [plan for plan in result.plans if plan.facts or plan.plan or plan.organization]  # the others: as stored
    assert plan_changes(plan) == [("流动党员数", str(stored.mobile_members), str(stored.mobile_members + 3)),
                                  ("整改时限", "2012-12-31", "2012-09-30")]


def test_two_branches_of_one_name_under_the_group_row_ask_for_the_code_only(lanshan):
    cycle, county, admin, orgs = lanshan
    twin = org_services.organization_create(actor=admin, parent=orgs[TUSHI], name="四村党支部", code="431127-02-009",
                                            kind=OrganizationKind.BRANCH, sector=Sector.VILLAGE)
    grading_ensure(cycle=cycle, organization=twin)
    result = preview(lanshan, lanshan_xlsx())
    (problem,) = result.problems
    assert "组织代码" in problem.message and orgs[TUSHI].name in problem.message and "乡镇" not in problem.message


def test_a_row_with_its_code_and_a_variant_of_its_name_is_its_codes(lanshan):
    # A short form, or half-width brackets where the name has full-width ones: not another
    # organization's name, so the code decides, as it did.
    cycle, county, _admin, orgs = lanshan
    commit(lanshan, lanshan_xlsx())
    rows = edited(ROWS, {(0, 0): "毛俊村 支部"})
    header = [*flat_header(), "组织代码"]
    rows = [[*row, "431127-01-001" if number == 0 else ""] if len(row) > 1 else row for number, row in enumerate(rows)]
    result = preview(lanshan, workbook_bytes(rows, header=(header,), merges=[]))
    assert [p for p in result.problems if p.blocking] == []


def test_unchanged_multi_line_cells_are_not_changes(lanshan):
    # Texts saved from the pages keep the browser's line breaks (\r\n) and people's indents; a file
    # exported from them reads back with its lines trimmed and joined by \n. Both sides are
    # normalized alike, so an unchanged ledger changes nothing.

    cycle, county, admin, orgs = lanshan
    commit(lanshan, lanshan_xlsx())
    branch = orgs["431127-01-001"]
    facts = OrganizationFacts.objects.get(organization=branch, year=2012)
    fields = {name: getattr(facts, name) for name in org_services.FACT_FIELDS}
    org_services.facts_save(actor=admin, organization=branch, year=2012, **fields | {
        "main_features": "1、班子团结；  \r\n\r\n  2、制度健全。", "problems": "党员年龄偏大。\r\n发展党员不足。"})
    first = Measure.objects.filter(plan__organization=branch).order_by("position", "pk").first()
    rectification_services.measure_update(actor=admin, measure=first, text=" 发展党员；\r\n ")
    org_services.organization_update(actor=admin, organization=branch, first_secretary="John Smith")

    result = preview(lanshan, export_xlsx(cycle, county))
    assert result.problems == []
    assert result.counts["unchanged"] == 5
    assert [plan_row for plan_row in result.plans if plan_row.organization or plan_row.facts or plan_row.plan] == []
