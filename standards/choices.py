from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeKey(models.TextChoices):
    """Grade schemes of the seeds: 先进/一般/后进 (seeds/000, 002), 好/较好/一般/较差 (seeds/004),
    优秀站点/一般站点/后进站点 (seeds/002, remote-education sites)."""

    THREE_GRADES = "three_grades", _("Advanced / average / lagging")
    FOUR_GRADES = "four_grades", _("Good / fairly good / average / poor")
    REMOTE_SITES = "remote_sites", _("Excellent / average / lagging site")


class Grade(models.TextChoices):
    """等次. 标兵 and 品牌 continue the ladder above 先进 (seeds/001) by designation, not by score."""

    ADVANCED = "advanced", _("Advanced")  # 先进
    AVERAGE = "average", _("Average")  # 一般
    LAGGING = "lagging", _("Lagging")  # 后进
    GOOD = "good", _("Good")  # 好
    FAIRLY_GOOD = "fairly_good", _("Fairly good")  # 较好
    POOR = "poor", _("Poor")  # 较差
    EXCELLENT_SITE = "excellent_site", _("Excellent site")  # 优秀站点
    AVERAGE_SITE = "average_site", _("Average site")  # 一般站点
    LAGGING_SITE = "lagging_site", _("Lagging site")  # 后进站点
    EXEMPLARY = "exemplary", _("Exemplary")  # 标兵
    BRAND = "brand", _("Brand")  # 品牌


# The grades from the best down, each scheme's in its own order (好 较好 一般 较差; 先进 一般 后进), for
# tables that set grades of several schemes side by side.
GRADE_ORDER = ("brand", "exemplary", "advanced", "good", "fairly_good", "average", "poor", "lagging",
               "excellent_site", "average_site", "lagging_site")


class DeductionKind(models.TextChoices):
    PER_OCCURRENCE = "per_occurrence", _("Points per occurrence")
    FIXED = "fixed", _("Fixed amount")


class VetoTrigger(models.TextChoices):
    """How a veto clause (直接定为后进) is set off: by an assessor's tick, or by data once it exists."""

    MANUAL = "manual", _("Ticked by the assessor")
    SATISFACTION_BELOW = "satisfaction_below", _("Satisfaction below the threshold")
    NO_SECRETARY = "no_secretary", _("No secretary")


class AssessorKind(models.TextChoices):
    SELF = "self", _("Self-assessment")  # 组织自评
    SUPERIOR = "superior", _("Superior's assessment")  # 上级党组织评定
    # The year-end acceptance scores again on the same standard (seeds/002 (四) 自查自评 … 上级组织评定).
    ACCEPTANCE_SELF = "accept_self", _("Acceptance self-check")  # 验收自查
    ACCEPTANCE_SUPERIOR = "accept_superior", _("Superior's acceptance assessment")  # 验收认定


# The sheet a sheet's page sets beside it: the other assessor's of the same round.
OTHER_ASSESSOR = {
    AssessorKind.SELF: AssessorKind.SUPERIOR, AssessorKind.SUPERIOR: AssessorKind.SELF,
    AssessorKind.ACCEPTANCE_SELF: AssessorKind.ACCEPTANCE_SUPERIOR,
    AssessorKind.ACCEPTANCE_SUPERIOR: AssessorKind.ACCEPTANCE_SELF,
}
