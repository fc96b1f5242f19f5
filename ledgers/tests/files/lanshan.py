"""The Lanshan sample ledger (seeds/004 附件三) typed into a workbook in its printed layout, and other
test files built in code (no binary fixtures): a title row, the two-row header with merged group
headers, names broken by spaces, full-width spaces, multi-line cells, the group row 土市乡, a note."""

import csv
import io

import openpyxl
import xlwt

TITLE = "蓝山县基层党组织分类定级晋位升级目标管理工作台账（样表）"
# Row 2 and row 3 of the printed header; None where a merged cell continues.
HEADER_TOP = ["党支部\n名  称", "村党支部      书记", "第一 书记", "党组织情况", None, None, None, None,
              "支部申报定级类别", "上级党组织定级   类别", "整改情况", None, None, None, None, None]
HEADER_BOTTOM = [None, None, None, "基本情况", "流动    党员数", "村级活动场所情况", "主要特点", "存在问题", None, None,
                 "晋位升级目标", "整改措施", "整改时限", "帮扶单位", "联系     领导", "整改责任人"]
MERGES = ["A1:P1", "A2:A3", "B2:B3", "C2:C3", "D2:H2", "I2:I3", "J2:J3", "K2:P2"]

ROWS = [
    ["毛俊村        党支部", "廖仁旺", "赵志坚",
     "支部共有党员75人，其中预备党员7人，女党员8人，35岁以下党员15人，大专及以上党员3人，班子成员5人。", 11, "已建",
     "1、村党支部书记素质好，“双培双带”能力强，班子有战斗力，党员队伍素质高；\n2、工作思路清晰，各项制度健全。党建工作创新，有特色；\n"
     "3、活动阵地建设好，设备齐全；\n4、业绩突出，群众反映好。",
     "党员、干部结构不够优化。", "好", "好", "好",
     "1、发展2名35岁以下的优秀青年入党；\n2、结合村区位特点、自然资源等实际因素，进一步完善未来五年发展规划。",
     "2012年底", "毛俊镇人民政府", "赵志坚", "廖仁旺"],
    ["西岭头村        党支部", "唐辉", "曾强生", "支部共有党员24人，其中女党员3人，35岁以下党员1人，班子成员3人。", 6, "已建",
     "1、远程教育活动开展好，效果明显；\n2、班子有战斗力，实行民主管理。",
     "1、村党支部书记新当选，党建工作不够熟悉；\n2、党员作用发挥不够好。", "较好", "较好", "好",
     "1、督促村党支部书记加强党建工作业务学习，努力提高自身思想政治素质和管理、驾驭能力；\n"
     "2、加大党员教育管理，充分发挥远程教育学用示范户的示范带动作用。",
     "2012年底", "县委统战部", "曾强生", "唐辉"],
    ["土市乡"],
    ["四村     党支部", "黄玉生", "杨书郎",
     "党支部共有党员18人，其中预备党员1人，女党员3人，35岁以下党员2人，大专及以上党员2人，党支部班子成员3人。", 4,
     "2012年8月完工", "1、能基本完成各项工作任务；\n2、村内无大的矛盾纠纷隐患。",
     "1、村级活动场所中心进度慢；\n2、新农村建设发展缓慢。", "较好", "一般", "较好",
     "1、8月底前建好村级活动阵地；\n2、加大新农村建设力度，制定好新农村建设的规划和符合实际的年度计划。",
     "2012年底", "县检察院\u3000", "杨书郎", "黄玉生"],
    ["土市村    党支部", "谭顺仔", "黄渊勇",
     "党支部共有党员24人，其中预备党员1人，女党员3人，35岁以下党员3人，大专及以上党员1人，党支部班子成员3人", 6,
     "2012年6月完工", "1、能正常发展党员；\n2、干部服务群众意识较好。",
     "1、党员模范带头作用不明显；\n2、村级主导产业不突出。", "一般", "一般", "较好",
     "1、充分发挥好党员的模范带头作用；\n2、有目标有计划地大力发展烤烟，增加农民收入，帮助农民致富。",
     "2012年底", "县经信委\u3000", "黄渊勇", "谭顺仔"],
    ["上泉      洞村      党支部", "唐召生", "方强",
     "党支部共有党员19人，其中预备党员1 人，女党员2人，35岁以下党员1人，大专及以上党员0人，党支部班子成员2人。", 7,
     "2012年7月完工", "1、能基本完成各项工作任务；\n2、村内无大的矛盾纠纷隐患。",
     "1、没有活动场所；\n2、发展党员有所欠缺，现有党员年龄偏大；\n3、村支两委班子配合不默契，支部内部有派性。",
     "较差", "较差", "一般",
     # The printed line runs measures 1 and 2 together; typed into a cell, each gets its own line.
     "1、7月底前建好村级活动阵地；\n2、加强对党员的管理，发挥党员的作用，多发展培养优秀青年入党；\n\u30003、村支两委加强沟通，凝聚合力促发展。",
     "2012年底", "县盐业公司、商业事务办\u3000", "方强", "唐召生"],
]
NOTE = "注：本表由各乡镇党委填报，县委组织部汇总。"


def workbook_bytes(rows: list[list], *, title: bool = True, note: bool = True, header=(HEADER_TOP, HEADER_BOTTOM),
                   merges=MERGES) -> bytes:
    """An .xlsx in the sample's layout with these data rows (from row 4, or 3 without the title)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    offset = 1 if title else 0
    if title:
        sheet.cell(1, 1, TITLE)
    for number, header_row in enumerate(header, start=1 + offset):
        for column, value in enumerate(header_row, start=1):
            if value is not None:
                sheet.cell(number, column, value)
    start = 1 + offset + len(header)
    for number, row in enumerate(rows, start=start):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(number, column, value)
    if note:
        sheet.cell(start + len(rows) + 1, 1, NOTE)
    for merge in merges if title else []:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def lanshan_xlsx() -> bytes:
    return workbook_bytes(ROWS)


def flat_header() -> list[str]:
    """The one-row header of the sample's columns (sub-headers where they exist)."""
    return [bottom or top for top, bottom in zip(HEADER_TOP, HEADER_BOTTOM, strict=True)]


def csv_bytes(rows: list[list], encoding: str, header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or flat_header())
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xls_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    """An old-style .xls (BIFF8) written with xlwt, a title above the header."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    sheet.write_merge(0, 0, 0, 15, TITLE)
    for column, value in enumerate(header or flat_header()):
        sheet.write(1, column, value)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(number, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
