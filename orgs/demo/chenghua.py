"""A district shaped like Chenghua (seeds/002): invented but plausible names, secretaries and facts, the
same on every run."""

import random
from dataclasses import dataclass, field

from orgs.choices import OrganizationKind, Sector, VenueStatus
from orgs.demo.records import DemoFacts, DemoOrganization, month_end

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
            venue, completion = VenueStatus.UNDER_CONSTRUCTION, month_end(self.year, rng.randint(6, 12))
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
