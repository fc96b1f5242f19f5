from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanState(models.TextChoices):
    """Where a plan (升级办法 / 晋位方案) stands in 两定两诺两审 (seeds/001). Only rectification.services assigns it."""

    DRAFT = "draft", _("Being drafted")  # 支部定办法
    SUBMITTED = "submitted", _("Submitted to the superior")  # 逐级报送审定
    RETURNED = "returned", _("Returned for rework")
    APPROVED = "approved", _("Approved")  # 审核通过


# A plan whose content its own organization may change.
EDITABLE_PLAN_STATES = (PlanState.DRAFT, PlanState.RETURNED)


class MeasureKind(models.TextChoices):
    """seeds/001 五: "对能够马上解决的，立即进行解决；对短期内不能解决的，要做出计划…；对需要上级组织解决的，积极沟通协调"."""

    IMMEDIATE = "immediate", _("Solved at once")  # 立即解决
    PLANNED = "planned", _("Solved by a deadline")  # 限期解决
    SUPERIOR = "superior", _("Needs the superior")  # 需上级协调


class MeasureState(models.TextChoices):
    """A measure's progress: planned → in progress → done → verified by the superior (销号)."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")  # 销号


# A measure still to be carried out: it is overdue once its deadline has passed.
OPEN_MEASURE_STATES = (MeasureState.PLANNED, MeasureState.IN_PROGRESS)


class MeasureReview(models.TextChoices):
    """The superior's word on one measure of a submitted plan (可行性、时效性评估, seeds/001 三2)."""

    PENDING = "pending", _("Not reviewed yet")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ProblemSource(models.TextChoices):
    """Where a problem (问题档案) was found (seeds/001: 座谈会、走访调研、向上级党组织征求意见)."""

    DEDUCTION = "deduction", _("A deduction of the score sheet")
    VETO = "veto", _("A veto clause of the score sheet")
    SURVEY = "survey", _("The status survey")
    SUPERIOR = "superior", _("The superior's comments")
    PUBLIC = "public", _("Members' and the public's comments")
    OTHER = "other", _("Found by the organization")


class SupporterKind(models.TextChoices):
    """seeds/002: "城乡结对帮扶、领导定点联系、干部驻点帮扶"."""

    UNIT = "unit", _("Assisting unit")  # 帮扶单位 (结对帮扶)
    LEADER = "leader", _("Liaison leader")  # 联系领导 (定点联系)
    CADRE = "cadre", _("Resident cadre")  # 驻点干部


class MidyearRating(models.TextChoices):
    """七一前考评 (seeds/001 三3): praise, average, or criticism with a deadline to put it right."""

    PRAISE = "praise", _("Praised")  # 表扬
    AVERAGE = "average", _("Average")  # 一般
    CRITICIZE = "criticize", _("Criticized, to be put right by a deadline")  # 批评并限期整改
