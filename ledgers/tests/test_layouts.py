"""The official tables as .xlsx, read back by two readers (python-calamine and openpyxl, which must
agree on every cell and merged range; openpyxl and the file's own XML for widths, formats and print
set-up); the Lanshan demo's 附件二 gives back the sample ledger's cells."""

import datetime
import io
import zipfile
from io import StringIO
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from python_calamine import CalamineWorkbook

from cycles.models import Cycle
from ledgers import layouts, printing
from ledgers.columns import HUNAN_COLUMNS
from ledgers.layouts import forms
from ledgers.selectors import LedgerFilters, LedgerRow
from orgs.demo import LANSHAN_COUNTY

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
META = layouts.FormMeta(unit="蓝山县", filled_on=datetime.date(2012, 6, 20), cycle_name="2012", year=2012)


def ledger_row(name="毛俊村党支部", *, children=0, sector="village", code="431127-01-001", **values) -> LedgerRow:
    fields = dict(
        organization_id=1, code=code, name=name, parent_name="毛俊镇党委", sector=sector, depth=3,
        children_count=children, secretary="廖仁旺", first_secretary="赵志坚", members_total=75, probationary_members=7,
        female_members=8, members_under_35=15, college_members=3, leadership_size=5, mobile_members=11,
        venue_status="built", venue_expected_completion=None, main_features="1、班子有战斗力；\n2、制度健全。",
        problems="党员、干部结构不够优化。", state="approved", declared_grade="good", superior_grade="good", final_stars=None,
        target_grade="good", measures="1、发展2名35岁以下的优秀青年入党；", deadline=datetime.date(2012, 12, 31),
        assisting_unit="毛俊镇人民政府", liaison_leader="赵志坚", responsible_person="廖仁旺")
    fields.update(values)
    return LedgerRow(**fields)


class Written:
    """A written workbook as two readers see it: they must agree on every cell and merged range."""

    def __init__(self, data: bytes):
        self.data = data
        self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.opened = openpyxl.load_workbook(io.BytesIO(data))
        assert self.opened.sheetnames == self.book.sheet_names
        for index, sheet in enumerate(self.opened.worksheets):
            cells = self.cells(index)
            second = [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]
            assert [row[:len(cells[0])] for row in second] == cells, sheet.title
            assert {str(merged) for merged in sheet.merged_cells.ranges} == self.merges(index)

    @property
    def sheet_names(self) -> list[str]:
        return self.book.sheet_names

    def cells(self, sheet=0) -> list[list]:
        return self.book.get_sheet_by_index(sheet).to_python(skip_empty_area=False)

    def merges(self, sheet=0) -> set[str]:
        """Merged ranges as A1 references."""
        def ref(row, col):
            return f"{chr(65 + col)}{row + 1}"
        return {f"{ref(*start)}:{ref(*end)}" for start, end in self.book.get_sheet_by_index(sheet).merged_cell_ranges}

    def sheet(self, index=0):
        """The sheet as openpyxl reads it: formats, widths, print set-up."""
        return self.opened.worksheets[index]

    def xml(self, sheet=0) -> ElementTree.Element:
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            return ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{sheet + 1}.xml"))

    def workbook_xml(self) -> ElementTree.Element:
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            return ElementTree.fromstring(archive.read("xl/workbook.xml"))

    def widths(self, sheet=0) -> list[float]:
        """Each column's width as Excel shows it (the file keeps a few pixels of padding on top)."""
        return [round(float(col.get("width")) - 0.71, 1) for col in self.xml(sheet).find("m:cols", NS)
                for _column in range(int(col.get("min")), int(col.get("max")) + 1)]


def write(function, *args, **kwargs) -> tuple[Written, layouts.WriteResult]:
    output = io.BytesIO()
    result = function(*args, output, **kwargs)
    return Written(output.getvalue()), result


def test_ledger_has_the_samples_two_row_header_title_and_info_line():
    rows = [ledger_row("中共蓝山县土市乡委员会", children=3), ledger_row("四村党支部", declared_grade="fairly_good",
                                                                     superior_grade="average", target_grade="fairly_good")]
    written, result = write(layouts.write_hunan_ledger, rows, META)
    cells = written.cells()
    assert result.rows == 2
    assert cells[0][0] == "蓝山县基层党组织分类定级晋位升级目标管理工作台账"
    assert cells[1][0] == "填报单位：蓝山县" and "填报时间：2012年6月20日" in cells[1]
    assert cells[2][:4] == ["党支部名称", "党支部书记", "第一书记", "党组织情况"]
    assert cells[2][8:11] == ["支部申报定级类别", "上级党组织定级类别", "整改情况"]
    assert cells[3][3:8] == ["基本情况", "流动党员数", "活动场所情况", "主要特点", "存在问题"]
    assert cells[3][10:16] == ["晋位升级目标", "整改措施", "整改时限", "帮扶单位", "联系领导", "整改责任人"]
    assert cells[2][16] == "组织代码"  # the trailing code column, on by default
    merges = written.merges()
    assert {"A1:Q1", "D3:H3", "K3:P3", "A3:A4", "B3:B4", "C3:C4", "I3:I4", "J3:J4", "Q3:Q4"} <= merges
    # the group row: its name alone in the first column
    assert cells[4][0] == "中共蓝山县土市乡委员会" and all(value == "" for value in cells[4][1:])
    assert cells[5][:11] == ["四村党支部", "廖仁旺", "赵志坚",
                             "支部共有党员75人，其中预备党员7人，女党员8人，35岁以下党员15人，大专及以上党员3人，班子成员5人。",
                             11, "已建", "1、班子有战斗力；\n2、制度健全。", "党员、干部结构不够优化。", "较好", "一般", "较好"]
    assert cells[5][12:] == ["2012年底", "毛俊镇人民政府", "赵志坚", "廖仁旺", "431127-01-001"]
    assert written.widths()[:16] == [float(column.width) for column in HUNAN_COLUMNS]


def test_ledger_without_the_code_column_is_exactly_the_official_sixteen_columns():
    written, _result = write(layouts.write_hunan_ledger, [ledger_row()], META, code_column=False)
    cells = written.cells()
    assert len(cells[2]) == 16 and cells[2][10] == "整改情况"
    assert "A1:P1" in written.merges() and "K3:P3" in written.merges()


def test_ledger_prints_on_a4_landscape_fitted_to_width_with_header_rows_repeated():
    written, _result = write(layouts.write_hunan_ledger, [ledger_row()], META)
    sheet = written.sheet()
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToHeight) == (9, "landscape", 0)
    assert setup.fitToWidth in (None, 1)  # 1 is Excel's default, which the file may leave out
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_options.horizontalCentered
    assert sheet.print_title_rows.replace("$", "") == "3:4" and sheet.freeze_panes == "A5"
    assert sheet["D5"].alignment.wrap_text and sheet["D3"].font.b and sheet["A5"].border.left.style == "thin"


def test_text_with_control_characters_is_written_without_them():
    written, _result = write(layouts.write_hunan_ledger, [ledger_row(measures="整改\x07措施")], META)
    assert written.cells()[4][11] == "整改措施"


def test_text_that_looks_like_a_formula_stays_text():
    rows = [ledger_row(measures="=HYPERLINK(\"http://x\")", name="=1+1", secretary="+86 123", first_secretary="-1",
                       assisting_unit="@SUM(A1)", liaison_leader="http://example.invalid")]
    written, _result = write(layouts.write_hunan_ledger, rows, META)
    row = written.cells()[4]
    assert row[:3] == ["=1+1", "+86 123", "-1"] and row[11] == '=HYPERLINK("http://x")'
    assert row[13:15] == ["@SUM(A1)", "http://example.invalid"]
    assert {written.sheet()[f"{column}5"].data_type for column in "ABCLNO"} == {"s"}
    assert written.xml().findall(".//m:f", NS) == [] and written.xml().find("m:hyperlinks", NS) is None


def test_leading_and_trailing_spaces_and_markup_characters_are_kept():
    written, _result = write(layouts.write_hunan_ledger, [ledger_row(measures=" 1、整改 & <措施> ")], META)
    assert written.cells()[4][11] == " 1、整改 & <措施> "


def test_a_100_row_ledger_streams_from_a_generator():
    written, result = write(layouts.write_hunan_ledger, (ledger_row(f"{n}村党支部") for n in range(100)), META)
    assert result.rows == 100 and written.cells()[103][0] == "99村党支部"


def test_roster_ticks_the_grade_and_cuts_measures_at_150_characters_with_a_mark():
    long = "加强党员教育管理，" * 20  # 180 characters
    rows = [ledger_row("甲村党支部", declared_grade="advanced", superior_grade="average", target_grade="advanced",
                       measures=long),
            ledger_row("乙村党支部", declared_grade="lagging", superior_grade="", target_grade="lagging",
                       measures="建好活动阵地"),
            ledger_row("街道党工委", children=2, sector="street_committee")]
    written, result = write(layouts.write_roster, rows, META)
    assert result.cut_cells == 1 and result.rows == 2
    cells = written.cells()
    assert cells[0][0] == "全区“三分类三升级”活动基层党组织分类名单统计表"
    assert cells[1][0] == "填报单位：蓝山县" and cells[2][0] == "领域（行业）：农村"
    assert cells[3] == ["序号", "党组织名称", "所分类别", "", "", "升级目标", "升级措施", "升级时限"]
    assert cells[4][2:5] == ["先进", "一般", "后进"]
    assert {"C4:E4", "A4:A5", "B4:B5", "F4:F5", "G4:G5", "H4:H5"} <= written.merges()
    first, second = cells[5], cells[6]
    assert first[:5] == [1, "甲村党支部", "", "√", ""]  # the superior's grade, 一般
    assert first[5] == "争创“先进”" and len(first[6]) == 150 and first[6].endswith("…") and first[6][:149] == long[:149]
    assert second[:5] == [2, "乙村党支部", "", "", "√"]  # no superior's grade yet: the declared one
    assert second[5] == "巩固提高" and second[6] == "建好活动阵地" and second[7] == "2012年底"
    notes = [row[0] for row in cells[7:]]
    assert notes[0] == "说明：1.此表分领域(行业)分别统计。" and "3.“升级措施”栏填主要措施，字数不超过150字。" in notes
    assert "5.“所分类别”栏，在选择项下划“√”。" in notes and "A8:H8" in written.merges()


def test_roster_has_one_sheet_per_sector_and_leaves_sites_to_their_own_form():
    rows = [ledger_row("甲村党支部", declared_grade="advanced"), ledger_row("甲社区党委", sector="community"),
            ledger_row("甲站点", sector="remote_education_site", declared_grade="average_site",
                       superior_grade="excellent_site")]
    written, _result = write(layouts.write_roster, rows, META)
    assert written.sheet_names == ["农村", "社区"]
    sites, _result = write(layouts.write_site_roster, rows, META)
    cells = sites.cells()
    assert cells[0][0] == "全区“三分类三升级”活动远程教育站点分类名单统计表"
    assert cells[2][1] == "站点名称" and cells[3][2:5] == ["优秀站点", "一般站点", "后进站点"]
    assert cells[4][:5] == [1, "甲站点", "√", "", ""] and len(cells) == 5 + len(layouts.SITE_ROSTER_NOTES)
    assert cells[5][0] == "说明：1.此表仅街道填报。"


UNITS = [  # "organizations": every organization of the cycle under the unit, by sector, graded or not
    ("甲街道党工委", {"grade": {"community:advanced": 2, "community:average": 1, "village:lagging": 1,
                          "remote_education_site:excellent_site": 1},
                "organizations": {"community": 5, "village": 1, "remote_education_site": 3}}),
    ("乙街道党工委", {"grade": {"community:average": 1}, "organizations": {"community": 4, "agency": 2}}),
    ("合计", {"grade": {"community:advanced": 2, "community:average": 2, "village:lagging": 1,
                      "remote_education_site:excellent_site": 1},
            "organizations": {"community": 9, "village": 1, "agency": 2, "remote_education_site": 3}}),
]


def test_tally_counts_every_organization_on_one_sheet_per_sector_with_shares_as_percentages():
    written, _result = write(layouts.write_tally, UNITS, META)
    assert written.sheet_names == ["农村", "社区", "机关"]  # 机关: none graded yet, a sheet all the same
    cells = written.cells(1)
    assert cells[0][0] == "全区“三分类三升级”活动基层党组织分类情况汇总表" and cells[2][0] == "领域（行业）：社区"
    assert cells[3][:4] == ["序号", "单位", "党组织总数", "分类情况（个）"] and cells[3][6] == "所占比例（%）"
    assert cells[4][3:9] == ["先进", "一般", "后进", "先进", "一般", "后进"]
    assert {"D4:F4", "G4:I4", "A4:A5", "J4:J5"} <= written.merges(1)
    # Three of the five communities graded: the total is five, the shares are of five.
    assert cells[5][:9] == [1, "甲街道党工委", 5, 2, 1, 0, 0.4, 0.2, 0.0]
    assert cells[6][:9] == [2, "乙街道党工委", 4, 0, 1, 0, 0.0, 0.25, 0.0]
    assert cells[7][:6] == ["", "合计", 9, 2, 2, 0]
    assert cells[8][0] == "说明：1.此表分领域(行业)分别统计。"
    share = written.sheet(1)["G6"]
    assert share.data_type == "n" and share.value == 0.4 and share.number_format == "0.0%"
    assert written.cells(2)[5][:9] == [1, "甲街道党工委", 0, 0, 0, 0, "", "", ""]  # no organization: no share
    one, _result = write(layouts.write_tally, UNITS, META, sector="village")
    assert one.sheet_names == ["农村"] and one.cells()[7][:7] == ["", "合计", 1, 0, 0, 1, 0.0]


def test_site_tally_and_hunan_summary_count_their_own_grades():
    sites, _result = write(layouts.write_site_tally, UNITS, META)
    cells = sites.cells()
    assert cells[0][0] == "全区“三分类三升级”活动远程教育站点分类情况汇总表"
    assert cells[2][1:3] == ["街道", "站点总数"] and cells[3][3:6] == ["优秀站点", "一般站点", "后进站点"]
    assert cells[4][:7] == [1, "甲街道党工委", 3, 1, 0, 0, 1 / 3] and cells[-1][0] == "2.表格行数可根据实际情况增减。"
    units = [("毛俊镇党委", {"grade": {"village:good": 1, "village:fairly_good": 1}, "organizations": {"village": 4}}),
             ("合计", {"grade": {"village:good": 1, "village:fairly_good": 1, "village:poor": 1},
                     "organizations": {"village": 6}})]
    summary, _result = write(layouts.write_hunan_summary, units, META)
    cells = summary.cells()
    assert cells[0][0] == "蓝山县基层党组织分类定级晋位升级情况汇总表"
    assert cells[3][3:7] == ["好", "较好", "一般", "较差"]
    assert cells[2][2] == "已定级党组织数"  # what the total counts: the organizations whose grade is set
    assert cells[4][:11] == [1, "毛俊镇党委", 2, 1, 1, 0, 0, 0.5, 0.5, 0.0, 0.0]
    assert cells[5][:7] == ["", "合计", 3, 1, 1, 0, 1]


def test_declaration_is_one_sheet_per_organization_with_signature_line_and_note():
    rows = [ledger_row("毛俊村党支部"), ledger_row("毛俊镇党委", children=2), ledger_row("西岭头村党支部")]
    written, result = write(layouts.write_declarations, rows, META)
    assert written.sheet_names == ["毛俊村党支部", "西岭头村党支部"] and result.rows == 2
    cells = written.cells()
    assert cells[0][0] == "全区“三分类三升级”活动基层党组织分类定级申报表"
    assert cells[2][:2] == ["党组织名称", "毛俊村党支部"] and "B3:D3" in written.merges()
    labels = [row[0] for row in cells]
    assert {"基本情况", "年度升级目标", "整改措施", "升级时限"} <= set(labels)
    assert labels[-2].startswith("书记(签名)：") and "联系电话：" in labels[-2]
    assert labels[-1] == "注：“年度升级目标”和“整改措施”栏可附专项材料。"


def test_sheet_names_are_short_clean_and_unique():
    used = set()
    assert forms._sheet_name("甲/乙:丙" * 10, used) == ("甲乙丙" * 10)[:28]
    assert forms._sheet_name("甲/乙:丙" * 10, used) == ("甲乙丙" * 10)[:28] + "(2)"


# ---------------------------------------------------------------------------------------------
# The Lanshan demo: 附件二 gives back the sample's cells


@pytest.fixture(scope="module")
def lanshan(django_db_setup, django_db_blocker):
    """The demo (whose ledger holds the sample's rectification columns), in a transaction rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        cycle = Cycle.objects.get(year=2012, owner__code=LANSHAN_COUNTY)
        yield cycle
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_lanshan_ledger_gives_back_the_samples_cells(lanshan):
    county = lanshan.owner
    tables = printing.form_tables(layouts.FORMS["hunan-ledger"], cycle=lanshan, level=county, filters=LedgerFilters(),
                                  meta=printing.form_meta(cycle=lanshan, level=county), code_column=True)
    output = io.BytesIO()
    layouts.write_tables(tables, output)
    cells = Written(output.getvalue()).cells()
    assert cells[0][0] == "中共蓝山县委员会基层党组织分类定级晋位升级目标管理工作台账"
    body = cells[4:]
    assert [row[0] for row in body] == ["中共蓝山县毛俊镇委员会", "毛俊村党支部", "西岭头村党支部", "中共蓝山县土市乡委员会",
                                        "四村党支部", "土市村党支部", "上泉洞村党支部"]
    assert all(value == "" for value in body[3][1:])  # 土市乡 alone on its row
    maojun, xilingtou, sicun = body[1], body[2], body[4]
    assert maojun[:6] == ["毛俊村党支部", "廖仁旺", "赵志坚",
                          "支部共有党员75人，其中预备党员7人，女党员8人，35岁以下党员15人，大专及以上党员3人，班子成员5人。",
                          11, "已建"]
    assert xilingtou[3] == "支部共有党员24人，其中女党员3人，35岁以下党员1人，班子成员3人。"
    assert [row[5] for row in body if row[1]] == ["已建", "已建", "2012年8月完工", "2012年6月完工", "2012年7月完工"]
    assert [row[8:11] for row in body if row[1]] == [["好", "好", "好"], ["较好", "较好", "好"], ["较好", "一般", "较好"],
                                                     ["一般", "一般", "较好"], ["较差", "较差", "一般"]]
    assert sicun[11] == "1、8月底前建好村级活动阵地；\n2、加大新农村建设力度，制定好新农村建设的规划和符合实际的年度计划。"
    assert sicun[12:] == ["2012年底", "县检察院", "杨书郎", "黄玉生", "431127-02-001"]
    assert maojun[13] == "毛俊镇人民政府"


@pytest.mark.django_db
def test_lanshan_summary_counts_each_town_and_the_county(lanshan):
    county = lanshan.owner
    units = printing.unit_counts(cycle=lanshan, level=county)
    tables = layouts.hunan_summary_tables(units, printing.form_meta(cycle=lanshan, level=county))
    output = io.BytesIO()
    layouts.write_tables(tables, output)
    cells = Written(output.getvalue()).cells()
    body = {row[1]: row[2:7] for row in cells[4:] if row[1]}
    assert body["中共蓝山县毛俊镇委员会"] == [2, 1, 1, 0, 0]
    assert body["中共蓝山县土市乡委员会"] == [3, 0, 0, 2, 1]
    assert body["合计"] == [5, 1, 1, 2, 1]


@pytest.mark.django_db
def test_lanshan_roster_ticks_under_the_cycles_own_four_grades(lanshan):
    county = lanshan.owner
    meta = printing.form_meta(cycle=lanshan, level=county)
    assert meta.grades == ("good", "fairly_good", "average", "poor")
    tables = printing.form_tables(layouts.FORMS["roster"], cycle=lanshan, level=county, filters=LedgerFilters(), meta=meta)
    output = io.BytesIO()
    result = layouts.write_tables(tables, output)
    cells = Written(output.getvalue()).cells()
    assert result.rows == 5 and cells[2][0] == "领域（行业）：农村" and cells[4][2:6] == ["好", "较好", "一般", "较差"]
    ticks = {row[1]: row[2:6] for row in cells[5:10]}
    assert ticks["毛俊村党支部"] == ["√", "", "", ""] and ticks["四村党支部"] == ["", "", "√", ""]
    assert ticks["上泉洞村党支部"] == ["", "", "", "√"]
    assert {row[1]: row[6] for row in cells[5:10]}["四村党支部"] == "争创“较好”"
