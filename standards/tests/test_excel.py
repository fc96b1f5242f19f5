"""A standard to Excel and back: the file written, a second reader's view of it, a sheet edited by
hand, and every problem named by its cell."""

from decimal import Decimal as D
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from python_calamine import CalamineWorkbook

from standards import selectors
from standards.excel import standard_from_xlsx, standard_to_xlsx
from standards.structure import IndicatorData, ItemData, StandardData, VetoData
from standards.tests.factories import SMALL, make_standard

HEADERS = ["指标", "编号", "评分要点", "分值", "扣分方式", "每次扣分", "评分说明"]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source form, whatever the catalogue says."""
    with translation.override("en"):
        yield


def large() -> StandardData:
    """Six indicators of uneven size (25 items), halves of points, multi-line guidance, codes Excel
    would otherwise turn into numbers ("3.10"), every veto trigger."""
    indicators, n = [], 0
    for number, size in enumerate((1, 5, 2, 8, 3, 6), start=1):
        items = []
        for position in range(1, size + 1):
            max_points = {0: D("2.5"), 1: D("5.5")}.get(n, D(4))  # 2.5 + 5.5 + 23 × 4 = 100
            deduction = D("0.5") if n % 4 == 0 else D(2)
            items.append(ItemData(
                code=f"{number}.{position}" if position != 1 else f"{number}.10",
                text=f"评分要点（{n}）：是否落实“三会一课”制度",
                max_points=max_points,
                deduction_kind="fixed" if n % 3 == 0 else "per_occurrence",
                deduction_points=deduction,
                guidance=f"第{n}项未完成的，\n每次扣{deduction}分" if n % 2 else "",
            ))
            n += 1
        indicators.append(IndicatorData(f"第{number}项指标", tuple(items)))
    return StandardData(tuple(indicators), (
        VetoData("发生严重违纪违法问题的"),
        VetoData("没有党组织书记超过半年的", "no_secretary"),
        VetoData("群众满意度低于62.5%的", "satisfaction_below", D("0.625")),
    ))


def write(data: StandardData = SMALL) -> bytes:
    return standard_to_xlsx(title="村党组织星级评价标准", issuer_name="青山县委组织部", sector_label="农村",
                            year=2026, data=data)


def messages(file) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        standard_from_xlsx(file)
    return raised.value.message_dict["file"]


def edited(data: StandardData, change) -> bytes:
    """The written file after ``change(sheet)``, saved again as Excel would."""
    workbook = openpyxl.load_workbook(BytesIO(write(data)))
    change(workbook.active)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("data", [SMALL, large(), StandardData(SMALL.indicators)], ids=["small", "large", "no-vetoes"])
def test_round_trip(data):
    assert standard_from_xlsx(write(data)) == data


def test_round_trip_from_an_upload_and_a_path(tmp_path):
    content = write()
    assert standard_from_xlsx(SimpleUploadedFile("标准.xlsx", content)) == SMALL
    path = tmp_path / "标准.xlsx"
    path.write_bytes(content)
    assert standard_from_xlsx(path) == SMALL


@pytest.mark.django_db
def test_round_trip_of_a_saved_standard(world):
    standard = make_standard(world.county_admin, world.county, data=large())
    saved = selectors.standard_structure(standard=standard)
    assert standard_from_xlsx(write(saved)) == saved == large()


# ---------------------------------------------------------------- the file written


def test_a_second_reader_sees_the_table():
    sheet = CalamineWorkbook.from_filelike(BytesIO(write())).get_sheet_by_name("评价标准")
    rows = sheet.to_python()
    assert rows[0][0] == "村党组织星级评价标准"
    assert rows[1][0] == "发布单位：青山县委组织部　领域：农村　年度：2026"
    assert rows[2] == HEADERS
    assert rows[3] == ["党组织带头人", "1.1", "书记参加培训", 30, "每次扣分", 5, "每缺1次扣5分"]
    assert rows[4][1:6] == ["1.2", "班子健全", 20, "一次扣分", 10]
    assert rows[5][0] == "工作业绩" and rows[5][3] == 50
    assert rows[6][0] == "合计"
    assert not any(rows[7])
    assert rows[8][0] == "直接定为后进情形"
    assert [rows[9][0], rows[9][1], rows[9][5], rows[9][6]] == ["序号", "情形", "触发方式", "阈值"]
    assert [row[5] for row in rows[10:13]] == ["人工认定", "无书记", "满意度低于"]
    assert rows[12][6] == 0.6
    # calamine counts from 0: title and issuer lines across A:G, 党组织带头人 over rows 4–5, 合计 over A:C
    merged = set(sheet.merged_cell_ranges)
    assert {((0, 0), (0, 6)), ((1, 0), (1, 6)), ((3, 0), (4, 0)), ((6, 0), (6, 2)), ((8, 0), (8, 6))} <= merged


def test_layout_for_people_and_printing():
    sheet = openpyxl.load_workbook(BytesIO(write())).active
    assert sheet.title == "评价标准"
    assert {"A1:G1", "A2:G2", "A4:A5", "A7:C7", "A9:G9", "B10:E10", "B13:E13"} <= {
        str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet["D7"].value == "=SUM(D4:D6)"
    assert sheet["G13"].value == 0.6 and sheet["G13"].number_format == "0%"
    assert all(sheet.cell(3, column).font.b for column in range(1, 8))
    assert sheet["C4"].alignment.wrap_text and sheet["C4"].border.left.style == "thin"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width
    lists = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert lists == {"E4:E6": '"每次扣分,一次扣分"', "F11:F13": '"人工认定,满意度低于,无书记"'}
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (None, 1)  # 1: the default
    assert sheet.page_setup.fitToHeight == 0 and sheet.print_options.horizontalCentered
    assert sheet.print_title_rows == "$3:$3" and sheet.freeze_panes == "A4"


def test_text_that_looks_like_a_formula_is_written_as_text_and_reads_back():
    # Typed into an item by a person, it is text: never a live formula or link in the file sent out.
    hyperlink = '=HYPERLINK("http://example.invalid","点击查看")'
    item = ItemData("1.1", hyperlink, D(30), "per_occurrence", D(5), "+86 010 1234；-1 分；@全体")
    data = StandardData((IndicatorData("=1+1", (item,) + SMALL.indicators[0].items[1:]),) + SMALL.indicators[1:],
                        SMALL.vetoes)
    content = write(data)
    sheet = openpyxl.load_workbook(BytesIO(content)).active
    assert (sheet["C4"].value, sheet["C4"].data_type) == (hyperlink, "s")
    assert (sheet["A4"].value, sheet["A4"].data_type) == ("=1+1", "s")
    assert (sheet["G4"].value, sheet["G4"].data_type) == ("+86 010 1234；-1 分；@全体", "s")
    assert all(cell.hyperlink is None for row in sheet.iter_rows() for cell in row)
    rows = CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[3][2] == hyperlink and rows[6][3] == 100  # the total's formula keeps its value for readers
    assert standard_from_xlsx(content) == data


# ---------------------------------------------------------------- a sheet edited by a person


def test_a_sheet_edited_like_a_person_reads():
    workbook = openpyxl.Workbook()
    workbook.active.title = "填表说明"
    workbook.active["A1"] = "请在第二张表中填写"
    sheet = workbook.create_sheet("Sheet1")
    sheet["A1"] = "村党组织星级评价标准（修订稿）"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "2026年度"
    # Row 3 left blank; the columns reordered, headers wrapped and spaced by hand, one extra column.
    sheet.append([])
    sheet.append(["编号", "评价\n指标", "分　值", " 评分要点 ", "每次扣分", "扣分方式", "评分说明", "经办人"])
    sheet.append(["1.1", "党组织\n带头人", "３０", "书记参加培训", "５", "按次", "  每缺1次扣5分　", "张三"])
    sheet.append([1.2, None, " 20 分", "班子健全\n", 10, "固定", None])
    sheet.merge_cells("B5:B6")
    sheet.append([])
    sheet.append(["2.1", "　工作业绩　", 50.0, "完成年度任务", "10", "per_occurrence"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["合计", None, 100])
    sheet.append([])
    sheet.append(["直接定为后进情形"])
    sheet.append(["序号", "触发方式", "情形", None, "阈值"])
    sheet.append([1, None, "近一年来出现严重群体性事件的"])
    sheet.append([2, "无党组织书记", "近一年来没有党组织书记的"])
    sheet.append([None, "满意度", "社区党组织民主评议党员群众满意度低于60%的", None, "６０%"])
    sheet.append([4])
    sheet.append(["注：本表由县委组织部负责解释。"])
    sheet.merge_cells(f"A{sheet.max_row}:H{sheet.max_row}")
    output = BytesIO()
    workbook.save(output)

    assert standard_from_xlsx(output.getvalue()) == SMALL


def test_indicator_names_repeated_on_every_row_read_as_one_indicator():
    def repeat(sheet):
        sheet.unmerge_cells("A4:A5")
        sheet["A5"] = "党组织带头人"

    assert standard_from_xlsx(edited(SMALL, repeat)) == SMALL


def test_a_row_added_by_hand_above_the_total_joins_its_indicator():
    def add(sheet):
        for merged in list(sheet.merged_cells.ranges):  # openpyxl does not move merged ranges on insert
            sheet.unmerge_cells(str(merged))
        sheet["D6"] = 40
        sheet.insert_rows(7)
        for column, value in enumerate([None, "2.2", "按时报送材料", 10, "一次扣分", 2], start=1):
            sheet.cell(7, column, value)

    data = standard_from_xlsx(edited(SMALL, add))
    assert [item.code for item in data.indicators[1].items] == ["2.1", "2.2"]
    assert data.indicators[1].items[1] == ItemData("2.2", "按时报送材料", D(10), "fixed", D(2))


# ---------------------------------------------------------------- problems, each named by its cell


def test_a_non_number_in_points_names_row_and_column():
    assert messages(edited(SMALL, lambda sheet: sheet.cell(5, 4, "abc"))) == [
        'Row 5, column D (分值): "abc" is not a number.']


def test_every_cell_problem_is_collected():
    def spoil(sheet):
        sheet["D4"] = "三十"
        sheet["E5"] = "看情况"
        sheet["F6"] = None
        sheet["B6"] = None
        sheet["F13"] = "有时"
        sheet["G13"] = "六成"

    assert messages(edited(SMALL, spoil)) == [
        'Row 4, column D (分值): "三十" is not a number.',
        'Row 5, column E (扣分方式): "看情况" is not a deduction rule; choose 每次扣分、一次扣分.',
        "Row 6, column B (编号): the cell is empty.",
        "Row 6, column F (每次扣分): the cell is empty.",
        'Row 13, column F (触发方式): "有时" is not a trigger; choose 人工认定、满意度低于、无书记.',
        'Row 13, column G (阈值): "六成" is not a number.',
    ]


def test_an_item_before_any_indicator_names_the_indicator_cell():
    def unname(sheet):
        sheet.unmerge_cells("A4:A5")
        sheet["A4"] = None

    assert messages(edited(SMALL, unname)) == ["Row 4, column A (指标): the cell is empty.",
                                               "Row 5, column A (指标): the cell is empty."]


def test_maximums_not_adding_to_100_are_reported():
    assert messages(edited(SMALL, lambda sheet: sheet.cell(4, 4, 25))) == [
        "The items' maximum points add up to 95, not 100."]


def test_structure_problems_are_reported_together():
    def spoil(sheet):
        sheet["B5"] = "1.1"
        sheet["F5"] = 30

    assert messages(edited(SMALL, spoil)) == [
        "Item 1.1: the code is used twice.",
        "Item 1.1: the points deducted (30) exceed the item's maximum (20).",
    ]


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 8,
    "指标,编号,评分要点,分值,扣分方式,每次扣分\n党组织带头人,1.1,书记参加培训,30,每次扣分,5\n".encode("gb18030"),
    b"",
], ids=["random-bytes", "csv", "empty"])
def test_a_file_that_is_not_a_workbook_gets_one_clear_message(tmp_path, content):
    path = tmp_path / "标准.xlsx"
    path.write_bytes(content)
    for file in (path, content, SimpleUploadedFile("标准.xlsx", content)):
        assert messages(file) == [
            "The file could not be read as an Excel workbook (.xlsx). If it is an .xls or CSV file, "
            "open it in Excel, save it as .xlsx and upload it again."]


def test_an_empty_sheet_has_no_header_row():
    output = BytesIO()
    openpyxl.Workbook().save(output)
    assert messages(output.getvalue()) == [
        "No header row found: the sheet needs a row with the columns 指标、编号、评分要点、分值、扣分方式、每次扣分."]


def test_a_header_row_missing_a_column_names_it():
    assert messages(edited(SMALL, lambda sheet: sheet.cell(3, 4, "权重"))) == [
        "Row 3 looks like the header row but lacks the columns 分值."]
