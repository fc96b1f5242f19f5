"""Anonymous ballots: sessions, one-time codes, casting and the sealed count.

Anonymity is a property of what is stored, not of what is shown: a code is kept only as a keyed
hash with a ``used`` flag, a ballot only as its session and answer, and casting writes no audit
event, time, address or browser. So nothing in the database links a ballot to a code or to when
within the session it was cast. Results are counted once, when the session closes, and then go
to the grading step or the score sheet by themselves.
"""

import datetime
import hashlib
import hmac
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots.choices import PURPOSE_KIND, PURPOSE_STEP, Agreement, QuestionKind, Satisfaction, SessionPurpose
from ballots.models import Ballot, BallotCode, BallotSession
from core.services import audit_record
from cycles import selectors as cycle_selectors
from cycles import services as cycle_services
from cycles.models import Grading
from orgs import access as org_access
from orgs.models import Organization
from standards import services as standard_services
from standards.models import ScoreSheet

# No 0/O, 1/I/L, so a code read off paper is typed right; 32**10 codes per session leave guessing hopeless.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODES = 5000


def _refuse(field: str, message: str) -> None:
    raise ValidationError({field: message})


def _may_run(actor, organization: Organization) -> bool:
    """Those who record the organization's steps, or its superior who decides on it, run its ballots."""
    return org_access.can_edit_facts(actor, organization) or org_access.can_decide(actor, organization)


def _require(actor, organization: Organization) -> None:
    if not org_access.can_view(actor, organization):
        raise Http404
    if not _may_run(actor, organization):
        raise PermissionDenied(_("You may not do this on %(name)s.") % {"name": organization.name})


def code_hash(code: str) -> str:
    """The keyed hash kept instead of a code: without the secret key a stolen table gives no codes."""
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _normalized_code(code) -> str | None:
    """A code as typed (any case, spaces or dashes), or None when it cannot be one of ours."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def session_answers(session: BallotSession) -> list[str]:
    """The answers a ballot of this session may give."""
    if session.question_kind == QuestionKind.SATISFACTION:
        return list(Satisfaction.values)
    if session.question_kind == QuestionKind.AGREEMENT:
        return list(Agreement.values)
    if session.grading_id is not None:
        return cycle_selectors.grading_grades(grading=session.grading)
    from standards import defaults as standard_defaults

    return [band.grade for band in standard_defaults.THREE_GRADES.bands]


@transaction.atomic
def session_create(*, actor, organization: Organization, purpose: str, opens_at: datetime.datetime,
                   closes_at: datetime.datetime, quorum: int = 0, grading: Grading | None = None,
                   title: str = "") -> BallotSession:
    """Schedule a ballot session for an organization; a step's ballot names the organization's grading."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _require(actor, organization)
    if purpose not in SessionPurpose.values:
        _refuse("purpose", _("Purpose: %(value)s is not a kind of ballot.") % {"value": purpose})
    step = PURPOSE_STEP[SessionPurpose(purpose)]
    if grading is not None and grading.organization_id != organization.pk:
        _refuse("grading", _("Grading: it is not %(name)s's grading.") % {"name": organization.name})
    if step is not None:
        if grading is None:
            _refuse("grading", _("Grading: a step's ballot belongs to the organization's grading."))
        if not grading.cycle.requires(step):
            _refuse("purpose", _("Purpose: this cycle does not have the step %(step)s.") % {
                "step": SessionPurpose(purpose).label})
    if opens_at is None or closes_at is None or closes_at <= opens_at:
        _refuse("closes_at", _("Closing time: it must come after the opening time."))
    if not isinstance(quorum, int) or isinstance(quorum, bool) or quorum < 0:
        _refuse("quorum", _("Quorum: enter a whole number of 0 or more."))
    session = BallotSession.objects.create(
        organization=organization, grading=grading, purpose=purpose, question_kind=PURPOSE_KIND[SessionPurpose(purpose)],
        title=(title.strip() or f"{organization.name} · {SessionPurpose(purpose).label}")[:200], quorum=quorum,
        opens_at=opens_at, closes_at=closes_at, created_by=actor)
    audit_record(actor=actor, obj=session, organization=organization, action="ballot.session_create",
                 after={"purpose": purpose, "quorum": quorum, "opens_at": opens_at.isoformat(),
                        "closes_at": closes_at.isoformat()})
    return session


def _locked(session: BallotSession) -> BallotSession:
    return BallotSession.objects.select_for_update(of=("self",)).select_related(
        "organization", "grading__cycle", "grading__organization").get(pk=session.pk)


@transaction.atomic
def codes_generate(*, actor, session: BallotSession, count: int) -> list[str]:
    """Issue ``count`` one-time codes and return them in plain text, the only time they exist."""
    session = _locked(session)
    _require(actor, session.organization)
    if session.closed or timezone.now() >= session.closes_at:
        _refuse("count", _("This ballot has ended; no more codes can be issued."))
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_CODES:
        _refuse("count", _("Number of codes: enter a whole number from 1 to %(max)d.") % {"max": MAX_CODES})
    codes: set[str] = set()
    taken = set(session.codes.values_list("code_hash", flat=True))
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
        if code_hash(code) not in taken:
            codes.add(code)
    BallotCode.objects.bulk_create(BallotCode(session=session, code_hash=code_hash(code)) for code in codes)
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.codes",
                 after={"count": count, "issued": session.codes.count()})
    return sorted(codes)


def ballot_cast(*, session_id: int, code: str, answer: str) -> None:
    """Cast one anonymous ballot with a one-time code. No actor: whoever holds a code votes once.

    Unknown, mistyped, forged and used codes are refused alike, so a refusal tells nothing about
    which codes exist. The code is spent by a conditional UPDATE (``used = false``) in the
    transaction that inserts the ballot: of many requests with one code exactly one changes a row.
    """
    invalid_code = _("This code is not valid for this ballot or has already been used.")
    try:
        session = BallotSession.objects.select_related("grading__cycle", "grading__organization").get(pk=int(session_id))
    except (BallotSession.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if answer not in session_answers(session):
        _refuse("answer", _("Answer: please choose one of the answers offered."))
    normalized = _normalized_code(code)
    if normalized is None:
        _refuse("code", invalid_code)
    with transaction.atomic():
        # The session row lock orders casts against session_close, so no ballot slips in after the count.
        session = BallotSession.objects.select_for_update().get(pk=session.pk)
        now = timezone.now()
        if now < session.opens_at:
            _refuse("code", _("This ballot opens at %(time)s.") % {
                "time": timezone.localtime(session.opens_at).strftime("%Y-%m-%d %H:%M")})
        if session.closed or now >= session.closes_at:
            _refuse("code", _("This ballot has ended."))
        spent = BallotCode.objects.filter(session=session, code_hash=code_hash(normalized), used=False).update(used=True)
        if spent != 1:
            _refuse("code", invalid_code)
        Ballot.objects.create(session=session, answer=answer)


def count_ballots(*, answers: list[str], cast: list[str], issued: int, kind: str, quorum: int) -> dict:
    """The sealed results of a session, from plain data: counts per answer (zeros included),
    turnout (ballots / codes issued) and, for satisfaction, (满意 + 基本满意) / ballots."""
    counts = {answer: 0 for answer in answers}
    for answer in cast:
        counts[answer] = counts.get(answer, 0) + 1
    ballots = len(cast)
    satisfaction = None
    if kind == QuestionKind.SATISFACTION and ballots:
        content = counts[Satisfaction.SATISFIED] + counts[Satisfaction.BASICALLY_SATISFIED]
        satisfaction = str((Decimal(content) / ballots).quantize(Decimal("0.0001")))
    return {
        "counts": counts,
        "ballots": ballots,
        "issued": issued,
        "turnout": str((Decimal(ballots) / issued).quantize(Decimal("0.0001"))) if issued else None,
        "satisfaction": satisfaction,
        "quorum": quorum,
        "quorum_met": ballots >= quorum and ballots > 0,
    }


@transaction.atomic
def session_close(*, actor, session: BallotSession) -> BallotSession:
    """Close the ballot (at or before its closing time), count it once, and pass the results on:
    a step's vote counts to the grading's step record, a satisfaction rate to the organization's
    score sheets under the cycle's standard (which sets off a satisfaction veto clause below its threshold)."""
    session = _locked(session)
    _require(actor, session.organization)
    if session.closed:
        _refuse("closed", _("This ballot is already closed and counted."))
    if timezone.now() < session.opens_at:
        _refuse("closed", _("This ballot has not opened yet."))
    cast = list(session.ballots.values_list("answer", flat=True))
    session.tallies = count_ballots(answers=session_answers(session), cast=cast, issued=session.codes.count(),
                                    kind=session.question_kind, quorum=session.quorum)
    session.closed = True
    session.tallied_at = timezone.now()
    session.delivered = session.tallies["quorum_met"] and _deliver(actor=actor, session=session)
    session.save(update_fields=["tallies", "closed", "tallied_at", "delivered"])
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.close",
                 after=session.tallies | {"delivered": session.delivered})
    return session


def _deliver(*, actor, session: BallotSession) -> bool:
    """Pass the results on; False when they stay on the session for the step to be recorded by hand."""
    tallies = session.tallies
    step = PURPOSE_STEP[SessionPurpose(session.purpose)]
    if step is not None:
        try:
            with transaction.atomic():  # a refused record leaves the count on the session, nothing half-written
                cycle_services.step_record(
                    actor=actor, grading=session.grading, step=step,
                    held_on=timezone.localdate(min(session.tallied_at, session.closes_at)),
                    participants=tallies["ballots"], votes=dict(tallies["counts"]),
                    notes=_("Anonymous ballot: %(ballots)d ballots of %(issued)d codes.") % {
                        "ballots": tallies["ballots"], "issued": tallies["issued"]})
        except (ValidationError, PermissionDenied, Http404):
            return False
        return True
    if tallies["satisfaction"] is None or session.grading_id is None:
        return False
    standard = cycle_selectors.grading_standard(grading=session.grading)
    if standard is None:
        return False
    sheets = ScoreSheet.objects.filter(organization=session.organization, standard=standard)
    for sheet in sheets:
        standard_services.sheet_apply_satisfaction(actor=actor, sheet=sheet, satisfaction=Decimal(tallies["satisfaction"]))
    return bool(sheets)
