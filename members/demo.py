"""The demo rosters: Lanshan's five village branches (seeds/004 附件三) with members whose counts agree with the
sample's basic facts (毛俊村: 75 members, 7 probationary, 8 women, 15 under 35, 3 college-educated)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from members import services
from members.choices import Education, Gender
from members.models import Member
from members.selectors import YOUTH_AGE
from orgs.demo import LANSHAN_FACTS
from orgs.models import Organization

SURNAMES = "毛黄李张王陈刘杨赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国华明军伟芳丽秀英志强玉兰春生海燕德福桂平红梅东林永胜小龙金凤文斌家荣立新学武"
PLACES = ["广东省深圳市", "广东省东莞市", "浙江省义乌市", "湖南省长沙市", "福建省厦门市"]


def _roster(facts, rng: random.Random, today: datetime.date) -> list[dict]:
    """Members whose counts are exactly the facts': the first k are probationary, women, young, college-educated."""
    young_born = today.replace(year=today.year - YOUTH_AGE + 5)
    used: set[str] = set()
    rows = []
    for number in range(facts.members_total):
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
            if name not in used:
                used.add(name)
                break
        young = number < facts.members_under_35
        birth = (young_born - datetime.timedelta(days=rng.randint(0, 1700)) if young
                 else datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 12000)))
        joined = birth.replace(year=birth.year + rng.randint(19, 24)) if birth.month != 2 or birth.day != 29 else \
            birth.replace(year=birth.year + 20, day=28)
        mobile = number >= facts.members_total - facts.mobile_members
        rows.append({
            "name": name, "birth_date": birth, "joined_on": min(joined, today - datetime.timedelta(days=30)),
            "gender": Gender.FEMALE if number < facts.female_members else Gender.MALE,
            "probationary": number < facts.probationary_members,
            "education": Education.COLLEGE if number < facts.college_members else rng.choice(
                (Education.PRIMARY, Education.JUNIOR, Education.SENIOR)),
            "mobile": mobile, "mobile_where": rng.choice(PLACES) if mobile else "",
        })
    return rows


@transaction.atomic
def demo_members_load(*, admin) -> int:
    """Give each Lanshan sample branch without a roster one that agrees with its facts; returns the members added."""
    today = timezone.localdate()
    added = 0
    for facts in LANSHAN_FACTS:
        organization = Organization.objects.filter(code=facts.code).first()
        if organization is None or Member.objects.filter(organization=organization).exists():
            continue
        rng = random.Random(facts.code)
        for row in _roster(facts, rng, today):
            services.member_create(actor=admin, organization=organization, **row)
            added += 1
    return added
