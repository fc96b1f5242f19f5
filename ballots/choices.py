from django.db import models
from django.utils.translation import gettext_lazy as _

from standards.choices import Grade


class SessionPurpose(models.TextChoices):
    """What a ballot session is for: one of the grading steps voted anonymously (seeds/002 群众初评,
    党员评议, 党员群众会议审议 无记名测评), or a satisfaction survey of an organization (满意度测评)."""

    PUBLIC_RATING = "public_rating", _("Public preliminary rating")
    MEMBER_REVIEW = "member_review", _("Member review")
    MEETING_REVIEW = "meeting_review", _("Joint meeting review")
    SATISFACTION = "satisfaction", _("Satisfaction survey")
    PLEDGE_RATING = "pledge_rating", _("Public rating of a pledge")  # 评诺 (seeds/003), scheduled by pledges


class QuestionKind(models.TextChoices):
    """What a ballot asks: a grade, agreement with the declared grade, satisfaction, or how well a pledge was kept."""

    GRADE = "grade", _("Choose a grade")
    AGREEMENT = "agreement", _("Agree or disagree with the declared grade")
    SATISFACTION = "satisfaction", _("Satisfaction")
    PLEDGE = "pledge", _("Rate this pledge")


class SessionState(models.TextChoices):
    """Where a session stands, derived from its times and its closing (never assigned)."""

    SCHEDULED = "scheduled", _("Not yet open")
    OPEN = "open", _("Open")
    ENDED = "ended", _("Ended, not yet counted")
    CLOSED = "closed", _("Closed and counted")
    VOID = "void", _("Void: closed with no ballot")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意


class Agreement(models.TextChoices):
    """The joint meeting's vote on the declared grade; the keys cycles.services records for that step."""

    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


# The question each purpose asks; the step a purpose feeds (None: a survey feeds the score sheet).
PURPOSE_KIND = {
    SessionPurpose.PUBLIC_RATING: QuestionKind.GRADE,
    SessionPurpose.MEMBER_REVIEW: QuestionKind.GRADE,
    SessionPurpose.MEETING_REVIEW: QuestionKind.AGREEMENT,
    SessionPurpose.SATISFACTION: QuestionKind.SATISFACTION,
    SessionPurpose.PLEDGE_RATING: QuestionKind.PLEDGE,
}
PURPOSE_STEP = {
    SessionPurpose.PUBLIC_RATING: "public_rating",
    SessionPurpose.MEMBER_REVIEW: "member_review",
    SessionPurpose.MEETING_REVIEW: "meeting_review",
    SessionPurpose.SATISFACTION: None,
    SessionPurpose.PLEDGE_RATING: None,
}
# Purposes whose answers the caller gives (with their words) when it schedules the session, from the app above.
CALLER_ANSWERS = frozenset({SessionPurpose.PLEDGE_RATING})


def answer_label(answer: str, session=None) -> str:
    """An answer in words: as the session states them (a pledge's rating scale), else the engine's choices."""
    if session is not None and answer in (session.answer_labels or {}):
        return session.answer_labels[answer]
    labels = {**dict(Satisfaction.choices), **dict(Agreement.choices), **dict(Grade.choices)}
    return str(labels.get(answer, answer))
