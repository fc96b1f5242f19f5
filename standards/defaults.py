"""The seeds' numbers as default configuration: every one can be changed per standard.

Sources: seeds/002 (80/60 bands, stars, 优秀站点 ≤30%, veto thresholds), seeds/004 (好/较好/
一般/较差: the seeds give no score bands, so the bands below are editable defaults), seeds/001
(标兵 and 品牌 above 先进), seeds/000 ("先进比例不能过高，确保有一定后进比例": the shares are
editable defaults, the seeds give no number).
"""

from decimal import Decimal as D

from standards.rules import Band, QuotaRule, Scheme, StarBand

THREE_GRADES = Scheme("three_grades", (Band("advanced", D(80)), Band("average", D(60)), Band("lagging", D(0))))
FOUR_GRADES = Scheme(
    "four_grades",
    (Band("good", D(90)), Band("fairly_good", D(75)), Band("average", D(60)), Band("poor", D(0))),
)
REMOTE_SITES = Scheme(
    "remote_sites", (Band("excellent_site", D(80)), Band("average_site", D(60)), Band("lagging_site", D(0)))
)
SCHEMES = {scheme.key: scheme for scheme in (THREE_GRADES, FOUR_GRADES, REMOTE_SITES)}

# Above 先进 the university's ladder (seeds/001) continues by designation, not by score.
LADDER = ["lagging", "average", "advanced", "exemplary", "brand"]

STAR_BANDS = (StarBand(5, D(90)), StarBand(4, D(80)), StarBand(3, D(73)), StarBand(2, D(67)), StarBand(1, D(60)))

QUOTAS = {
    "three_grades": (QuotaRule("advanced", D("0.30"), at_most=True), QuotaRule("lagging", D("0.05"), at_most=False)),
    "four_grades": (QuotaRule("good", D("0.30"), at_most=True), QuotaRule("poor", D("0.05"), at_most=False)),
    "remote_sites": (QuotaRule("excellent_site", D("0.30"), at_most=True),),  # "优秀站点比例原则上不超过30%"
}

# The satisfaction thresholds of the veto clauses (seeds/002: communities 60%; agencies, public
# institutions, social organizations 50%) live on each clause: standards/default_items.py.
