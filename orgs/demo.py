"""The demo data: Lanshan county's real sample ledger (seeds/004) and a district shaped like Chenghua (seeds/002).

``demo_load`` builds it through the services (``organization_create``, ``facts_save``,
``user_create``, ``role_assignment_create``) acting as the superuser ``admin``, so the audit log
of the demo is the one real use would write. It only adds what is missing: an organization is
known by its official code, a year's facts by (organization, year), a user by user name, so a
second run changes nothing, and what people changed in the demo since is kept.

Lanshan (蓝山县, 湖南省永州市) is the sample of 附件三 of seeds/004: five village branches with
their 2012 facts as the ledger states them. The ledger's grading and rectification columns are
kept here as data (``LANSHAN_LEDGER``) for the ledger and grading features; they are not loaded.
The Chenghua-shaped district (成华区, 成都市) follows seeds/002: street working committees
(街道党工委) with their communities, non-public enterprises, social organizations and
remote-education sites, plus the district organs' working committee and two system committees
(区直机关工委, 系统党委). Its names, secretaries and facts are invented but plausible, and the
same on every run.
"""

import calendar
import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from orgs import services
from orgs.choices import OrganizationKind, Role, Sector, VenueStatus
from orgs.models import Organization, OrganizationFacts, RoleAssignment

# ---------------------------------------------------------------------------------------------
# Lanshan county, seeds/004 附件三 (蓝山县基层党组织分类定级晋位升级目标管理工作台账（样表）).

LANSHAN_YEAR = 2012


@dataclass(frozen=True)
class DemoOrganization:
    """One organization of the demo, under the organization with ``parent_code``."""

    code: str
    name: str
    kind: str
    sector: str
    parent_code: str | None
    short_name: str = ""
    secretary: str = ""
    first_secretary: str = ""


@dataclass(frozen=True)
class DemoFacts:
    """One year's basic facts (基本情况) of the organization with ``code``."""

    code: str
    year: int
    members_total: int
    probationary_members: int = 0
    female_members: int = 0
    members_under_35: int = 0
    college_members: int = 0
    leadership_size: int = 0
    mobile_members: int = 0
    venue_status: str = VenueStatus.BUILT
    venue_expected_completion: datetime.date | None = None
    main_features: str = ""
    problems: str = ""

    def fields(self) -> dict:
        """The keyword arguments of ``services.facts_save``."""
        return {name: getattr(self, name) for name in services.FACT_FIELDS}


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


def _month_end(year: int, month: int) -> datetime.date:
    """"2012年8月完工" means done within August: the expected completion is the month's last day."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


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
        venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion=_month_end(2012, 8),
        main_features="1、能基本完成各项工作任务；\n2、村内无大的矛盾纠纷隐患。",
        problems="1、村级活动场所中心进度慢；\n2、新农村建设发展缓慢。",
    ),
    DemoFacts(
        "431127-02-002", LANSHAN_YEAR, members_total=24, probationary_members=1, female_members=3,
        members_under_35=3, college_members=1, leadership_size=3, mobile_members=6,
        venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion=_month_end(2012, 6),
        main_features="1、能正常发展党员；\n2、干部服务群众意识较好。",
        problems="1、党员模范带头作用不明显；\n2、村级主导产业不突出。",
    ),
    DemoFacts(
        "431127-02-003", LANSHAN_YEAR, members_total=19, probationary_members=1, female_members=2,
        members_under_35=1, college_members=0, leadership_size=2, mobile_members=7,
        venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion=_month_end(2012, 7),
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

# ---------------------------------------------------------------------------------------------
# A district shaped like Chenghua (seeds/002): invented, plausible, the same on every run.

CHENGHUA_DISTRICT = "510108"  # 成华区's administrative division code
CHENGHUA_SEED = 510108
MENGZHUIWAN = "510108-01"
WANGPING = "510108-01-001"  # 望平社区党支部, a branch of 猛追湾 street
HONGXING = "510108-01-003"  # 红星社区党支部, another
CHENGHUA_STREETS = ["猛追湾", "双桥子", "府青路", "二仙桥", "跳蹬河", "万年场", "双水碾", "保和", "青龙", "龙潭"]
CHENGHUA_COMMUNITIES = (
    "望平 下涧槽 红星 新鸿 建设 杉板桥 府青 建材 李家沱 驷马桥 东站 踏水桥 圣灯 人民塘 玉双 双林 东桂 致强 "
    "东虹 东篱 桃蹊 麻石桥 北湖 新华 建东 建华 理工 锦绣 和美 蜀都 沙河 万科 华润 府河 跳蹬河 八里庄 崔家店 "
    "白莲池 双店 二仙桥 青龙场 龙潭 保和 天鹅 长天 槐树店 东林 民兴 五桂桥 双华 怡福 望江 水碾河 建兴 新鸿南 "
    "机投 猛追湾 桂林 双庆 府青东 建设北 荆竹 杨柳 翡翠 金色 东秀 锦江 新开 龙华 蓉都 东升 梧桐 崔家湾 东风 建祥 "
    "华林 站北 昭觉 北星 东调 建工 前锋 热电 双水碾 保平 和平 东山 西林 府青西 万年 双桥 青龙湾 新村 二仙桥东 "
    "猛追湾东 新鸿北 驷马桥北 天鹅湖"
).split()
ENTERPRISE_STEMS = "蜀华 锦程 天府 蓉泰 华西 川兴 东郊 鑫源 成都祥和 宏达 金牛 东方 博瑞 德康 汇通 九鼎 瑞丰 中泰".split()
INDUSTRIES = ["建设工程", "物流", "电子科技", "食品", "商贸", "医药", "物业服务", "软件", "文化传媒", "餐饮管理"]
ASSOCIATIONS = ["个体劳动者协会", "商会", "物业管理协会", "社会工作服务中心", "志愿者协会", "养老服务中心", "楼宇商会"]
DISTRICT_AGENCIES = [
    "区委办公室", "区政府办公室", "区发展和改革局", "区财政局", "区民政局", "区人力资源和社会保障局", "区住房和建设局",
    "区城市管理局", "区商务局", "区司法局", "区审计局", "区统计局", "区信访局", "区目标督查办公室",
]
DISTRICT_SCHOOLS = [
    "成都市建设路小学", "成都市双林小学", "成都市府青路小学", "成都市二仙桥学校", "成都市列五中学", "成都市双庆中学",
    "成都市成华小学", "成都市建华小学", "成都市万年场小学", "成都市龙潭小学", "成华区实验幼儿园",
]
DISTRICT_HEALTH = [
    "成华区人民医院", "成华区妇幼保健院", "猛追湾社区卫生服务中心", "双桥子社区卫生服务中心", "青龙社区卫生服务中心",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国华明军平伟强文辉志红春秀英芳玉兰敏丽海波涛勇斌林东峰刚松新宏俊杰德成永福贵荣庆祥瑞金云霞燕萍静亮鹏飞晓"

FEATURES = {
    Sector.COMMUNITY: [
        "1、社区党组织班子团结，服务群众意识强；\n2、党员志愿服务常态化，“网格化”管理覆盖全社区。",
        "1、坚持“三会一课”制度，组织生活规范；\n2、在职党员进社区报到服务，共驻共建开展较好。",
        "1、社区活动阵地功能齐全，群众参与度高；\n2、流动党员管理台账清楚。",
    ],
    Sector.NON_PUBLIC_ENTERPRISE: [
        "1、党组织与企业管理层沟通顺畅，党建工作融入生产经营；\n2、党员在技术攻关中发挥骨干作用。",
        "1、党员队伍年轻，学历层次较高；\n2、开展“党员示范岗”活动，效果较好。",
    ],
    Sector.SOCIAL_ORG: [
        "1、党组织覆盖行业会员单位，联系面广；\n2、组织党员参与社区公益服务。",
        "1、能按期开展组织生活；\n2、在行业自律中发挥党员作用。",
    ],
    Sector.AGENCY: [
        "1、机关党建制度健全，“三会一课”落实到位；\n2、党员干部服务窗口作风转变明显。",
        "1、开展“三亮三比三评”活动，服务对象满意度较高；\n2、党员学习教育常态化。",
    ],
    Sector.PUBLIC_INSTITUTION: [
        "1、党组织在教育教学中发挥政治核心作用；\n2、党员教师示范课、结对帮扶开展较好。",
        "1、党员在业务一线比例高，带头作用明显；\n2、开展党员承诺践诺，群众评价较好。",
    ],
}
PROBLEMS = {
    Sector.COMMUNITY: [
        "1、党员老龄化明显，年轻党员偏少；\n2、辖区驻区单位参与共建的积极性有待提高。",
        "1、流动人口多，流动党员管理难度大；\n2、活动经费保障不足。",
    ],
    Sector.NON_PUBLIC_ENTERPRISE: [
        "1、党员流动性大，组织关系接转不及时；\n2、党组织活动时间与生产经营存在冲突。",
        "1、活动场所不固定；\n2、党组织书记兼职多，精力投入不足。",
    ],
    Sector.SOCIAL_ORG: [
        "1、党员分散，集中开展活动难；\n2、缺少固定活动场所和经费。",
    ],
    Sector.AGENCY: [
        "1、党建工作与业务工作结合不够紧密；\n2、党员教育形式较单一。",
    ],
    Sector.PUBLIC_INSTITUTION: [
        "1、青年教师入党积极分子培养不够；\n2、党组织活动创新不足。",
        "1、党员业务工作繁忙，参加组织生活时间难保证；\n2、党建经费使用不够规范。",
    ],
}


@dataclass
class _ChenghuaBuilder:
    """Builds the district deterministically from one random seed (the same demo on every run)."""

    year: int
    rng: random.Random = field(default_factory=lambda: random.Random(CHENGHUA_SEED))
    organizations: list[DemoOrganization] = field(default_factory=list)
    facts: list[DemoFacts] = field(default_factory=list)

    def person(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def add(self, code: str, name: str, kind: str, sector: str, parent: str | None, short_name: str = "",
            secretary: bool = True) -> str:
        self.organizations.append(DemoOrganization(code, name, kind, sector, parent, short_name=short_name,
                                                   secretary=self.person() if secretary else ""))
        return code

    def add_facts(self, code: str, sector: str, *, members: tuple[int, int], female: tuple[float, float],
                  young: tuple[float, float], college: tuple[float, float], leadership: tuple[int, int],
                  mobile: tuple[float, float], no_venue: float = 0.03) -> None:
        rng = self.rng
        total = rng.randint(*members)

        def share(bounds: tuple[float, float]) -> int:
            return min(total, round(total * rng.uniform(*bounds)))

        draw = rng.random()
        if draw < no_venue:
            venue, completion = VenueStatus.NONE, None
        elif draw < no_venue + 0.06:
            venue, completion = VenueStatus.UNDER_CONSTRUCTION, _month_end(self.year, rng.randint(6, 12))
        else:
            venue, completion = VenueStatus.BUILT, None
        self.facts.append(DemoFacts(
            code, self.year, members_total=total, probationary_members=min(total, rng.randint(0, max(1, total // 25))),
            female_members=share(female), members_under_35=share(young), college_members=share(college),
            leadership_size=rng.randint(*leadership), mobile_members=share(mobile), venue_status=venue,
            venue_expected_completion=completion, main_features=rng.choice(FEATURES[sector]),
            problems=rng.choice(PROBLEMS[sector]),
        ))

    def build(self) -> None:
        rng = self.rng
        district = self.add(CHENGHUA_DISTRICT, "中共成都市成华区委员会", OrganizationKind.COMMITTEE, Sector.REGIONAL, None,
                            short_name="成华区委")
        communities = iter(CHENGHUA_COMMUNITIES)
        for number, street_name in enumerate(CHENGHUA_STREETS, 1):
            street = self.add(f"{district}-{number:02d}", f"中共成都市成华区{street_name}街道工作委员会",
                              OrganizationKind.WORKING_COMMITTEE, Sector.STREET_COMMITTEE, district,
                              short_name=f"{street_name}街道党工委")
            child = 0
            names = [next(communities) for _ in range(rng.randint(6, 9))]
            for community in names:
                child += 1
                big = rng.random() < 0.4
                code = self.add(f"{street}-{child:03d}", f"{community}社区{'党委' if big else '党支部'}",
                                OrganizationKind.COMMITTEE if big else OrganizationKind.BRANCH, Sector.COMMUNITY, street)
                self.add_facts(code, Sector.COMMUNITY, members=(150, 420) if big else (40, 150), female=(0.35, 0.55),
                               young=(0.06, 0.18), college=(0.25, 0.55), leadership=(5, 9) if big else (3, 5),
                               mobile=(0.03, 0.12))
            for _enterprise in range(rng.randint(3, 5)):
                child += 1
                name = f"成都{rng.choice(ENTERPRISE_STEMS)}{rng.choice(INDUSTRIES)}有限公司党支部"
                code = self.add(f"{street}-{child:03d}", name, OrganizationKind.BRANCH, Sector.NON_PUBLIC_ENTERPRISE,
                                street)
                self.add_facts(code, Sector.NON_PUBLIC_ENTERPRISE, members=(3, 45), female=(0.2, 0.45),
                               young=(0.35, 0.6), college=(0.5, 0.85), leadership=(1, 3), mobile=(0.0, 0.08),
                               no_venue=0.3)
            for association in rng.sample(ASSOCIATIONS, rng.randint(1, 2)):
                child += 1
                code = self.add(f"{street}-{child:03d}", f"成华区{street_name}街道{association}党支部",
                                OrganizationKind.BRANCH, Sector.SOCIAL_ORG, street)
                self.add_facts(code, Sector.SOCIAL_ORG, members=(3, 20), female=(0.3, 0.6), young=(0.2, 0.5),
                               college=(0.3, 0.7), leadership=(1, 3), mobile=(0.0, 0.1), no_venue=0.5)
            # Remote-education sites are listed by streets only (seeds/002 附件5) and are graded
            # as sites, not as party organizations: no secretary, no member counts.
            for community in rng.sample(names, rng.randint(2, 3)):
                child += 1
                self.add(f"{street}-{child:03d}", f"{community}社区党员远程教育站点", OrganizationKind.BRANCH,
                         Sector.REMOTE_EDUCATION_SITE, street, secretary=False)

        organs = self.add(f"{district}-90", "中共成都市成华区直属机关工作委员会", OrganizationKind.WORKING_COMMITTEE,
                          Sector.AGENCY, district, short_name="区直机关工委")
        for number, agency in enumerate(DISTRICT_AGENCIES, 1):
            code = self.add(f"{organs}-{number:03d}", f"成华{agency}机关党支部", OrganizationKind.BRANCH, Sector.AGENCY,
                            organs)
            self.add_facts(code, Sector.AGENCY, members=(8, 60), female=(0.3, 0.55), young=(0.15, 0.4),
                           college=(0.85, 1.0), leadership=(3, 5), mobile=(0.0, 0.02), no_venue=0.0)
        education = self.add(f"{district}-91", "中共成都市成华区教育局委员会", OrganizationKind.COMMITTEE,
                             Sector.PUBLIC_INSTITUTION, district, short_name="区教育局党委")
        for number, school in enumerate(DISTRICT_SCHOOLS, 1):
            code = self.add(f"{education}-{number:03d}", f"{school}党支部", OrganizationKind.BRANCH,
                            Sector.PUBLIC_INSTITUTION, education)
            self.add_facts(code, Sector.PUBLIC_INSTITUTION, members=(15, 90), female=(0.5, 0.75), young=(0.15, 0.4),
                           college=(0.9, 1.0), leadership=(3, 5), mobile=(0.0, 0.02), no_venue=0.0)
        health = self.add(f"{district}-92", "中共成都市成华区卫生局委员会", OrganizationKind.COMMITTEE,
                          Sector.PUBLIC_INSTITUTION, district, short_name="区卫生局党委")
        for number, unit in enumerate(DISTRICT_HEALTH, 1):
            general = number == 1  # the district hospital has a general branch (党总支)
            code = self.add(f"{health}-{number:03d}", f"{unit}{'党总支' if general else '党支部'}",
                            OrganizationKind.GENERAL_BRANCH if general else OrganizationKind.BRANCH,
                            Sector.PUBLIC_INSTITUTION, health)
            self.add_facts(code, Sector.PUBLIC_INSTITUTION, members=(60, 160) if general else (12, 50),
                           female=(0.5, 0.75), young=(0.2, 0.45), college=(0.8, 1.0),
                           leadership=(5, 7) if general else (3, 5), mobile=(0.0, 0.03), no_venue=0.0)


def chenghua_data(*, year: int) -> tuple[list[DemoOrganization], list[DemoFacts]]:
    """The Chenghua-shaped district: organizations (parents first) and their facts for ``year``."""
    builder = _ChenghuaBuilder(year=year)
    builder.build()
    return builder.organizations, builder.facts


# ---------------------------------------------------------------------------------------------
# People.

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "jinwei-admin"


@dataclass(frozen=True)
class DemoUser:
    """A demo login: its role on the organization with ``organization_code``; ``title`` is who they play."""

    username: str
    password: str
    full_name: str
    role: str
    organization_code: str
    title: str


DEMO_USERS = [
    DemoUser("lanshan_admin", "lanshan-admin-2012", "雷建华", Role.ADMIN, LANSHAN_COUNTY, "蓝山县委组织部组织员"),
    DemoUser("tushi_reviewer", "tushi-review-2012", "欧阳明", Role.REVIEWER, TUSHI, "土市乡党委组织委员"),
    DemoUser("sicun_secretary", "sicun-branch-2012", "黄玉生", Role.SECRETARY, SICUN, "四村党支部书记"),
    DemoUser("chenghua_admin", "chenghua-admin-2012", "刘晓燕", Role.ADMIN, CHENGHUA_DISTRICT, "成华区委组织部干部"),
    DemoUser("mzw_reviewer", "mengzhuiwan-review-2012", "陈志强", Role.REVIEWER, MENGZHUIWAN, "猛追湾街道党工委组织委员"),
    DemoUser("wangping_secretary", "wangping-branch-2012", "徐永", Role.SECRETARY, WANGPING, "望平社区党支部书记"),
    DemoUser("hongxing_secretary", "hongxing-branch-2012", "叶文福", Role.SECRETARY, HONGXING, "红星社区党支部书记"),
    DemoUser("chenghua_observer", "chenghua-observer-2012", "周敏", Role.OBSERVER, CHENGHUA_DISTRICT,
             "成华区委组织部督查组"),
]


@dataclass(frozen=True)
class DemoLogin:
    """One line of the printed logins; ``existed`` when the user was there before this run."""

    username: str
    password: str
    role: str
    organization: str
    title: str
    existed: bool


@dataclass
class DemoLoadResult:
    """What ``demo_load`` added; all zero on a second run."""

    organizations: int = 0
    facts: int = 0
    users: int = 0
    roles: int = 0
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.organizations or self.facts or self.users or self.roles)


def _admin_user() -> tuple[object, bool]:
    """The demo's superuser ``admin``, created (and its creation audited) when missing."""
    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is not None:
        return admin, False
    admin = User.objects.create_superuser(ADMIN_USERNAME, password=ADMIN_PASSWORD, first_name="系统管理员")
    audit_record(actor=None, obj=admin, action="user.create", after={"username": ADMIN_USERNAME, "superuser": True})
    return admin, True


@transaction.atomic
def demo_load(*, year: int | None = None) -> DemoLoadResult:
    """Load whatever of the demo is missing, through the services, acting as ``admin``.

    ``year`` is the year of the Chenghua-shaped district's facts (this year by default); Lanshan's
    are the sample's 2012. One transaction: a failure leaves nothing half-loaded.
    """
    year = year or timezone.localdate().year
    result = DemoLoadResult()
    admin, admin_created = _admin_user()
    result.users += admin_created
    chenghua_organizations, chenghua_facts = chenghua_data(year=year)
    organizations = LANSHAN_ORGANIZATIONS + chenghua_organizations
    by_code = {org.code: org for org in Organization.objects.filter(code__in=[spec.code for spec in organizations])}
    for spec in organizations:
        if spec.code in by_code:
            continue
        by_code[spec.code] = services.organization_create(
            actor=admin,
            parent=by_code[spec.parent_code] if spec.parent_code else None,
            name=spec.name,
            short_name=spec.short_name,
            code=spec.code,
            kind=spec.kind,
            sector=spec.sector,
            secretary=spec.secretary,
            first_secretary=spec.first_secretary,
        )
        result.organizations += 1

    facts = LANSHAN_FACTS + chenghua_facts
    present = set(OrganizationFacts.objects.filter(organization__in=list(by_code.values())).values_list(
        "organization__code", "year"))
    for spec in facts:
        if (spec.code, spec.year) in present:
            continue
        services.facts_save(actor=admin, organization=by_code[spec.code], year=spec.year, **spec.fields())
        result.facts += 1

    User = get_user_model()
    result.logins.append(DemoLogin(ADMIN_USERNAME, ADMIN_PASSWORD, _("System administrator (superuser)"),
                                   _("all organizations"), "", not admin_created))
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        existed = user is not None
        if user is None:
            user = services.user_create(actor=admin, username=spec.username, password=spec.password,
                                        full_name=spec.full_name)
            result.users += 1
        organization = by_code[spec.organization_code]
        if not RoleAssignment.objects.filter(user=user, organization=organization, role=spec.role).exists():
            services.role_assignment_create(actor=admin, user=user, organization=organization, role=spec.role)
            result.roles += 1
        result.logins.append(DemoLogin(spec.username, spec.password, str(Role(spec.role).label), organization.name,
                                       spec.title, existed))
    return result
