"""附件7 and 附件8 (seeds/002): the organization's and the member's 公开承诺书 as A4 print pages and PDFs.

The titles, copy notes and signature lines are the seed's fixed text, not translated strings. The same
page serves the browser's print and WeasyPrint's PDF (static/css/print.css, the fonts named there).
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from pledges.choices import PledgeKind

PRINT_CSS = "css/print.css"
TITLES = {PledgeKind.ORGANIZATION: "全区“三分类三升级”活动基层党组织公开承诺书",
          PledgeKind.MEMBER: "全区“三分类三升级”活动党员公开承诺书"}
ATTACHMENTS = {PledgeKind.ORGANIZATION: "附件7", PledgeKind.MEMBER: "附件8"}
COPY_NOTES = {
    PledgeKind.ORGANIZATION: "注：承诺书一式若干份，党组织成员人手一份，公示一份，上级党组织留存一份，本级党组织留存两份。",
    PledgeKind.MEMBER: "注：承诺书一式三份，本人留存一份，党组织存档一份，公示一份。涉及本人签名部分必须由本人签名。",
}


def letter(pledge) -> dict:
    """What one 承诺书 shows: its form's title, attachment number and copy note, and the pledge's items."""
    return {"pledge": pledge, "title": TITLES[pledge.kind], "attachment": ATTACHMENTS[pledge.kind],
            "note": COPY_NOTES[pledge.kind], "items": list(pledge.items.all())}


def letters_html(pledges, *, pdf: bool = False) -> str:
    return render_to_string("pledges/print/letters.html", {"letters": [letter(p) for p in pledges], "pdf": pdf})


def html_to_pdf(html: str) -> bytes:
    """The print page as a PDF (A4, fonts embedded)."""
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(PRINT_CSS))])
