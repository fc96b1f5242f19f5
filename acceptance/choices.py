from django.db import models
from django.utils.translation import gettext_lazy as _


class AcceptanceState(models.TextChoices):
    """Where one organization stands in the year-end acceptance (考核验收, seeds/002 (四)). Only
    acceptance.services assigns it."""

    SELF_CHECK = "self_check", _("Self-check under way")  # 自查自评
    SUBMITTED = "submitted", _("Submitted to the superior")
    RETURNED = "returned", _("Returned for rework")
    PASSED = "passed", _("Accepted")  # 上级党组织认定：通过
    FAILED = "failed", _("Not accepted")  # 未通过：继续整改，来年回头看
    DEPARTED = "departed", _("Merged or dissolved")  # 撤并: a row of the transition only


# A determined acceptance: the organization has been re-graded.
DECIDED_STATES = (AcceptanceState.PASSED, AcceptanceState.FAILED)


class Presence(models.TextChoices):
    """How an organization stands between the years: the transition's own rows and columns (seeds/000:
    验收结果作为下一轮分类定级的重要依据, so every organization of either year is counted once)."""

    CONTINUING = "continuing", _("Graded both years")
    NEW = "new", _("New this year")  # 新建
    MERGED = "merged", _("Merged")  # 合并
    DISSOLVED = "dissolved", _("Dissolved")  # 撤销


class ModelTitle(models.TextChoices):
    """先进（示范）党组织 titles of seeds/002: "争创全国及省市先进(示范)党组织", "争创区及以上先进(示范)党组织"."""

    DISTRICT = "district", _("District-level model")  # 区级先进（示范）党组织
    NATIONAL = "national", _("National or provincial model")  # 全国及省市先进（示范）党组织


class LevelState(models.TextChoices):
    """A level's acceptance results, reported upward (逐级验收审定晋位升级档次, seeds/001)."""

    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted upward")


class TargetSource(models.TextChoices):
    SEED = "seed", _("Default of the implementation plan")  # 实施方案
    LEVEL = "level", _("Set by the level")
    PLAN = "plan", _("Overall target of the level's plan")  # 晋位方案 整体晋位目标
