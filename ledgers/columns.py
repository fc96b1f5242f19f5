"""The Hunan ledger's columns (seeds/004 附件二 and 附件三), the one description both the Excel
import and the official exports read.

Headers are the printed form's own words, so they stay Chinese whatever the page language is;
``aliases`` are other wordings met in real files (附件二's "党总支（支部）名称", "书记姓名"…).
``group`` is the merged header above a column ("党组织情况", "整改情况"); None spans both header rows.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    group: str | None = None
    width: int = 10  # characters, as the sample prints it


FACTS_GROUP = "党组织情况"
RECTIFICATION_GROUP = "整改情况"

HUNAN_COLUMNS: tuple[Column, ...] = (
    Column("name", "党支部名称", ("党总支（支部）名称", "党组织名称", "支部名称", "名称"), width=14),
    Column("secretary", "党支部书记", ("村党支部书记", "党总支（支部）书记姓名", "书记姓名", "书记", "支部书记", "党组织书记"), width=8),
    Column("first_secretary", "第一书记", ("第一书记姓名", "驻村第一书记"), width=8),
    Column("basic_facts", "基本情况", (), FACTS_GROUP, width=30),
    Column("mobile_members", "流动党员数", ("流动党员", "流动党员人数"), FACTS_GROUP, width=6),
    Column("venue", "活动场所情况", ("村级活动场所情况", "村级组织活动场所情况", "活动场所"), FACTS_GROUP, width=10),
    Column("main_features", "主要特点", (), FACTS_GROUP, width=30),
    Column("problems", "存在问题", ("主要问题", "存在的问题"), FACTS_GROUP, width=26),
    Column("declared_grade", "支部申报定级类别", ("申报定级类别", "申报类别", "申报等次"), width=8),
    Column("superior_grade", "上级党组织定级类别", ("上级党组织审核定级类别", "审核定级类别", "上级定级类别", "评定等次"), width=8),
    Column("target_grade", "晋位升级目标", ("升级目标",), RECTIFICATION_GROUP, width=8),
    Column("measures", "整改措施", ("升级措施",), RECTIFICATION_GROUP, width=34),
    Column("deadline", "整改时限", ("升级时限", "整改时间"), RECTIFICATION_GROUP, width=9),
    Column("assisting_unit", "帮扶单位", ("帮扶责任单位",), RECTIFICATION_GROUP, width=12),
    Column("liaison_leader", "联系领导", (), RECTIFICATION_GROUP, width=8),
    Column("responsible_person", "整改责任人", ("责任人",), RECTIFICATION_GROUP, width=8),
)

COLUMN_KEYS = tuple(column.key for column in HUNAN_COLUMNS)
# An optional last column: Jinwei's exports add it so a file re-imports by code, not by name.
CODE_COLUMN = Column("code", "组织代码", ("代码", "党组织代码"), width=16)
