"""Lanshan county's sample of 附件三 (seeds/004): five village branches, their 2012 facts and ledger rows."""

import datetime
from dataclasses import dataclass

from orgs.choices import OrganizationKind, Sector, VenueStatus
from orgs.demo.records import DemoFacts, DemoOrganization, month_end

LANSHAN_YEAR = 2012


LANSHAN_COUNTY = "431127"  # 蓝山县's administrative division code
MAOJUN = "431127-01"
TUSHI = "431127-02"
SICUN = "431127-02-001"

LANSHAN_ORGANIZATIONS = [
    # The sample names no secretaries above the branches; none are invented for real people here.
    DemoOrganization(LANSHAN_COUNTY, "中共蓝山县委员会", OrganizationKind.COMMITTEE, Sector.REGIONAL, None,
                     short_name="蓝山县委"),
    # The sample's first group has lost its heading; its assisting unit 毛俊镇人民政府 places
    # 毛俊村 and 西岭头村 in 毛俊镇. The second group is headed 土市乡.
    DemoOrganization(MAOJUN, "中共蓝山县毛俊镇委员会", OrganizationKind.COMMITTEE, Sector.REGIONAL, LANSHAN_COUNTY,
                     short_name="毛俊镇党委"),
    DemoOrganization(TUSHI, "中共蓝山县土市乡委员会", OrganizationKind.COMMITTEE, Sector.REGIONAL, LANSHAN_COUNTY,
                     short_name="土市乡党委"),
    DemoOrganization("431127-01-001", "毛俊村党支部", OrganizationKind.BRANCH, Sector.VILLAGE, MAOJUN,
                     secretary="廖仁旺", first_secretary="赵志坚"),
    DemoOrganization("431127-01-002", "西岭头村党支部", OrganizationKind.BRANCH, Sector.VILLAGE, MAOJUN,
                     secretary="唐辉", first_secretary="曾强生"),
    DemoOrganization(SICUN, "四村党支部", OrganizationKind.BRANCH, Sector.VILLAGE, TUSHI,
                     secretary="黄玉生", first_secretary="杨书郎"),
    DemoOrganization("431127-02-002", "土市村党支部", OrganizationKind.BRANCH, Sector.VILLAGE, TUSHI,
                     secretary="谭顺仔", first_secretary="黄渊勇"),
    DemoOrganization("431127-02-003", "上泉洞村党支部", OrganizationKind.BRANCH, Sector.VILLAGE, TUSHI,
                     secretary="唐召生", first_secretary="方强"),
]


# The counts as 基本情况 states them; a count the text does not mention (西岭头村 names no
# probationary and no college-educated members) is recorded as 0. The venue column reads 已建
# (built) or "2012年N月完工" (under construction, due at the end of that month). No branch's venue
# column reads 没有 (none): 上泉洞村's "没有活动场所" is in its problems, while its venue column
# says "2012年7月完工" and its measures "7月底前建好村级活动阵地". 土市村's "2012年6月完工" is
# kept as the ledger's own under-construction entry, although the sample is dated 20 June.
LANSHAN_FACTS = [
    DemoFacts(
        "431127-01-001", LANSHAN_YEAR, members_total=75, probationary_members=7, female_members=8,
        members_under_35=15, college_members=3, leadership_size=5, mobile_members=11,
        venue_status=VenueStatus.BUILT,
        main_features="1、村党支部书记素质好，“双培双带”能力强，班子有战斗力，党员队伍素质高；\n"
                      "2、工作思路清晰，各项制度健全。党建工作创新，有特色；\n"
                      "3、活动阵地建设好，设备齐全；\n"
                      "4、业绩突出，群众反映好。",
        problems="党员、干部结构不够优化。",
    ),
    DemoFacts(
        "431127-01-002", LANSHAN_YEAR, members_total=24, probationary_members=0, female_members=3,
        members_under_35=1, college_members=0, leadership_size=3, mobile_members=6,
        venue_status=VenueStatus.BUILT,
        main_features="1、远程教育活动开展好，效果明显；\n2、班子有战斗力，实行民主管理。",
        problems="1、村党支部书记新当选，党建工作不够熟悉；\n2、党员作用发挥不够好。",
    ),
    DemoFacts(
        SICUN, LANSHAN_YEAR, members_total=18, probationary_members=1, female_members=3,
        members_under_35=2, college_members=2, leadership_size=3, mobile_members=4,
        venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion=month_end(2012, 8),
        main_features="1、能基本完成各项工作任务；\n2、村内无大的矛盾纠纷隐患。",
        problems="1、村级活动场所中心进度慢；\n2、新农村建设发展缓慢。",
    ),
    DemoFacts(
        "431127-02-002", LANSHAN_YEAR, members_total=24, probationary_members=1, female_members=3,
        members_under_35=3, college_members=1, leadership_size=3, mobile_members=6,
        venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion=month_end(2012, 6),
        main_features="1、能正常发展党员；\n2、干部服务群众意识较好。",
        problems="1、党员模范带头作用不明显；\n2、村级主导产业不突出。",
    ),
    DemoFacts(
        "431127-02-003", LANSHAN_YEAR, members_total=19, probationary_members=1, female_members=2,
        members_under_35=1, college_members=0, leadership_size=2, mobile_members=7,
        venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion=month_end(2012, 7),
        main_features="1、能基本完成各项工作任务；\n2、村内无大的矛盾纠纷隐患。",
        problems="1、没有活动场所；\n2、发展党员有所欠缺，现有党员年龄偏大；\n3、村支两委班子配合不默契，支部内部有派性。",
    ),
]

# Hunan's four grades (seeds/004 一⑵) under their code names (DESIGN.md vocabulary).
HUNAN_GRADES = {"好": "good", "较好": "fairly_good", "一般": "average", "较差": "poor"}


@dataclass(frozen=True)
class LedgerSample:
    """The grading and rectification columns (分类定级情况, 整改情况) of one row of the Lanshan sample.

    Not a model: kept as data for the ledger and grading features. Grades are HUNAN_GRADES code
    names; ``deadline`` is the date ``deadline_text`` (整改时限) stands for.
    """

    code: str
    declared_grade: str  # 支部申报定级类别
    superior_grade: str  # 上级党组织定级类别
    target_grade: str  # 晋位升级目标
    measures: str  # 整改措施
    deadline_text: str  # 整改时限
    deadline: datetime.date
    assisting_unit: str  # 帮扶单位
    liaison_leader: str  # 联系领导
    responsible_person: str  # 整改责任人


LANSHAN_LEDGER = [
    LedgerSample(
        "431127-01-001", HUNAN_GRADES["好"], HUNAN_GRADES["好"], HUNAN_GRADES["好"],
        "1、发展2名35岁以下的优秀青年入党；\n2、结合村区位特点、自然资源等实际因素，进一步完善未来五年发展规划。",
        "2012年底", datetime.date(2012, 12, 31), "毛俊镇人民政府", "赵志坚", "廖仁旺",
    ),
    LedgerSample(
        "431127-01-002", HUNAN_GRADES["较好"], HUNAN_GRADES["较好"], HUNAN_GRADES["好"],
        "1、督促村党支部书记加强党建工作业务学习，努力提高自身思想政治素质和管理、驾驭能力；\n"
        "2、加大党员教育管理，充分发挥远程教育学用示范户的示范带动作用。",
        "2012年底", datetime.date(2012, 12, 31), "县委统战部", "曾强生", "唐辉",
    ),
    LedgerSample(
        SICUN, HUNAN_GRADES["较好"], HUNAN_GRADES["一般"], HUNAN_GRADES["较好"],
        "1、8月底前建好村级活动阵地；\n2、加大新农村建设力度，制定好新农村建设的规划和符合实际的年度计划。",
        "2012年底", datetime.date(2012, 12, 31), "县检察院", "杨书郎", "黄玉生",
    ),
    LedgerSample(
        "431127-02-002", HUNAN_GRADES["一般"], HUNAN_GRADES["一般"], HUNAN_GRADES["较好"],
        "1、充分发挥好党员的模范带头作用；\n2、有目标有计划地大力发展烤烟，增加农民收入，帮助农民致富。",
        "2012年底", datetime.date(2012, 12, 31), "县经信委", "黄渊勇", "谭顺仔",
    ),
    # The extracted text runs measures 1 and 2 together with spaces; the line break is restored.
    LedgerSample(
        "431127-02-003", HUNAN_GRADES["较差"], HUNAN_GRADES["较差"], HUNAN_GRADES["一般"],
        "1、7月底前建好村级活动阵地；\n2、加强对党员的管理，发挥党员的作用，多发展培养优秀青年入党；\n"
        "3、村支两委加强沟通，凝聚合力促发展。",
        "2012年底", datetime.date(2012, 12, 31), "县盐业公司、商业事务办", "方强", "唐召生",
    ),
]
