from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryState(models.TextChoices):
    """A level's year summary (年度工作总结): written by the level, then 报 its superior (seeds/002 四)."""

    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted upward")


class ShortlistState(models.TextChoices):
    """A level's commendation shortlist (评先表优): proposed, edited by the level, then submitted upward."""

    DRAFT = "draft", _("Being drawn up")
    SUBMITTED = "submitted", _("Submitted upward")


class CandidateSource(models.TextChoices):
    RULES = "rules", _("Proposed by the rules")
    ADDED = "added", _("Added by the level")


class Rule(models.TextChoices):
    """The kinds of commendation rule a cycle keeps as data (yearend.rules)."""

    TOP_GRADE_YEARS = "top_grade_years", _("Top grade years running")  # 先进 two years running
    TARGET_MET = "target_met", _("Upgrade target met")  # the plan's 晋位升级目标 reached
    NO_VETO = "no_veto", _("No veto clause")  # no 直接定为后进
    PLEDGE_RESULT = "pledge_result", _("The organization's pledge rated")  # 评诺 好
