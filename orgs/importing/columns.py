"""The columns of an organization list, as real files word them, and the words of kinds and sectors.

A county's list comes out of another system or was kept by hand: 党组织名称 or 组织名称, 组织代码 or
党组织代码, 上级党组织 (a code or a name), 党组织类别, 所属领域. The export writes the first wording of
each column, so that export → edit → import round-trips.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from orgs.choices import OrganizationKind, Sector


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as the export writes it
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("code", "组织代码", ("党组织代码", "代码", "组织编码", "党组织编码", "编码", "统一代码", "机构代码")),
    Column("name", "党组织名称", ("组织名称", "名称", "党组织全称", "单位名称", "党支部名称", "支部名称", "全称")),
    Column("short_name", "简称", ("党组织简称", "组织简称")),
    Column("kind", "党组织类别", ("组织类别", "类别", "党组织类型", "组织类型", "类型")),
    Column("sector", "所属领域", ("领域", "所在领域", "单位类别", "单位性质", "行业领域")),
    Column("parent_code", "上级组织代码", ("上级党组织代码", "上级代码", "上级编码", "上级党组织编码")),
    Column("parent", "上级党组织", ("上级组织", "上级党组织名称", "上级组织名称", "隶属党组织", "所属党组织")),
    Column("established_on", "成立日期", ("成立时间", "建立日期", "建立时间", "组建时间")),
    Column("secretary", "书记", ("党组织书记", "支部书记", "书记姓名", "党支部书记")),
    Column("first_secretary", "第一书记", ("驻村第一书记", "第一书记姓名")),
    Column("year", "年度", ("统计年度", "年份")),
    Column("members_total", "党员数", ("党员人数", "党员总数", "共有党员", "党员")),
    Column("probationary_members", "预备党员", ("预备党员数", "其中预备党员")),
    Column("female_members", "女党员", ("女党员数", "其中女党员")),
    Column("members_under_35", "35岁以下党员", ("35岁以下", "35周岁以下党员")),
    Column("college_members", "大专及以上党员", ("大专及以上", "大专以上学历党员")),
    Column("leadership_size", "班子成员", ("班子成员数", "班子人数")),
    Column("mobile_members", "流动党员", ("流动党员数",)),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
FACT_KEYS = ("members_total", "probationary_members", "female_members", "members_under_35", "college_members",
             "leadership_size", "mobile_members")
# The order of the exported sheet: the parent by code (what a round trip needs), not by name.
EXPORT_KEYS = ("code", "name", "short_name", "kind", "sector", "parent_code", "established_on", "secretary",
               "first_secretary", "year", *FACT_KEYS)


def squeeze(text: str) -> str:
    return "".join(str(text).split())


HEADER_INDEX = {squeeze(wording): column.key for column in COLUMNS for wording in (column.header, *column.aliases)}

# Words for a kind, as files write them; the longest that a cell ends with wins (…村党总支 is a 党总支).
KIND_WORDS = {
    "党委": OrganizationKind.COMMITTEE, "党委员会": OrganizationKind.COMMITTEE, "委员会": OrganizationKind.COMMITTEE,
    "基层党委": OrganizationKind.COMMITTEE, "县委": OrganizationKind.COMMITTEE, "市委": OrganizationKind.COMMITTEE,
    "省委": OrganizationKind.COMMITTEE, "党工委": OrganizationKind.WORKING_COMMITTEE,
    "工委": OrganizationKind.WORKING_COMMITTEE, "党总支": OrganizationKind.GENERAL_BRANCH,
    "总支": OrganizationKind.GENERAL_BRANCH, "党总支部": OrganizationKind.GENERAL_BRANCH,
    "党支部": OrganizationKind.BRANCH, "支部": OrganizationKind.BRANCH, "联合党支部": OrganizationKind.BRANCH,
    "党组": OrganizationKind.LEADING_GROUP, "组织部": OrganizationKind.DEPARTMENT,
}
SECTOR_WORDS = {
    "村": Sector.VILLAGE, "行政村": Sector.VILLAGE, "农村": Sector.VILLAGE, "建制村": Sector.VILLAGE,
    "社区": Sector.COMMUNITY, "城市社区": Sector.COMMUNITY, "居委会": Sector.COMMUNITY,
    "机关": Sector.AGENCY, "党政机关": Sector.AGENCY, "政府机关": Sector.AGENCY,
    "事业单位": Sector.PUBLIC_INSTITUTION, "事业": Sector.PUBLIC_INSTITUTION, "学校": Sector.PUBLIC_INSTITUTION,
    "医院": Sector.PUBLIC_INSTITUTION, "国企": Sector.SOE, "国有企业": Sector.SOE, "国有控股企业": Sector.SOE,
    "金融": Sector.FINANCIAL, "金融机构": Sector.FINANCIAL, "金融企业": Sector.FINANCIAL, "银行": Sector.FINANCIAL,
    "非公企业": Sector.NON_PUBLIC_ENTERPRISE, "非公有制企业": Sector.NON_PUBLIC_ENTERPRISE,
    "民营企业": Sector.NON_PUBLIC_ENTERPRISE, "私营企业": Sector.NON_PUBLIC_ENTERPRISE,
    "社会组织": Sector.SOCIAL_ORG, "社团": Sector.SOCIAL_ORG, "民办非企业": Sector.SOCIAL_ORG,
    "高校": Sector.UNIVERSITY, "高等学校": Sector.UNIVERSITY, "大学": Sector.UNIVERSITY,
    "街道": Sector.STREET_COMMITTEE, "街道党工委": Sector.STREET_COMMITTEE,
    "远程教育站点": Sector.REMOTE_EDUCATION_SITE, "远程教育": Sector.REMOTE_EDUCATION_SITE,
    "远教站点": Sector.REMOTE_EDUCATION_SITE, "站点": Sector.REMOTE_EDUCATION_SITE,
    "地方": Sector.REGIONAL, "乡镇": Sector.REGIONAL, "乡": Sector.REGIONAL, "镇": Sector.REGIONAL,
    "县": Sector.REGIONAL, "县区": Sector.REGIONAL, "市": Sector.REGIONAL, "省": Sector.REGIONAL,
    "区域": Sector.REGIONAL,
}
# The export's own words: each value's label as shown in Chinese, and the value itself, read back.
_KIND_LABELS = {"党委": OrganizationKind.COMMITTEE, "党工委": OrganizationKind.WORKING_COMMITTEE,
                "党总支": OrganizationKind.GENERAL_BRANCH, "党支部": OrganizationKind.BRANCH,
                "党组": OrganizationKind.LEADING_GROUP, "组织部": OrganizationKind.DEPARTMENT}
KIND_EXPORT = {value: word for word, value in _KIND_LABELS.items()}
SECTOR_EXPORT = {Sector.VILLAGE: "村", Sector.COMMUNITY: "社区", Sector.AGENCY: "机关",
                 Sector.PUBLIC_INSTITUTION: "事业单位", Sector.SOE: "国企", Sector.FINANCIAL: "金融机构",
                 Sector.NON_PUBLIC_ENTERPRISE: "非公企业", Sector.SOCIAL_ORG: "社会组织", Sector.UNIVERSITY: "高校",
                 Sector.STREET_COMMITTEE: "街道", Sector.REMOTE_EDUCATION_SITE: "远程教育站点",
                 Sector.REGIONAL: "地方"}
_STRIP = "（）()[]【】 "


def kind_of(word: str) -> str | None:
    """The kind a cell names ("党支部", "村党总支", "branch"); None when no word fits."""
    text = squeeze(word).strip(_STRIP)
    if text in OrganizationKind.values:
        return text
    if text in KIND_WORDS:
        return KIND_WORDS[text]
    for known in sorted(KIND_WORDS, key=len, reverse=True):
        if text.endswith(known) or text.startswith(known):
            return KIND_WORDS[known]
    return None


def kind_from_name(name: str) -> str | None:
    """A kind guessed from an organization's name (…村党支部, …镇党委) when the file has no kind column."""
    for known in sorted(KIND_WORDS, key=len, reverse=True):
        if len(known) > 1 and name.endswith(known):
            return KIND_WORDS[known]
    return None


def sector_of(word: str) -> str | None:
    """The sector a cell names ("行政村", "非公有制企业", "village"); None when no word fits."""
    text = squeeze(word).strip(_STRIP)
    for suffix in ("领域", "类"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    if text in Sector.values:
        return text
    if text in SECTOR_WORDS:
        return SECTOR_WORDS[text]
    for known in sorted(SECTOR_WORDS, key=len, reverse=True):
        if len(known) > 1 and known in text:
            return SECTOR_WORDS[known]
    return None


SECTOR_HELP = _("the sector's words: 村, 社区, 机关, 事业单位, 国企, 金融机构, 非公企业, 社会组织, 高校, 街道, "
                "远程教育站点, 地方")
