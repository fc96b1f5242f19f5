"""A branch's roster as .xlsx, in the columns its import reads (members.importing.HEADERS), so that a
roster exported, corrected and imported again updates the same members. Written by a worker (members.jobs),
which audits every export."""

from core.xlsx import new_workbook, text
from members.importing import HEADERS
from members.models import Member
from members.selectors import member_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ["name", "gender", "birth_date", "education", "joined_on", "probationary", "mobile", "mobile_where", "phone",
           "status"]
WORDS = {"gender": {"male": "男", "female": "女"}, "probationary": {True: "预备", False: "正式"},
         "mobile": {True: "是", False: "否"},
         "education": {"primary": "小学及以下", "junior": "初中", "senior": "高中、中专", "college": "大专",
                       "bachelor": "本科", "postgraduate": "研究生"},
         "status": {"active": "在册", "transferred_out": "已转出", "deceased": "已去世"}}
PROGRESS_EVERY = 1000


def _cell(member: Member, name: str) -> str:
    value = getattr(member, name)
    if name in WORDS:
        return WORDS[name][value]
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def roster_write(*, organization, output, progress=None) -> int:
    """Write the roster's every member (all statuses) as .xlsx to ``output``; returns how many rows it holds."""
    members = member_list(organization=organization, status=None)
    total = members.count()
    book = new_workbook(output)
    sheet = book.add_worksheet("花名册")
    bold = book.add_format({"bold": True})
    for column, name in enumerate(COLUMNS):
        sheet.write_string(0, column, HEADERS[name][0], bold)
    rows = 0
    for rows, member in enumerate(members.iterator(), start=1):
        for column, name in enumerate(COLUMNS):
            sheet.write_string(rows, column, text(_cell(member, name)))
        if progress and rows % PROGRESS_EVERY == 0:
            progress(rows, total)
    book.close()
    return rows
