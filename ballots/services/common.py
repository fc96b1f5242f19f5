"""What the ballot services share: the limits, the refusal, the access check, the locked session and
the answers a session offers."""

from django.core.exceptions import ValidationError

from ballots import access
from ballots.choices import Agreement, QuestionKind, Satisfaction
from ballots.models import BallotSession
from cycles import selectors as cycle_selectors
from orgs.models import Organization
from standards import defaults as standard_defaults

# No 0/O, 1/I/L, so a code read off paper is typed right; 32**10 codes per session leave guessing hopeless.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODES = 5000
MAX_VOTERS = 1_000_000  # a quorum or a paper count above it is a slip of the keyboard
# A receipt is shorter: it only has to be told apart from the other receipts of its session.
RECEIPT_LENGTH = 8


def refuse(field: str, message: str) -> None:
    """Refuse with a message naming the field (ballots.forms and the API show it beside that field)."""
    raise ValidationError({field: message})


def require_run(actor, organization: Organization) -> None:
    """404 outside the actor's scope, 403 inside it unless the actor runs the organization's ballots."""
    access.require(actor, organization, access.RUN)


def session_answers(session: BallotSession) -> list[str]:
    """The answers a ballot of this session may give (kept on the session when it is created)."""
    if session.answers:
        return list(session.answers)
    return answers_for(session)


def answers_for(session: BallotSession) -> list[str]:
    """The answers its question offers: satisfaction, agreement, or the grading's grades."""
    if session.question_kind == QuestionKind.SATISFACTION:
        return list(Satisfaction.values)
    if session.question_kind == QuestionKind.AGREEMENT:
        return list(Agreement.values)
    if session.grading_id is not None:
        return cycle_selectors.grading_grades(grading=session.grading)
    return [band.grade for band in standard_defaults.THREE_GRADES.bands]



def locked(session: BallotSession) -> BallotSession:
    return BallotSession.objects.select_for_update(of=("self",)).select_related(
        "organization", "grading__cycle", "grading__organization").get(pk=session.pk)



def is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_VOTERS
