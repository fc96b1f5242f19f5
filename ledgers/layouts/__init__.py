"""The official tables of the seeds as .xlsx workbooks (and, through ledgers.printing, as A4 pages).

Each form is first described as plain ``Table``s (title, 填报单位/填报时间 line, header cells with
their spans, body rows, 说明 notes); ``write_tables`` writes any list of them with XlsxWriter
(ledgers.layouts.xlsx) and the print pages render the very same description, so a form's layout is
written once.

Forms (the ``FORMS`` keys are the print and download addresses):

* ``hunan-summary``   seeds/004 附件一 基层党组织分类定级晋位升级情况汇总表 (counts per unit)
* ``hunan-ledger``    seeds/004 附件二 …目标管理工作台账, with 附件三's two-row header
* ``declaration``     seeds/002 附件2 分类定级申报表, one per organization
* ``roster``          seeds/002 附件3 分类名单统计表 (✓ under the grade, measures ≤ 150 characters)
* ``tally``           seeds/002 附件4 分类情况汇总表, one sheet per sector
* ``site-roster``     seeds/002 附件5 远程教育站点分类名单统计表
* ``site-tally``      seeds/002 附件6 远程教育站点分类情况汇总表

The seeds kept the forms' words but lost their grids. Where a column is not in the text, the
grid below is a designed one and says so in a comment; headers and titles are the forms' own
Chinese words, never translated strings.
"""

from ledgers.layouts.forms import (  # noqa: F401 - the package's public names
    CUT_MARK,
    FORMS,
    MEASURES_LIMIT,
    ROSTER_NOTES,
    SECTOR_FORMS,
    SITE_GRADES,
    SITE_ROSTER_NOTES,
    SITE_TALLY_NOTES,
    TALLY_NOTES,
    TICK,
    Form,
    FormMeta,
    Group,
    HeaderCell,
    Share,
    Spanned,
    Stats,
    Table,
    cut_measures,
    declaration_tables,
    grade_count,
    grade_labels,
    hunan_ledger_tables,
    hunan_summary_tables,
    roster_tables,
    roster_tables_by_sector,
    sector_labels,
    site_roster_tables,
    site_tally_tables,
    tally_tables,
)
from ledgers.layouts.xlsx import (  # noqa: F401
    WriteResult,
    write_declarations,
    write_hunan_ledger,
    write_hunan_summary,
    write_roster,
    write_site_roster,
    write_site_tally,
    write_tables,
    write_tally,
)
