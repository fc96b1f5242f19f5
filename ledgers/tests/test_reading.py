"""Reading ledger files as people type them: titles, merged two-row headers, group rows, names broken
by spaces, full-width spaces, line breaks in cells; .xlsx, .xls, .csv in UTF-8 and GB18030; and the
files that cannot be read, each said in words."""

import datetime
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from core.tests.test_workbooks import cut_reader
from ledgers.reading import column_letter, read_ledger
from ledgers.tests.files import lanshan
from ledgers.tests.files.lanshan import MERGES, ROWS, csv_bytes, flat_header, workbook_bytes, xls_bytes


def names(reading):
    return [(row.number, row.group, row.values["name"]) for row in reading.rows]


def test_column_letters():
    assert [column_letter(n) for n in (0, 3, 25, 26, 27, 701, 702)] == ["A", "D", "Z", "AA", "AB", "ZZ", "AAA"]


def test_the_lanshan_sample_under_its_title_with_the_two_row_merged_header():
    reading = read_ledger("蓝山县台账.xlsx", lanshan.lanshan_xlsx())
    assert reading.ok, reading.problems
    assert reading.header_rows == [2, 3]
    assert {key: reading.letter(key) for key in ("name", "secretary", "basic_facts", "mobile_members", "venue",
                                                 "declared_grade", "superior_grade", "target_grade", "measures",
                                                 "responsible_person")} == {
        "name": "A", "secretary": "B", "basic_facts": "D", "mobile_members": "E", "venue": "F", "declared_grade": "I",
        "superior_grade": "J", "target_grade": "K", "measures": "L", "responsible_person": "P"}
    # The group row 土市乡 (row 6) is no data row: it heads the three branches below it; the note is skipped.
    assert names(reading) == [(4, "", "毛俊村党支部"), (5, "", "西岭头村党支部"), (7, "土市乡", "四村党支部"),
                              (8, "土市乡", "土市村党支部"), (9, "土市乡", "上泉洞村党支部")]
    shangquan = reading.rows[-1].values
    assert shangquan["measures"] == ("1、7月底前建好村级活动阵地；\n2、加强对党员的管理，发挥党员的作用，多发展培养优秀青年入党；\n"
                                     "3、村支两委加强沟通，凝聚合力促发展。")
    assert shangquan["assisting_unit"] == "县盐业公司、商业事务办"  # the full-width space at the end is gone
    assert shangquan["mobile_members"] == 7 and shangquan["declared_grade"] == "较差"
    assert reading.rows[0].values["main_features"].count("\n") == 3


def test_names_broken_by_spaces_and_full_width_spaces_are_joined():
    rows = [["上泉      洞村      党支部", "唐\u3000召生", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
    reading = read_ledger("a.xlsx", workbook_bytes(rows, title=False, header=(flat_header(),)))
    assert [row.values["name"] for row in reading.rows] == ["上泉洞村党支部"]
    assert reading.rows[0].values["secretary"] == "唐召生"
    assert reading.header_rows == [1] and reading.rows[0].number == 2


def test_csv_in_utf8_with_a_bom_and_in_gb18030():
    for content in (b"\xef\xbb\xbf" + csv_bytes(ROWS, "utf-8"), csv_bytes(ROWS, "utf-8"), csv_bytes(ROWS, "gb18030")):
        reading = read_ledger("台账.csv", content)
        assert reading.ok, reading.problems
        assert [name for _n, _g, name in names(reading)] == ["毛俊村党支部", "西岭头村党支部", "四村党支部", "土市村党支部",
                                                            "上泉洞村党支部"]
        assert reading.rows[2].group == "土市乡"
        assert reading.rows[0].values["measures"].startswith("1、发展2名35岁以下的优秀青年入党；\n2、")


def test_csv_in_another_encoding_is_refused_clearly():
    reading = read_ledger("台账.csv", csv_bytes(ROWS, "utf-16"))
    assert not reading.ok
    assert "UTF-16" in reading.problems[0].message


def test_old_excel_xls_with_a_title():
    reading = read_ledger("台账.xls", xls_bytes(ROWS))
    assert reading.ok, reading.problems
    assert reading.header_rows == [2]
    assert names(reading)[0] == (3, "", "毛俊村党支部")
    assert reading.rows[0].values["mobile_members"] == 11


def test_excel_dates_and_numbers_come_as_values():
    row = ["毛俊村党支部", "", "", "", 11.0, "", "", "", "", "", "", "", datetime.date(2012, 8, 31), "", "", ""]
    reading = read_ledger("a.xlsx", workbook_bytes([row], title=False, header=(flat_header(),)))
    assert reading.rows[0].values["deadline"] == datetime.date(2012, 8, 31)
    assert reading.rows[0].values["mobile_members"] == 11


def test_the_code_column_is_found():
    header = [*flat_header(), "组织代码"]
    row = ["毛俊村党支部", "廖仁旺", *[""] * 14, "431127-01-001"]
    reading = read_ledger("a.xlsx", workbook_bytes([row], title=False, header=(header,)))
    assert reading.letter("code") == "Q" and reading.rows[0].values["code"] == "431127-01-001"


def test_unreadable_and_wrong_files_are_problems_not_errors():
    for filename, content, words in (
        ("台账.xlsx", b"this is not a workbook", "Excel"),
        ("台账.xls", b"\xd0\xcf\x11\xe0garbage", "Excel"),
        ("台账.pdf", b"%PDF-1.4", "台账.pdf"),
        ("台账.xlsx", b"", "空"),
        ("台账.csv", lanshan.lanshan_xlsx(), ".csv"),
        # Saved by Excel with a password (用密码进行加密): an OLE file holding the encrypted workbook.
        ("台账.xlsx", (Path(__file__).parent / "files" / "password.xlsx").read_bytes(), "密码"),
        # A web page named .xls, as some systems export their tables.
        ("台账.xls", "<html><body><table><tr><td>党支部名称</td></tr></table></body></html>".encode(), "另存为"),
    ):
        reading = read_ledger(filename, content)
        assert not reading.ok and len(reading.problems) == 1, filename
        assert reading.rows == []
        problem = reading.problems[0]
        assert problem.row is None and problem.message
        assert words in problem.message, (filename, problem.message)


def test_a_header_with_no_rows_under_it_has_nothing_to_import():
    reading = read_ledger("台账.xlsx", workbook_bytes([], title=True))
    assert not reading.ok and reading.rows == [] and "没有" in reading.problems[0].message
    assert reading.problems[0].row == reading.header_rows[-1]


def test_a_file_without_the_ledger_header_says_so():
    reading = read_ledger("a.csv", "甲,乙,丙\n1,2,3\n".encode())
    assert not reading.ok and "党支部名称" in reading.problems[0].message


def test_a_header_without_the_name_column_names_the_missing_column():
    header = ["", "党支部书记", "第一书记", "基本情况", "流动党员数"]
    reading = read_ledger("a.csv", csv_bytes([["", "廖仁旺", "赵志坚", "支部共有党员75人", "11"]], "utf-8", header))
    assert not reading.ok
    assert reading.problems[0].row == 1 and "党支部名称" in reading.problems[0].message


def _workbook(fill) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append(flat_header())
    sheet.append(ROWS[0][:len(flat_header())])
    fill(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_stray_value_far_away_is_refused_by_name_not_read_into_memory():
    # Read whole, this sheet would be 900,000 rows × 16,000 columns: calamine would abort the process.
    content = _workbook(lambda sheet: sheet.cell(row=900000, column=16000, value="x"))
    reading = read_ledger("台账.xlsx", content)
    assert not reading.ok and reading.rows == []
    (problem,) = reading.problems
    assert "台账" in problem.message and "WQJ900000" in problem.message


def test_empty_formatted_cells_far_away_do_not_count():
    def far_bold_cell(sheet):
        sheet.cell(row=900000, column=16000).font = Font(bold=True)

    reading = read_ledger("台账.xlsx", _workbook(far_bold_cell))
    assert reading.ok, reading.problems
    assert [row.values["name"] for row in reading.rows] == ["毛俊村党支部"]


def _with_formula(content: bytes, cell: str, formula: str) -> bytes:
    """The workbook with ``formula`` written into the error cell ``cell``, before its cached value, as Excel writes it."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                before = f'<c r="{cell}" t="e"><v>'.encode()
                assert before in data
                data = data.replace(before, f'<c r="{cell}" t="e"><f>{formula}</f><v>'.encode())
            archive.writestr(item, data)
    return target.getvalue()


def test_excel_error_cells_of_the_ledger_are_problems_at_their_cell():
    def errors(sheet):
        sheet["B2"] = "#N/A"  # 党支部书记 of the first row, a VLOOKUP that found nothing
        sheet["A3"], sheet["B3"], sheet["C3"] = "西岭头村党支部", "唐辉", "#DIV/0!"
        sheet["Z3"] = "#REF!"  # outside the ledger's columns: not the ledger's business
        sheet["A5"], sheet["B5"] = "说明：", "#VALUE!"  # in the note under the table

    content = _with_formula(_workbook(errors), "B2", "VLOOKUP(A2,名单!A:B,2,0)")
    reading = read_ledger("台账.xlsx", content)
    assert not reading.ok
    assert [(p.row, p.column, p.header, p.blocking) for p in reading.problems] == [
        (2, "B", "党支部书记", True), (3, "C", "第一书记", True)]
    assert "#N/A" in reading.problems[0].message and "#DIV/0!" in reading.problems[1].message


def test_a_csv_quote_left_open_names_the_line_where_it_opens():
    lines = ["党支部名称,党支部书记", "毛俊村党支部,廖仁旺", "\"西岭头村党支部,赵志坚"] + [f"第{n}村党支部,某某" for n in range(40)]
    reading = read_ledger("台账.csv", "\n".join(lines).encode())
    assert not reading.ok and reading.rows == []
    assert "第 3 行" in reading.problems[0].message, reading.problems[0].message


def test_a_quote_inside_a_csv_value_is_read_as_excel_writes_it():
    # The first lines hold no doubled quote, so the sniffer cannot tell how quotes inside a value are written.
    lines = ["党支部名称,存在问题"] + [f"第{n}村党支部,无" for n in range(300)] + ['毛俊村党支部,"落实""三会一课""不到位"']
    reading = read_ledger("台账.csv", "\n".join(lines).encode())
    assert reading.ok, reading.problems
    assert reading.rows[-1].values["problems"] == '落实"三会一课"不到位'


def test_a_stray_value_far_below_in_column_a_is_refused_too():
    # The text of a cell may hold "row " too: the last row's number is read from the row element only.
    def far_below(sheet):
        sheet["B3"] = "see row 2"
        sheet.cell(row=1_000_000, column=26, value="x")

    reading = read_ledger("台账.xlsx", _workbook(far_below))
    assert not reading.ok and "Z1000000" in reading.problems[0].message


def test_a_far_cell_the_sheet_does_not_declare_ends_only_the_reader_process():
    # No declared size, so nothing names the cell before calamine builds the sheet: it runs out of
    # memory in the reader's own process, and the upload is refused with a message.

    content = _workbook(lambda sheet: sheet.cell(row=1_000_000, column=16000, value="x"))
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            archive.writestr(item, data)
    reading = read_ledger("台账.xlsx", target.getvalue())
    assert not reading.ok and reading.rows == []
    assert "太大" in reading.problems[0].message


def test_a_damaged_workbook_is_called_damaged_not_too_big():
    content = _workbook(lambda sheet: None)
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, source.read(item), compress_type=zipfile.ZIP_DEFLATED)
    damaged = bytearray(target.getvalue())
    sheet_at = damaged.find(b"xl/worksheets/sheet1.xml") + 200  # inside the sheet's compressed data
    damaged[sheet_at:sheet_at + 40] = bytes(40)
    reading = read_ledger("台账.xlsx", bytes(damaged))
    assert not reading.ok and reading.rows == []
    assert "损坏" in reading.problems[0].message and "太大" not in reading.problems[0].message


# The reader process ------------------------------------------------------------------------


def test_a_server_with_its_standard_descriptors_closed_still_reads_every_row(tmp_path):
    # The pipe on which the reader is told which rows to send must not take the number of the
    # reader's own output or errors, which a server run with them closed would hand out first.

    path, result = tmp_path / "台账.xlsx", tmp_path / "result.txt"
    path.write_bytes(workbook_bytes([ROWS[0]] * 500))
    script = ("import django; django.setup()\nfrom ledgers.reading import read_ledger\n"
              f"content = open({str(path)!r}, 'rb').read()\n"
              "import os\nfor descriptor in (0, 1, 2): os.close(descriptor)\n"
              "reading = read_ledger('台账.xlsx', content)\n"
              f"open({str(result)!r}, 'w').write(repr((len(reading.rows), [p.message for p in reading.problems])))")
    subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2], timeout=120, check=True)
    assert result.read_text() == "(500, [])"


def test_a_header_at_the_foot_of_the_rows_looked_in_keeps_its_second_row():
    # The two-row header at rows 30 and 31: the row under the 30 rows looked in still joins it.
    content = workbook_bytes([ROWS[0]], title=False)

    book = openpyxl.load_workbook(io.BytesIO(content))
    book.active.insert_rows(1, 29)
    book.active["A1"] = "基层党组织分类定级工作台账"
    buffer = io.BytesIO()
    book.save(buffer)
    reading = read_ledger("台账.xlsx", buffer.getvalue())
    assert reading.ok and reading.header_rows == [30, 31]
    assert {"name", "basic_facts", "measures", "responsible_person"} <= set(reading.columns)
    assert [row.number for row in reading.rows] == [32]


def test_a_reader_that_ends_midway_leaves_a_problem_not_half_a_file(monkeypatch, tmp_path):
    # The reader process ends after writing some of its rows (a limit reached, a crash): the file is
    # refused as a whole, none of its rows is read.

    cut_reader(monkeypatch, tmp_path, writes=3)
    reading = read_ledger("台账.xlsx", workbook_bytes([ROWS[0]] * 5000))
    assert not reading.ok and reading.rows == []
    assert "损坏" in reading.problems[-1].message


def test_other_wordings_of_the_headers_met_in_real_files_are_known():
    header = ["党组织名称", "支部书记", "驻村第一书记", "流动党员人数", "活动场所", "存在的问题", "申报等次", "评定等次",
              "整改时间", "帮扶责任单位"]
    reading = read_ledger("台账.csv", csv_bytes([["四村党支部"] + [""] * 9], "utf-8", header=header))
    assert list(reading.columns) == ["name", "secretary", "first_secretary", "mobile_members", "venue", "problems",
                                     "declared_grade", "superior_grade", "deadline", "assisting_unit"]


def test_rows_of_totals_are_not_organizations():
    header = ["序号", *flat_header()]
    rows = [["1", *ROWS[0][:len(flat_header())]], ["合 计", "", "", "", "", 12], ["", "小计", "", "", "", 3]]
    reading = read_ledger("台账.csv", csv_bytes(rows, "utf-8", header=header))
    assert reading.ok and [row.number for row in reading.rows] == [2]


def test_a_value_merged_down_over_several_rows_is_every_rows_value():
    # 帮扶单位 (column N) merged over rows 4–6, and 整改时限 (column M) over rows 29–40, across the rows
    # the importer reads itself and those the reader sends: each row gets the value, as people read it.

    rows = [[*ROWS[0][:12], "", ""] + ROWS[0][14:] for _number in range(45)]
    rows[0][12], rows[0][13], rows[25][12] = "2012年底", "县委办", "2013年6月"
    content = workbook_bytes(rows, merges=[*MERGES, "N4:N6", "M29:M40"])
    reading = read_ledger("台账.xlsx", content)
    assert reading.ok and reading.header_rows == [2, 3]
    units = {row.number: row.values.get("assisting_unit") for row in reading.rows}
    deadlines = {row.number: row.values.get("deadline") for row in reading.rows}
    assert [units[number] for number in (4, 5, 6, 7)] == ["县委办", "县委办", "县委办", None]
    assert [deadlines[number] for number in (4, 5, 28, 29, 35, 40, 41)] == [
        "2012年底", None, None, "2013年6月", "2013年6月", "2013年6月", None]


def test_a_range_merged_over_a_group_row_and_blank_rows_leaves_them_what_they_are():
    # 整改时限 merged over rows 4–9: row 6 is a township alone (a group row), row 8 is blank. They stay
    # a group row and a blank row; the branches around them get the deadline.

    rows = [[*ROWS[0][:12], "", *ROWS[0][13:]] for _number in range(6)]
    rows[0][12] = "2013年底"
    rows[2], rows[4] = ["土市乡"], []
    reading = read_ledger("台账.xlsx", workbook_bytes(rows, merges=[*MERGES, "M4:M9"]))
    assert reading.ok
    assert [(row.number, row.group, row.values.get("deadline")) for row in reading.rows] == [
        (4, "", "2013年底"), (5, "", "2013年底"), (7, "土市乡", "2013年底"), (9, "土市乡", "2013年底")]


def test_the_headers_columns_that_are_not_the_ledgers_are_named():
    header = ["序号", "党组织名称", "党员总数", "支部书记", "说不清的列"]
    reading = read_ledger("台账.csv", csv_bytes([["1", "四村党支部", "20", "唐辉", ""]], "utf-8", header=header))
    assert list(reading.columns) == ["name", "secretary"]
    assert reading.ignored == ["A（序号）", "C（党员总数）", "E（说不清的列）"]
