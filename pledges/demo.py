"""The demo pledges: a Chenghua community under 猛追湾 with a small roster and pledges in every state of this
year's cycle, so that the pledge pages, the public board and the to-dos show something to walk through."""

import datetime

from django.db import transaction
from django.utils import timezone

from cycles.models import Cycle
from members import services as member_services
from members.choices import Education, Gender
from members.models import Member
from orgs.choices import Sector
from orgs.demo import CHENGHUA_DISTRICT, MENGZHUIWAN
from orgs.models import Organization
from pledges import services
from pledges.choices import Category, PledgeResult, PledgeState
from pledges.models import Pledge

MEMBERS = [("王淑芬", Gender.FEMALE, 1962), ("李建国", Gender.MALE, 1958), ("张晓燕", Gender.FEMALE, 1990),
           ("陈志远", Gender.MALE, 1985), ("刘明", Gender.MALE, 1979), ("赵丽", Gender.FEMALE, 1995)]
# (the member's index, or None for the community's own pledge; the state it is brought to)
PLAN = [(None, PledgeState.FULFILLING), (0, PledgeState.CLOSED), (1, PledgeState.EVALUATED),
        (2, PledgeState.FULFILLING), (3, PledgeState.PUBLIC), (4, PledgeState.SUBMITTED), (5, PledgeState.DRAFT)]
ITEMS = {
    None: [(Category.PRACTICAL, "为辖区独居老人安装紧急呼叫设备", True, "已安装12户", "安装到40户"),
           (Category.PRACTICAL, "整治老旧院落停车秩序", False, "", "")],
    0: [(Category.SERVE, "每月走访困难党员和群众", True, "去年走访24户次", "走访36户次")],
    1: [(Category.STUDY, "参加支部“三会一课”", True, "去年缺席2次", "全年不缺席")],
    2: [(Category.ACHIEVE, "带领青年志愿者开展社区服务", False, "", "")],
    3: [(Category.LAW, "带头调解邻里纠纷", True, "去年调解3起", "调解6起")],
    4: [(Category.INTEGRITY, "带头宣传移风易俗", False, "", "")],
    5: [(Category.SERVE, "为社区儿童辅导功课", False, "", "")],
}


def _community() -> Organization | None:
    street = Organization.objects.filter(code=MENGZHUIWAN).first()
    if street is None:
        return None
    return Organization.objects.filter(parent=street, sector=Sector.COMMUNITY).order_by("code").first()


def _bring(admin, pledge: Pledge, state: str, today: datetime.date) -> None:
    order = [PledgeState.SUBMITTED, PledgeState.PUBLIC, PledgeState.FULFILLING, PledgeState.EVALUATED,
             PledgeState.CLOSED]
    steps = order[: order.index(state) + 1] if state in order else []
    for step in steps:
        if step == PledgeState.SUBMITTED:
            services.pledge_submit(actor=admin, pledge=pledge)
        elif step == PledgeState.PUBLIC:
            services.pledge_approve(actor=admin, pledge=pledge)
        elif step == PledgeState.FULFILLING:
            for item in pledge.items.all():
                services.progress_add(actor=admin, item=item, happened_on=today, text=f"{item.content}：已完成一半")
        elif step == PledgeState.EVALUATED:
            services.pledge_evaluate(actor=admin, pledge=pledge, result=PledgeResult.GOOD, self_evaluation="按期兑现承诺",
                                     members_evaluation="党员评议认为承诺已兑现", leader_comment="群众满意，继续保持")
        elif step == PledgeState.CLOSED:
            services.pledge_close(actor=admin, pledge=pledge)


@transaction.atomic
def demo_pledges_load(*, admin) -> int:
    """Load the community's roster and pledges where it has none this year; returns the pledges written."""
    today = timezone.localdate()
    community = _community()
    cycle = Cycle.objects.filter(owner__code=CHENGHUA_DISTRICT, year=today.year).first()
    if community is None or cycle is None or Pledge.objects.filter(cycle=cycle, organization=community).exists():
        return 0
    members = []
    for name, gender, born in MEMBERS:
        member = Member.objects.filter(organization=community, name=name).first() or member_services.member_create(
            actor=admin, organization=community, name=name, gender=gender, birth_date=datetime.date(born, 3, 1),
            education=Education.BACHELOR if born > 1980 else Education.SENIOR,
            joined_on=datetime.date(born + 22, 7, 1))
        members.append(member)
    deadline = datetime.date(today.year, 12, 31)
    written = 0
    for index, state in PLAN:
        pledge = services.pledge_create(actor=admin, cycle=cycle, organization=community,
                                        member=None if index is None else members[index])
        for category, content, measurable, baseline, target in ITEMS[index]:
            services.pledge_item_add(actor=admin, pledge=pledge, category=category, content=content,
                                     measurable=measurable, baseline=baseline, target=target, deadline=deadline)
        _bring(admin, pledge, state, today)
        written += 1
    returned = Pledge.objects.get(cycle=cycle, member=members[5])
    services.pledge_submit(actor=admin, pledge=returned)
    services.pledge_return(actor=admin, pledge=returned, reason="量力而行：请写明每周辅导的次数")
    return written
