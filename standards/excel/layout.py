"""The sheet's layout, shared by the writer and the reader: its fixed Chinese titles and headers, the
columns, and the other spellings people use for them."""

from core.workbooks import Limits
from standards.choices import DeductionKind, VetoTrigger

SHEET_TITLE = "评价标准"
TOTAL_LABEL = "合计"
VETO_SECTION_TITLE = "直接定为后进情形"

# Item columns as written: (key, header, width). Reading finds them by header, in any order.
ITEM_COLUMNS = (
    ("indicator", "指标", 16),
    ("code", "编号", 8),
    ("text", "评分要点", 42),
    ("max_points", "分值", 8),
    ("deduction_kind", "扣分方式", 11),
    ("deduction_points", "每次扣分", 11),
    ("guidance", "评分说明", 32),
)
ITEM_HEADERS = {key: header for key, header, _width in ITEM_COLUMNS}
REQUIRED_ITEM_KEYS = ("indicator", "code", "text", "max_points", "deduction_kind", "deduction_points")
LAST_COLUMN = len(ITEM_COLUMNS)

# Veto columns as written: (key, header, first column, last column); 情形 spans 编号 to 扣分方式.
VETO_COLUMNS = (("number", "序号", 1, 1), ("text", "情形", 2, 5), ("trigger", "触发方式", 6, 6), ("threshold", "阈值", 7, 7))
VETO_HEADERS = {key: header for key, header, _first, _last in VETO_COLUMNS}

DEDUCTION_LABELS = {DeductionKind.PER_OCCURRENCE: "每次扣分", DeductionKind.FIXED: "一次扣分"}
TRIGGER_LABELS = {VetoTrigger.MANUAL: "人工认定", VetoTrigger.SATISFACTION_BELOW: "满意度低于", VetoTrigger.NO_SECRETARY: "无书记"}

# What people type, normalized by ``_label`` (no spaces, half-width, lower case) → the key it means.
ITEM_HEADER_ALIASES = {
    "indicator": ("指标", "评价指标", "考核指标", "指标名称"),
    "code": ("编号", "项目编号", "要点编号"),
    "text": ("评分要点", "评价要点", "考核要点", "评分项目"),
    "max_points": ("分值", "标准分", "满分", "分数"),
    "deduction_kind": ("扣分方式", "扣分方法"),
    "deduction_points": ("每次扣分", "扣分", "扣分分值", "扣分值"),
    "guidance": ("评分说明", "说明", "备注", "评分细则"),
}
VETO_HEADER_ALIASES = {
    "number": ("序号",),
    "text": ("情形", "后进情形", "直接定为后进情形"),
    "trigger": ("触发方式", "认定方式"),
    "threshold": ("阈值", "满意度阈值"),
}
DEDUCTION_ALIASES = {
    DeductionKind.PER_OCCURRENCE: ("每次扣分", "按次", "按次扣分", "每次", "per_occurrence"),
    DeductionKind.FIXED: ("一次扣分", "固定", "固定扣分", "一次性扣分", "fixed"),
}
TRIGGER_ALIASES = {
    VetoTrigger.MANUAL: ("人工认定", "人工", "manual"),
    VetoTrigger.SATISFACTION_BELOW: ("满意度低于", "满意度", "satisfaction_below"),
    VetoTrigger.NO_SECRETARY: ("无书记", "没有书记", "无党组织书记", "no_secretary"),
}
TOTAL_LABELS = ("合计", "总计", "总分")
NOTE_PREFIXES = ("注:", "备注:", "说明:")

CENTERED_KEYS = {"indicator", "code", "max_points", "deduction_kind", "deduction_points"}
LINE_HEIGHT = 15  # points per line of 11-point text
LIMITS = Limits(max_cells=1_000_000)  # a standard has a hundred rows or so
BASE = {"font_size": 11, "valign": "vcenter", "text_wrap": True}
TITLE_FORMAT = {"font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
HEADER_FORMAT = {**BASE, "bold": True, "align": "center", "border": 1, "bg_color": "#F2F2F2", "pattern": 1}
