"""Reading a spreadsheet file in a process of its own: the rows as calamine reads them from A1, across
chunks and sheets; merged ranges and error cells; CSV files; and every file that cannot be read —
damaged, protected, too far, too slow, a reader that dies — refused in words, never the caller's end."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
import xlwt
from python_calamine import CalamineWorkbook

from core import workbook_reader, workbooks
from core.workbooks import Limits, UnreadableWorkbook, workbook_read


def saved(book, tmp_path, name="表.xlsx") -> Path:
    path = tmp_path / name
    book.save(path)
    return path


def test_rows_come_as_calamine_reads_them_from_a1_on_every_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active["C3"], book.active["E6"] = "右下的表", 1
    book.active["C40"], book.active["E40"] = "  第 40 行  ", 2.5
    second = book.create_sheet("第二张")
    for number in range(1, workbook_reader.CHUNK_ROWS * 2 + 50):
        second.cell(row=number, column=2, value=f"第 {number} 行")
    second.cell(row=7, column=4, value=datetime.date(2024, 1, 2))
    second.cell(row=2500, column=4, value=datetime.datetime(2025, 3, 4, 8, 30))
    book.create_sheet("空表")
    path = saved(book, tmp_path)
    calamine = CalamineWorkbook.from_path(path)
    expected = [calamine.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in calamine.sheet_names]

    with workbook_read(path) as workbook:
        assert [sheet.name for sheet in workbook.sheets] == ["Sheet", "第二张", "空表"]
        assert [list(sheet.rows()) for sheet in workbook.sheets] == expected
        assert [sheet.height for sheet in workbook.sheets] == [len(rows) for rows in expected]
        assert workbook.sheets[1].width == 4
        rows = list(workbook.sheets[1].rows())  # read again: the rows stay until the workbook is closed
    assert rows[6][3] == datetime.date(2024, 1, 2) and rows[2499][3] == datetime.datetime(2025, 3, 4, 8, 30)
    assert expected[0][2][2] == "右下的表" and expected[0][39][2] == "  第 40 行  "
    with pytest.raises(ValueError):
        next(workbook.sheets[0].rows())


def test_old_excel_and_merged_ranges_and_error_cells(tmp_path):
    old = xlwt.Workbook()
    sheet = old.add_sheet("台账")
    sheet.write_merge(0, 0, 0, 3, "标题")
    sheet.write(2, 1, "毛俊村党支部")
    sheet.write(2, 2, 11)
    old.save(str(tmp_path / "a.xls"))
    with workbook_read(tmp_path / "a.xls") as workbook:
        (read,) = workbook.sheets
        assert list(read.rows()) == [["标题", "", ""], ["", "", ""], ["", "毛俊村党支部", 11.0]]
        assert read.merged == [(0, 0, 0, 3)]

    book = openpyxl.Workbook()
    book.active["A1"] = "指标"
    book.active.merge_cells("A1:A3")
    book.active["B2"] = "#N/A"  # a formula's error, as Excel keeps it (t="e")
    with workbook_read(saved(book, tmp_path)) as workbook:
        (read,) = workbook.sheets
        assert read.merged == [(0, 0, 2, 0)] and read.errors == [(1, 1, "#N/A")]
        assert list(read.rows())[1] == ["", ""]  # the error cell itself reads as empty


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_or_gb18030_with_its_dialect(tmp_path, encoding):
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名;支部;人数\r\n张三;\"毛俊村\n党支部\";3\r\n李四;四村党支部;5\r\n".encode(encoding))
    with workbook_read(path) as workbook:
        (sheet,) = workbook.sheets
        assert sheet.name == "" and list(sheet.rows()) == [["姓名", "支部", "人数"], ["张三", "毛俊村\n党支部", "3"],
                                                            ["李四", "四村党支部", "5"]]


@pytest.mark.parametrize("name, content, words", [
    ("a.csv", "甲,乙\n".encode("utf-16"), "UTF-16"),
    ("a.csv", b"\x81\x30\xff\xfe\x00garbage", "GB18030"),
    ("a.csv", "甲,乙\n丙,\"丁\n".encode(), "第 2 行"),
    ("a.xlsx", b"this is not a workbook", "损坏"),
    ("a.xls", b"\xd0\xcf\x11\xe0garbage", "损坏"),
    ("a.pdf", b"%PDF-1.4", "a.pdf"),
    ("a.xlsx", b"", "空"),
    ("a.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
    ("a.csv", b"PK\x03\x04rest", ".xlsx"),
])
def test_files_that_cannot_be_read_are_refused_in_words(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbook) as refused:
        workbook_read(path)
    assert words in str(refused.value)


def test_a_password_protected_workbook_says_so(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes((Path(__file__).parents[2] / "ledgers" / "tests" / "files" / "password.xlsx").read_bytes())
    with pytest.raises(UnreadableWorkbook, match="密码"):
        workbook_read(path)


def test_a_sheet_beyond_the_limit_is_refused_by_its_farthest_cell(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.active.cell(row=900_000, column=16_000, value="y")
    with pytest.raises(UnreadableWorkbook) as refused:
        workbook_read(saved(book, tmp_path))
    assert "WQJ900000" in str(refused.value)
    alone = openpyxl.Workbook()  # one cell far away: calamine's sheet starts there, its rows from A1
    alone.active.cell(row=1_000_000, column=16_000, value="y")
    with pytest.raises(UnreadableWorkbook, match="WQJ1000000"):
        workbook_read(saved(alone, tmp_path, "alone.xlsx"))
    small = openpyxl.Workbook()
    small.active["C4"] = "x"  # 4 rows × 3 columns from A1
    with pytest.raises(UnreadableWorkbook, match="C4"):
        workbook_read(saved(small, tmp_path, "b.xlsx"), limits=Limits(max_cells=11))
    with workbook_read(tmp_path / "b.xlsx", limits=Limits(max_cells=12)) as workbook:
        assert workbook.sheets[0].height == 4


def test_a_reader_out_of_memory_ends_alone(tmp_path):
    # Under a memory limit a small file still reads, and one whose cells do not fit ends the reader's
    # process (Python's MemoryError or calamine's abort), not the caller's.

    limits = Limits(memory_bytes=30 * 1024**2)
    book = xlsxwriter.Workbook(tmp_path / "big.xlsx", {"constant_memory": True})
    sheet = book.add_worksheet()
    for row in range(20_000):
        sheet.write_row(row, 0, [f"第{row}行的一段文字{column}" for column in range(10)])
    book.close()
    small = openpyxl.Workbook()
    small.active["A1"] = "x"
    with workbook_read(saved(small, tmp_path), limits=limits) as workbook:
        assert list(workbook.sheets[0].rows()) == [["x"]]
    with pytest.raises(UnreadableWorkbook, match="太大"):
        workbook_read(tmp_path / "big.xlsx", limits=limits)


def test_rows_beyond_the_output_allowed_end_the_reader(tmp_path):
    # One long text in many cells: few bytes in the file, many in its rows.

    book = xlsxwriter.Workbook(tmp_path / "long.xlsx")
    sheet = book.add_worksheet()
    long = "很长的说明" * 6000  # 30,000 characters, stored once among the shared strings
    for row in range(200):
        sheet.write_string(row, 0, long)
    book.close()
    assert (tmp_path / "long.xlsx").stat().st_size < 200_000
    with pytest.raises(UnreadableWorkbook, match="太大"):
        workbook_read(tmp_path / "long.xlsx", limits=Limits(output_bytes=10 * 1024**2))
    with workbook_read(tmp_path / "long.xlsx") as workbook:
        assert sum(1 for _row in workbook.sheets[0].rows()) == 200


SLOW_READER = "import time\ntime.sleep(60)\n"


def test_a_reader_that_takes_too_long_is_ended_and_said_so(monkeypatch, tmp_path):
    script = tmp_path / "slow_reader.py"
    script.write_text(SLOW_READER)
    monkeypatch.setattr(workbooks, "READER", script)
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n")
    pending = workbooks.workbook_read_start(path, limits=Limits(seconds=1))
    with pytest.raises(UnreadableWorkbook, match="分钟"):
        pending.wait()
    assert pending.process.returncode is not None  # ended, not left running


CUT_READER = """
import os, runpy, sys
class Cut:
    writes = 0
    def __init__(self, raw):
        self.raw = raw
    def write(self, data):
        Cut.writes += 1
        if Cut.writes > int(os.environ["JINWEI_TEST_CUT_AFTER"]):  # half of this write, then the end
            self.raw.write(bytes(data)[:len(data) // 2])
            self.raw.flush()
            os._exit(1)
        return self.raw.write(data)
    def tell(self):
        return self.raw.tell()
    def flush(self):
        self.raw.flush()
class Out:
    buffer = Cut(sys.stdout.buffer)
sys.stdout = Out()
sys.argv = sys.argv[:1] + sys.argv[1:]
runpy.run_path(%r, run_name="__main__")
"""


def cut_reader(monkeypatch, tmp_path, *, writes: int) -> None:
    """Readers started from now on end after ``writes`` writes, in the middle of the next one."""
    script = tmp_path / "cut_reader.py"
    script.write_text(CUT_READER % str(workbooks.READER))
    monkeypatch.setattr(workbooks, "READER", script)
    monkeypatch.setenv("JINWEI_TEST_CUT_AFTER", str(writes))


@pytest.mark.parametrize("writes", [0, 1, 3])
def test_a_reader_that_ends_midway_is_a_damaged_file_not_half_a_file(monkeypatch, tmp_path, writes):
    book = openpyxl.Workbook()
    for number in range(1, 5000):
        book.active.cell(row=number, column=1, value=f"第 {number} 行")
    path = saved(book, tmp_path)
    cut_reader(monkeypatch, tmp_path, writes=writes)
    with pytest.raises(UnreadableWorkbook, match="损坏"):
        workbook_read(path)


EVIL_READER = """
import os, pickle, sys
out = sys.stdout.buffer
index = pickle.dumps({"sheets": [("x", 1, 1, [], [], [0])], "payload": os.system})
out.write(index + (0).to_bytes(8, "little"))
"""


def test_the_readers_output_holds_cell_values_only(monkeypatch, tmp_path):
    # Whatever a reader process writes, only plain values and dates are rebuilt from it.
    script = tmp_path / "evil_reader.py"
    script.write_text(EVIL_READER)
    monkeypatch.setattr(workbooks, "READER", script)
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n")
    with pytest.raises(UnreadableWorkbook, match="损坏"):
        workbook_read(path)


def test_a_caller_with_its_standard_descriptors_closed_still_reads_every_row(tmp_path):
    # The reader's output and errors are files of the caller's: a server run with its standard
    # descriptors closed hands their numbers out first.

    book = openpyxl.Workbook()
    for number in range(1, 3001):
        book.active.cell(row=number, column=1, value=number)
    path, result = saved(book, tmp_path), tmp_path / "result.txt"
    script = ("import django; django.setup()\nimport os\nfrom core.workbooks import workbook_read\n"
              "for descriptor in (0, 1, 2): os.close(descriptor)\n"
              f"rows = list(workbook_read({str(path)!r}).sheets[0].rows())\n"
              f"open({str(result)!r}, 'w').write(repr((len(rows), rows[-1])))")
    subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2], timeout=120, check=True,
                   env=os.environ | {"DJANGO_SETTINGS_MODULE": "jinwei.settings"})
    assert result.read_text() == "(3000, [3000.0])"
