from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PledgeState(models.TextChoices):
    """提出承诺、公开承诺、履行承诺、评议承诺 (seeds/003), with the vetting between 提出 and 公示."""

    DRAFT = "draft", _("Drafted")  # 提出
    SUBMITTED = "submitted", _("Under review")  # 审核
    PUBLIC = "public", _("Made public")  # 公示
    FULFILLING = "fulfilling", _("Being fulfilled")  # 践诺
    EVALUATED = "evaluated", _("Evaluated")  # 评诺
    CLOSED = "closed", _("Closed")


BOARD_STATES = frozenset({PledgeState.PUBLIC, PledgeState.FULFILLING, PledgeState.EVALUATED, PledgeState.CLOSED})


class PledgeKind(models.TextChoices):
    MEMBER = "member", _("A member's pledge")
    ORGANIZATION = "organization", _("An organization's pledge")


class Category(models.TextChoices):
    """What an item promises: the 五带头 for a member (seeds/003), the 实事 an organization promises the public."""

    STUDY = "study", _("Take the lead in study")  # 带头学习提高
    ACHIEVE = "achieve", _("Take the lead in achievement")  # 带头争创佳绩
    SERVE = "serve", _("Take the lead in serving the people")  # 带头服务群众
    LAW = "law", _("Take the lead in observing discipline and law")  # 带头遵纪守法
    INTEGRITY = "integrity", _("Take the lead in promoting integrity")  # 带头弘扬正气
    PRACTICAL = "practical", _("A practical matter for the public")  # 解难题办实事 (seeds/001)


MEMBER_CATEGORIES = (Category.STUDY, Category.ACHIEVE, Category.SERVE, Category.LAW, Category.INTEGRITY)
ORGANIZATION_CATEGORIES = (Category.PRACTICAL,)


class PledgeResult(models.TextChoices):
    """评诺's result, per pledge and per person: 好 / 较好 / 一般 / 差 (the Hunan grades, seeds/004)."""

    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    AVERAGE = "average", _("Average")
    POOR = "poor", pgettext_lazy("pledge result", "Poor")  # 差, where a grade's "poor" is 较差


NOT_KEPT_RESULTS = frozenset({PledgeResult.POOR})
# The states in which the public may rate a pledge: once public, until it is closed.
RATED_STATES = frozenset({PledgeState.PUBLIC, PledgeState.FULFILLING, PledgeState.EVALUATED})


def rating_result(counts: dict[str, int], scale: list[str]) -> str | None:
    """The public's result from a rating's counts on a scale given best first: the mean of the ranks, rounded to the
    nearer one (half a rank goes to the better), or None with no ballot."""
    ballots = sum(counts.get(value, 0) for value in scale)
    if not ballots:
        return None
    mean = sum(rank * counts.get(value, 0) for rank, value in enumerate(scale)) / ballots
    rank = int(mean)
    return scale[rank + 1] if mean - rank > 0.5 else scale[rank]
