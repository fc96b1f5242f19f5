"""Demo plans, loaded by ``manage.py load_demo`` after the demo cycles (cycles.demo):

* Lanshan's five branches in the 2012 cycle with the sample ledger's real problems, measures, deadlines,
  assisting units, liaison leaders and responsible persons (seeds/004 附件三), approved, and the towns'
  mid-year check;
* one Chenghua street in this year's open cycle whose branches' plans are in every state — none, drafted,
  submitted, returned, approved, in progress, done, verified, criticized — so every demo user has something
  waiting.

Everything goes through the services, as the demo's superuser; safe to run again (an organization that has
a plan is left alone).
"""

import datetime
import re
import struct
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cycles.models import Cycle
from orgs.demo import CHENGHUA_DISTRICT, LANSHAN_COUNTY, LANSHAN_FACTS, LANSHAN_LEDGER, LANSHAN_YEAR, MENGZHUIWAN
from orgs.models import Organization
from rectification import services
from rectification.models import Plan

# 毛俊村's facts name one problem for its two measures; the second is the one its measure 2 answers.
LANSHAN_EXTRA_PROBLEMS = {"431127-01-001": ["党员、干部结构不够优化", "村级发展规划不够完善"]}
LANSHAN_MIDYEAR = {  # 七一前考评 of 2012, as the towns might have rated the sample's branches
    "431127-01-001": ("praise", "", None),
    "431127-01-002": ("average", "", None),
    "431127-02-001": ("criticize", "村级活动阵地建设进度慢，整改措施不到位", datetime.date(2012, 8, 31)),
    "431127-02-002": ("average", "", None),
    "431127-02-003": ("average", "", None),
}
NUMBERED = re.compile(r"^\s*\d+、")


def _items(text: str) -> list[str]:
    """"1、…；\n2、…。" as its items, numbering and closing marks dropped."""
    return [NUMBERED.sub("", line).strip().rstrip("；;。") for line in text.splitlines() if line.strip()]


def _deadline(text: str, year: int, default: datetime.date) -> datetime.date:
    """"8月底前建好…" is due at the end of August; any other measure on the ledger's 整改时限."""
    found = re.search(r"(\d{1,2})月底前", text)
    if not found:
        return default
    month = int(found.group(1))
    return (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1))


def _png() -> bytes:
    """A small real PNG: the demo's photo of a meeting."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xb7\x1c\x1c" * 8 for _row in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _photo(name: str) -> ContentFile:
    return ContentFile(_png(), name=name)


def _lanshan(admin) -> int:
    cycle = Cycle.objects.filter(owner__code=LANSHAN_COUNTY, year=LANSHAN_YEAR).first()
    if cycle is None:
        return 0
    facts = {f.code: f for f in LANSHAN_FACTS}
    loaded = 0
    for sample in LANSHAN_LEDGER:
        organization = Organization.objects.get(code=sample.code)
        if Plan.objects.filter(cycle=cycle, organization=organization).exists():
            continue
        measures = _items(sample.measures)
        titles = LANSHAN_EXTRA_PROBLEMS.get(sample.code) or _items(facts[sample.code].problems)
        problems = [{"title": title, "source": "survey", "measures": [{
            "text": text, "responsible_person": sample.responsible_person,
            "deadline": _deadline(text, LANSHAN_YEAR, sample.deadline), "kind": "planned",
            "assisting_unit": sample.assisting_unit, "liaison_leader": sample.liaison_leader}]}
            for title, text in zip(titles, measures, strict=False)]
        plan = services.plan_file(actor=admin, cycle=cycle, organization=organization,
                                  target_grade=sample.target_grade, problems=problems)
        plan = services.plan_submit(actor=admin, plan=plan)
        services.plan_approve(actor=admin, plan=plan)
        loaded += 1
    for town in Organization.objects.filter(code__in=["431127-01", "431127-02"]):
        ratings = [{"organization_id": org.pk, "rating": LANSHAN_MIDYEAR[org.code][0],
                    "reason": LANSHAN_MIDYEAR[org.code][1], "new_deadline": LANSHAN_MIDYEAR[org.code][2]}
                   for org in town.children.filter(code__in=LANSHAN_MIDYEAR)]
        services.midyear_rate(actor=admin, cycle=cycle, level=town, ratings=ratings)
    return loaded


STREET_PROBLEMS = [
    ("党员老龄化明显，年轻党员偏少", "近三年发展党员以退休人员为主", "每季度召开一次青年入党积极分子座谈会，年内发展35岁以下党员2名"),
    ("驻区单位参与共建积极性不高", "共驻共建机制不健全", "与辖区5家驻区单位签订共建协议，每月开展一次联合服务"),
    ("活动经费保障不足", "经费来源单一", "向街道党工委申请党建经费，协调解决活动阵地维修"),
]
# What each of the street's branches shows: the stage its plan has reached.
STAGES = ("none", "draft", "submitted", "returned", "approved", "in_progress", "done", "verified", "criticized")


def _street_plan(admin, cycle, organization, stage: str, today: datetime.date) -> None:
    if stage == "none":
        return
    end = datetime.date(cycle.year, 12, 31)
    overdue = min(today - datetime.timedelta(days=7), end) if today.year == cycle.year else end
    problems = [{"title": title, "causes": causes, "source": "survey", "measures": [{
        "text": measure, "responsible_person": organization.secretary or "社区书记",
        "deadline": overdue if number == 0 and stage in ("approved", "criticized") else end,
        "kind": "superior" if number == 2 else ("immediate" if number == 1 else "planned"),
        "assisting_unit": "成华区民政局" if number else "成华区委组织部", "liaison_leader": "刘晓燕"}]}
        for number, (title, causes, measure) in enumerate(STREET_PROBLEMS[:2 if stage == "draft" else 3])]
    plan = services.plan_file(actor=admin, cycle=cycle, organization=organization, target_grade="advanced",
                              problems=problems)
    if stage == "draft":
        return
    plan = services.plan_submit(actor=admin, plan=plan)
    if stage == "submitted":
        return
    if stage == "returned":
        first = plan.measures.order_by("pk").first()
        services.plan_return(actor=admin, plan=plan, reasons={first.pk: "措施不够具体，请写明时间节点和责任分工"})
        return
    plan = services.plan_approve(actor=admin, plan=plan)
    measure = plan.measures.order_by("pk").first()
    if stage in ("in_progress", "done", "verified"):
        services.progress_report(actor=admin, measure=measure, reported_on=today, text="召开青年座谈会一次，确定入党积极分子3名",
                                 files=[_photo("座谈会.png")])
    if stage in ("done", "verified"):
        services.measure_complete(actor=admin, measure=measure, done_on=today)
    if stage == "verified":
        services.measure_verify(actor=admin, measure=measure)
    rating = {"criticized": ("criticize", "整改工作走过场，措施落实不到位", end), "verified": ("praise", "", None),
              "done": ("praise", "", None)}.get(stage, ("average", "", None))
    services.midyear_rate(actor=admin, cycle=cycle, level=organization.parent, ratings=[
        {"organization_id": organization.pk, "rating": rating[0], "reason": rating[1], "new_deadline": rating[2]}])


def _chenghua(admin, year: int) -> int:
    cycle = Cycle.objects.filter(owner__code=CHENGHUA_DISTRICT, year=year).first()
    street = Organization.objects.filter(code=MENGZHUIWAN).first()
    if cycle is None or street is None:
        return 0
    today = timezone.localdate()
    branches = list(street.children.filter(dissolved_on__isnull=True, children_count=0).exclude(
        sector="remote_education_site").order_by("code"))
    loaded = 0
    for organization, stage in zip(branches, STAGES, strict=False):
        if Plan.objects.filter(cycle=cycle, organization=organization).exists():
            continue
        _street_plan(admin, cycle, organization, stage, today)
        loaded += stage != "none"
    return loaded


@transaction.atomic
def demo_rectification_load(*, admin, year: int | None = None) -> int:
    """File the demo plans that are missing; returns how many were filed."""
    return _lanshan(admin) + _chenghua(admin, year or timezone.localdate().year)
