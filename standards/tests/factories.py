"""A small standard for tests: two indicators, three items, three kinds of veto clause."""

from decimal import Decimal as D

from standards import services
from standards.structure import IndicatorData, ItemData, StandardData, VetoData

SMALL = StandardData(
    indicators=(
        IndicatorData("党组织带头人", (
            ItemData("1.1", "书记参加培训", D(30), "per_occurrence", D(5), "每缺1次扣5分"),
            ItemData("1.2", "班子健全", D(20), "fixed", D(10)),
        )),
        IndicatorData("工作业绩", (ItemData("2.1", "完成年度任务", D(50), "per_occurrence", D(10)),)),
    ),
    vetoes=(
        VetoData("近一年来出现严重群体性事件的"),
        VetoData("近一年来没有党组织书记的", "no_secretary"),
        VetoData("社区党组织民主评议党员群众满意度低于60%的", "satisfaction_below", D("0.6")),
    ),
)


def make_standard(actor, issuer, *, sector="village", year=2026, data=SMALL):
    return services.standard_create(actor=actor, issuer=issuer, sector=sector, year=year, name="测试标准", data=data)
