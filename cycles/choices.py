from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    """The grading steps of seeds/002 (群众初评 → 党员评议 → 组织自评 → 党员群众会议审议 → 上级党组织评定)
    and the district's approval (区委组织部审核), in their order."""

    PUBLIC_RATING = "public_rating", _("Public preliminary rating")  # 群众初评
    MEMBER_REVIEW = "member_review", _("Member review")  # 党员评议
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")  # 组织自评
    MEETING_REVIEW = "meeting_review", _("Joint meeting review")  # 党员群众会议审议
    SUPERIOR_DECISION = "superior_decision", _("Superior determination")  # 上级党组织评定
    APPROVAL = "approval", _("Approval")  # 审核


# The steps the organization itself records; the superior decides; the level above approves.
OWN_STEPS = (Step.PUBLIC_RATING, Step.MEMBER_REVIEW, Step.SELF_ASSESSMENT, Step.MEETING_REVIEW)

# Step chains of the seeds, offered as presets when a cycle opens.
PRESETS = {
    "chenghua": [s.value for s in Step],  # seeds/002, the full chain
    "central": [Step.MEMBER_REVIEW.value, Step.SELF_ASSESSMENT.value, Step.SUPERIOR_DECISION.value,
                Step.APPROVAL.value],  # seeds/000: 自评、党员群众评议、上级党组织评定
    "hunan": [Step.SELF_ASSESSMENT.value, Step.SUPERIOR_DECISION.value],  # seeds/004: 支部申报 → 上级审核定级
}


class Preset(models.TextChoices):
    CHENGHUA = "chenghua", _("Full chain (Chenghua): public rating, member review, self-assessment, meeting review, superior, approval")
    CENTRAL = "central", _("Central guideline: member review, self-assessment, superior, approval")
    HUNAN = "hunan", _("Hunan: declaration and superior's determination")


class GradingState(models.TextChoices):
    """Where one organization's grading stands. Only the services in cycles.services assign it."""

    PREPARING = "preparing", _("Preparing")  # its own steps being recorded
    SUBMITTED = "submitted", _("Submitted to the superior")
    RETURNED = "returned", _("Returned for rework")
    DECIDED = "decided", _("Determined by the superior")
    APPROVED = "approved", _("Approved")


class ListState(models.TextChoices):
    """A level's list of its subordinates' determinations (分类名单), reported upward for approval."""

    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted upward")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    # The cycle owner's own list: no level above runs the cycle, so submitting it confirms the year's result.
    FINAL = "final", _("Confirmed as the cycle's result")


# A list that has gone up: its determinations change only if it comes back.
REPORTED_LIST_STATES = (ListState.SUBMITTED, ListState.APPROVED, ListState.FINAL)


class SurveyRating(models.TextChoices):
    """The answer to one question of the status survey (seeds/002: 组织设置是否合理 …)."""

    YES = "yes", _("Yes")  # 是
    PARTLY = "partly", _("Partly")  # 基本
    NO = "no", _("No")  # 否


# The six questions of the status survey (seeds/002), as SurveyAnswer names its fields.
SURVEY_QUESTIONS = ("setup", "leadership", "rules", "reporting_line", "funds_and_venue", "role_played")


class CycleState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
