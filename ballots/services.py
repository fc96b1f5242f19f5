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
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import access
from ballots.choices import PURPOSE_KIND, PURPOSE_STEP, Agreement, QuestionKind, Satisfaction, SessionPurpose
from ballots.models import Ballot, BallotCode, BallotSession, CodeGuesses, PaperTally, random_key
from core.services import audit_record
from cycles import selectors as cycle_selectors
from cycles import services as cycle_services
from cycles.models import Grading
from orgs.models import Organization
from standards import defaults as standard_defaults
from standards import services as standard_services
from standards.choices import Grade

# No 0/O, 1/I/L, so a code read off paper is typed right; 32**10 codes per session leave guessing hopeless.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODES = 5000
MAX_VOTERS = 1_000_000  # a quorum or a paper count above it is a slip of the keyboard
# A receipt is shorter: it only has to be told apart from the other receipts of its session.
RECEIPT_LENGTH = 8

def _refuse(field: str, message: str) -> None:
    raise ValidationError({field: message})


def _require(actor, organization: Organization) -> None:
    access.require(actor, organization, access.RUN)


def code_hash(code: str) -> str:
    """The keyed hash kept instead of a code: without the secret key a stolen table gives no codes."""
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy the header it sets (settings.CLIENT_ADDRESS_HEADER)."""
    if settings.CLIENT_ADDRESS_HEADER:
        forwarded = request.META.get("HTTP_" + settings.CLIENT_ADDRESS_HEADER.upper().replace("-", "_"), "")
        if forwarded:  # the proxy adds the address it saw last: what comes before it, a client can write
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or ""


def client_key(address: str | None, session_id: int) -> str:
    """The keyed hash that stands for a client's address in one session's guess counters (the address
    is never kept); one ballot's wrong codes do not slow the same room's phones in another."""
    return hmac.new(settings.SECRET_KEY.encode(), f"ballot-client:{session_id}:{address or ''}".encode(),
                    hashlib.sha256).hexdigest()


def grouped(code: str, size: int = 5) -> str:
    """A code or receipt as printed and shown: ABCDE-FGHIJ."""
    return "-".join(code[n:n + size] for n in range(0, len(code), size))


def normalized_receipt(receipt) -> str:
    return receipt.strip().upper().replace("-", "").replace(" ", "") if isinstance(receipt, str) else ""


def _normalized_code(code) -> str | None:
    """A code as typed (any case, spaces or dashes), or None when it cannot be one of ours."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def session_answers(session: BallotSession) -> list[str]:
    """The answers a ballot of this session may give (kept on the session when it is created)."""
    if session.answers:
        return list(session.answers)
    return _answers_for(session)


def _answers_for(session: BallotSession) -> list[str]:
    if session.question_kind == QuestionKind.SATISFACTION:
        return list(Satisfaction.values)
    if session.question_kind == QuestionKind.AGREEMENT:
        return list(Agreement.values)
    if session.grading_id is not None:
        return cycle_selectors.grading_grades(grading=session.grading)

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
    if grading is not None:
        grading = Grading.objects.select_related("cycle").get(pk=grading.pk)  # its declared grade as it is now
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
    if not _is_count(quorum) or quorum < 1:
        _refuse("quorum", _("Quorum: enter a whole number from 1 to %(max)d.") % {"max": MAX_VOTERS})
    grade_voted_on = ""
    if purpose == SessionPurpose.MEETING_REVIEW:
        grade_voted_on = grading.declared_grade
        if not grade_voted_on:
            _refuse("purpose", _("Purpose: the joint meeting votes on the grade %(name)s declares, and it has declared "
                                 "none yet: record the self-assessment first.") % {"name": organization.name})
    session = BallotSession(
        organization=organization, grading=grading, purpose=purpose, question_kind=PURPOSE_KIND[SessionPurpose(purpose)],
        title=(title.strip() or _default_title(organization, purpose, grade_voted_on))[:200], quorum=quorum,
        grade_voted_on=grade_voted_on, opens_at=opens_at, closes_at=closes_at, created_by=actor)
    session.answers = _answers_for(session)
    session.save()
    audit_record(actor=actor, obj=session, organization=organization, action="ballot.session_create",
                 after={"purpose": purpose, **({"grade_voted_on": grade_voted_on} if grade_voted_on else {}),
                        "quorum": quorum, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()})
    return session


def _default_title(organization: Organization, purpose: str, grade_voted_on: str) -> str:
    """What the slips and the voting page say when no title is given: the organization, the purpose, and for
    a joint meeting the grade it votes on."""
    if grade_voted_on:
        return _("%(name)s · %(purpose)s: declared grade %(grade)s") % {
            "name": organization.name, "purpose": SessionPurpose(purpose).label, "grade": Grade(grade_voted_on).label}
    return f"{organization.name} · {SessionPurpose(purpose).label}"


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


class GuessesLimited(ValidationError):
    """A refusal before the code is even looked at: this client tried too many wrong codes."""

    def __init__(self, *, until: datetime.datetime, blocked: bool):
        self.until = until
        self.blocked = blocked
        self.wait_seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
        if blocked:
            message = _("Too many wrong codes were tried from this device, so it may not vote until %(time)s. "
                        "If you hold a valid code, please ask the ballot's organizers for help.") % {
                "time": timezone.localtime(until).strftime("%H:%M")}
        else:
            message = _("Too many wrong codes were tried from this device. Please wait %(seconds)d seconds "
                        "and try again.") % {"seconds": self.wait_seconds}
        super().__init__({"code": message})


@dataclass(frozen=True)
class Cast:
    """What a voter takes away: the receipt to find in the published list, and the session voted in."""

    receipt: str
    session: BallotSession

    @property
    def receipt_display(self) -> str:
        return grouped(self.receipt, 4)


# A cast is plain SQL: building the queries with the ORM cost the voting rush more than the
# database's work (docs/benchmarks.md). The write comes first and checks everything a cast needs in
# the database itself: the session is open, the answer is one of its answers, this client is not
# asked to wait, the code is the session's and unused. Only a refused cast reads the session again,
# to say why. On PostgreSQL the write is one statement (``_CAST_SQL``), atomic without a BEGIN and
# COMMIT of its own: a cast is one round trip to the server. It takes the session row FOR SHARE, so
# casts share it and never wait on each other, while session_close's FOR UPDATE waits for the casts
# under way and the casts after it find the session closed (PostgreSQL checks a locked row's
# condition again once the lock is granted; Django's select_for_update has no shared mode). SQLite
# has no writing WITH: it reads the session, checks it in Python and writes, in one write transaction
# (transaction_mode IMMEDIATE in settings), which orders casts and the close the same way.
# Caveat: PostgreSQL lets new share lockers in while an exclusive locker waits, so a close run
# during a steady stream of casts waits for a gap between them (seen in test_concurrency); closing
# after the closing time, when casts are refused anyway and short, is the usual case.
_SESSION_SQL = (
    "SELECT s.id, s.title, s.question_kind, s.answers, s.grading_id, s.opens_at, s.closes_at, s.closed, "
    "(SELECT g.refuse_until FROM {guesses} g WHERE g.client = %s AND g.refuse_until > %s), "
    "(SELECT g.blocked FROM {guesses} g WHERE g.client = %s) FROM {sessions} s WHERE s.id = %s"
)
_CAST_SQL = (
    "WITH open_session AS (SELECT id FROM {sessions} WHERE id = %s AND NOT closed AND opens_at <= %s AND closes_at > %s "
    "AND answers ? %s AND NOT EXISTS (SELECT 1 FROM {guesses} WHERE client = %s AND refuse_until > %s) FOR SHARE), "
    "spent AS (UPDATE {codes} SET used = true WHERE session_id = (SELECT id FROM open_session) AND code_hash = %s "
    "AND NOT used RETURNING session_id), "
    "inserted AS (INSERT INTO {ballots} (id, session_id, answer, receipt) SELECT %s, session_id, %s, %s FROM spent "
    "RETURNING 1) "
    "SELECT s.id, s.title, s.question_kind, s.answers, s.grading_id, s.opens_at, s.closes_at, s.closed, "
    "EXISTS (SELECT 1 FROM inserted) FROM {sessions} s WHERE s.id = %s"
)
_TABLES = {"sessions": BallotSession, "guesses": CodeGuesses, "codes": BallotCode, "ballots": Ballot}


def _sql(template: str) -> str:
    return template.format(**{name: connection.ops.quote_name(model._meta.db_table) for name, model in _TABLES.items()})


def _session(row) -> BallotSession:
    """The session from the first columns of ``row``: id, title, question kind, answers, grading, opening and
    closing times, closed."""
    if row is None:
        raise Http404
    pk, title, kind, answers, grading_id, opens_at, closes_at, closed = row[:8]
    return BallotSession(id=pk, title=title, question_kind=kind, grading_id=grading_id,
                         answers=json.loads(answers) if isinstance(answers, str) else answers,
                         opens_at=_aware(opens_at), closes_at=_aware(closes_at), closed=bool(closed))


def _aware(value) -> datetime.datetime | None:
    """A time as read by plain SQL: SQLite answers text or a naive time in UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _session_for_cast(cursor, session_id: int, client: str, now: datetime.datetime):
    """The session, and until when this client is refused (or None) and whether it is blocked."""
    moment = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(_sql(_SESSION_SQL), [client, moment, client, session_id])
    row = cursor.fetchone()
    session = _session(row)
    return session, _aware(row[8]), bool(row[9])


def _spend(*, session_id: int, hashed: str, answer: str, receipt: str, client: str,
           now: datetime.datetime) -> tuple[BallotSession, bool]:
    """Spend the code and insert the ballot, if the session is open, the answer one of its answers,
    the client not asked to wait, and the code the session's and unused: (the session, cast or not)."""
    moment = connection.ops.adapt_datetimefield_value(now)
    key = Ballot._meta.pk.get_db_prep_value(random_key(), connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_sql(_CAST_SQL), [session_id, moment, moment, answer, client, moment, hashed, key, answer,
                                             receipt, session_id])
            row = cursor.fetchone()
            return _session(row), bool(row and row[8])
        with transaction.atomic():
            session, refuse_until, _blocked = _session_for_cast(cursor, session_id, client, now)
            if (refuse_until is not None or session.closed or not session.opens_at <= now < session.closes_at
                    or answer not in session_answers(session)):
                return session, False
            cursor.execute(_sql("UPDATE {codes} SET used = %s WHERE session_id = %s AND code_hash = %s AND used = %s"),
                           [True, session_id, hashed, False])
            if cursor.rowcount != 1:
                return session, False
            cursor.execute(_sql("INSERT INTO {ballots} (id, session_id, answer, receipt) VALUES (%s, %s, %s, %s)"),
                           [key, session_id, answer, receipt])
    return session, True


def ballot_cast(*, session_id: int, code: str, answer: str, client: str | None = None) -> Cast:
    """Cast one anonymous ballot with a one-time code and return its receipt. No actor: whoever
    holds a code votes once; ``client`` is the keyed hash of the voter's address (``client_key``),
    used only to count wrong codes.

    Unknown, mistyped, forged and used codes are refused alike, so a refusal tells nothing about
    which codes exist; a refused answer leaves the code unused. The code is spent by a conditional
    UPDATE (``used = false``) in the statement or transaction that inserts the ballot: of many
    requests with one code exactly one changes a row. A successful cast on PostgreSQL is one
    statement (``_spend``); a refused one then reads the session to say why.
    """
    try:
        session_id = int(session_id)
    except (ValueError, TypeError):
        raise Http404 from None
    if not 0 < session_id < 2**63:  # no such session, and beyond what the database compares with
        raise Http404
    for _attempt in range(3):  # a receipt drawn twice in one session (about 1 in 10⁵ per session): draw again
        try:
            return _cast(session_id=session_id, code=code, answer=answer, client=client or "")
        except IntegrityError:
            continue
    raise IntegrityError("three receipts drawn twice in a row")


def _cast(*, session_id: int, code, answer, client: str) -> Cast:
    now = timezone.now()
    normalized = _normalized_code(code)
    if isinstance(answer, str) and normalized is not None:
        receipt = "".join(secrets.choice(CODE_ALPHABET) for _n in range(RECEIPT_LENGTH))
        session, cast = _spend(session_id=session_id, hashed=code_hash(normalized), answer=answer, receipt=receipt,
                               client=client, now=now)
        if cast:
            return Cast(receipt=receipt, session=session)
    # Refused: read the session as it is now and say why, in the order a voter should hear it.
    with connection.cursor() as cursor:
        session, refuse_until, blocked = _session_for_cast(cursor, session_id, client, now)
    try:
        if refuse_until is not None:
            raise GuessesLimited(until=refuse_until, blocked=blocked)
        if session.closed or now >= session.closes_at:
            _refuse("session", _("This ballot has ended."))
        if now < session.opens_at:
            _refuse("session", _("This ballot opens at %(time)s.") % {
                "time": timezone.localtime(session.opens_at).strftime("%Y-%m-%d %H:%M")})
        if not isinstance(answer, str) or answer not in session_answers(session):
            _refuse("answer", _("Answer: please choose one of the answers offered."))
    except GuessesLimited:
        if client:
            guess_failed(client=client)  # hammering while asked to wait counts too
        raise
    if client:
        guess_failed(client=client)
    _refuse("code", _("This code is not valid for this ballot or has already been used."))


def guess_failed(*, client: str) -> CodeGuesses:
    """Count one wrong code from a client; slow it after a few, block it after more (settings)."""
    now = timezone.now()
    window = datetime.timedelta(minutes=settings.BALLOT_GUESS_WINDOW_MINUTES)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                guesses = CodeGuesses.objects.select_for_update().filter(client=client).first()
                if guesses is None:
                    guesses = CodeGuesses.objects.create(client=client, failures=0, window_started_at=now, expires_at=now)
                if guesses.window_started_at + window <= now and not (guesses.blocked and guesses.refuse_until and guesses.refuse_until > now):
                    guesses.failures, guesses.window_started_at, guesses.blocked = 0, now, False
                guesses.failures += 1
                if guesses.failures >= settings.BALLOT_GUESS_BLOCK_AFTER:
                    guesses.blocked = True
                    guesses.refuse_until = max(guesses.refuse_until or now, now + datetime.timedelta(
                        minutes=settings.BALLOT_GUESS_BLOCK_MINUTES))
                elif guesses.failures >= settings.BALLOT_GUESS_SLOW_AFTER:
                    guesses.refuse_until = now + datetime.timedelta(seconds=settings.BALLOT_GUESS_WAIT_SECONDS)
                guesses.expires_at = max(guesses.window_started_at + window, guesses.refuse_until or now)
                guesses.save()
                # Counters past their time are forgotten (the index on expires_at keeps this cheap).
                CodeGuesses.objects.filter(expires_at__lt=now - window).delete()
                return guesses
        except IntegrityError:  # two first failures at once: the other one created the row
            continue
    raise IntegrityError("guess counter")


def count_ballots(*, answers: list[str], electronic: dict[str, int], paper: list[dict], issued: int,
                  kind: str, quorum: int) -> dict:
    """The sealed results of a session, from plain data: counts per answer (zeros included) of the
    electronic ballots and the confirmed paper tallies, turnout (ballots / codes and paper ballots
    handed out) and, for satisfaction, (满意 + 基本满意) / ballots."""
    counts = {answer: 0 for answer in answers}
    for answer, number in electronic.items():
        counts[answer] = counts.get(answer, 0) + number
    for tally in paper:
        for answer, number in tally.items():
            counts[answer] = counts.get(answer, 0) + number
    ballots = sum(counts.values())
    satisfaction = None
    if kind == QuestionKind.SATISFACTION and ballots:
        content = counts[Satisfaction.SATISFIED] + counts[Satisfaction.BASICALLY_SATISFIED]
        satisfaction = str((Decimal(content) / ballots).quantize(Decimal("0.0001")))
    return {
        "counts": counts,
        "ballots": ballots,
        "electronic": sum(electronic.values()),
        "paper": ballots - sum(electronic.values()),
        "issued": issued,
        "turnout": str((Decimal(ballots) / issued).quantize(Decimal("0.0001"))) if issued else None,
        "satisfaction": satisfaction,
        "quorum": quorum,
        "quorum_met": ballots >= quorum and ballots > 0,
    }


@transaction.atomic
def session_close(*, actor, session: BallotSession) -> BallotSession:
    """Close the ballot (at or before its closing time), count it once, and pass the results on:
    a step's vote counts to the grading's step record, a satisfaction rate to the organization under
    the cycle's standard, where its score sheets meet it, those started later too (a satisfaction veto
    clause below its threshold).

    The session row is locked FOR UPDATE: the count waits for the casts under way (they hold it
    FOR SHARE) and every cast after it finds the session closed, so each accepted ballot is counted.
    Paper tallies count only once a second person has confirmed them.
    """
    session = _locked(session)
    _require(actor, session.organization)
    if session.closed:
        _refuse("closed", _("This ballot is already closed and counted."))
    if timezone.now() < session.opens_at:
        _refuse("closed", _("This ballot has not opened yet."))
    _rewrite_in_random_order(session)
    electronic = dict(session.ballots.values_list("answer").annotate(number=Count("pk")).order_by())
    confirmed = list(session.paper_tallies.filter(confirmed_by__isnull=False))
    session.tallies = count_ballots(
        answers=session_answers(session), electronic=electronic, paper=[tally.counts for tally in confirmed],
        issued=session.codes.count() + sum(tally.issued for tally in confirmed), kind=session.question_kind,
        quorum=session.quorum)
    session.tallies["unconfirmed_tallies"] = session.paper_tallies.filter(confirmed_by__isnull=True).count()
    session.tallies["void"] = not session.tallies["ballots"]  # no ballot: void, and nothing is passed on
    session.closed = True
    session.tallied_at = timezone.now()
    session.delivered = (session.tallies["quorum_met"] and not session.tallies["void"]
                         and _deliver(actor=actor, session=session))
    session.save(update_fields=["tallies", "closed", "tallied_at", "delivered"])
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.close",
                 after=session.tallies | {"delivered": session.delivered})
    return session


def _rewrite_in_random_order(session: BallotSession) -> None:
    """Rewrite the session's ballots in random order and touch every code, in the count's transaction.

    A database keeps traces of how rows were written: PostgreSQL marks each row with the transaction
    that wrote it (``xmin``), so a cast's code and ballot share a mark, and keeps rows roughly in the
    order written, as SQLite's hidden rowid does. Afterwards every ballot and code carries the count's
    mark, and the ballots lie in an order no one chose. While the session is open the traces exist:
    only someone reading the database's system columns can see them (README, Ballots).
    """
    ballots = list(session.ballots.values_list("answer", "receipt"))
    secrets.SystemRandom().shuffle(ballots)
    session.ballots.all().delete()
    Ballot.objects.bulk_create([Ballot(session=session, answer=answer, receipt=receipt) for answer, receipt in ballots],
                               batch_size=1000)
    session.codes.update(used=F("used"))


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_VOTERS


def _paper_counts(session: BallotSession, counts) -> dict[str, int]:
    answers = session_answers(session)
    if not isinstance(counts, dict) or set(counts) - set(answers):
        _refuse("counts", _("Counts: give a number for the answers of this ballot only."))
    cleaned = {}
    for answer in answers:
        number = counts.get(answer, 0)
        if not _is_count(number):
            _refuse(answer, _("Count: enter a whole number from 0 to %(max)d.") % {"max": MAX_VOTERS})
        cleaned[answer] = number
    if not sum(cleaned.values()):
        _refuse("counts", _("Counts: the paper ballots counted add up to nothing."))
    return cleaned


@transaction.atomic
def paper_tally_enter(*, actor, session: BallotSession, counts: dict, issued: int | None = None) -> PaperTally:
    """Enter the counts of a session's paper ballots (纸质选票), to be confirmed by a second person."""
    session = _locked(session)
    _require(actor, session.organization)
    if session.closed:
        _refuse("counts", _("This ballot is already closed and counted."))
    cleaned = _paper_counts(session, counts)
    ballots = sum(cleaned.values())
    if issued is None:
        issued = ballots
    if not _is_count(issued) or issued < ballots:
        _refuse("issued", _("Paper ballots handed out: at least as many as were counted (%(ballots)d).") % {
            "ballots": ballots})
    tally = PaperTally.objects.create(session=session, counts=cleaned, issued=issued, entered_by=actor)
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.paper_enter",
                 after={"tally": tally.pk, "counts": cleaned, "issued": issued})
    return tally


@transaction.atomic
def paper_tally_confirm(*, actor, tally: PaperTally) -> PaperTally:
    """A second person confirms a paper tally; its counts then join the count at close."""
    session = _locked(tally.session)
    _require(actor, session.organization)
    tally = PaperTally.objects.select_for_update().get(pk=tally.pk)
    if session.closed:
        _refuse("tally", _("This ballot is already closed and counted."))
    if tally.confirmed_by_id is not None:
        _refuse("tally", _("This tally is already confirmed."))
    if tally.entered_by_id == actor.pk:
        _refuse("tally", _("A tally is confirmed by a second person, not by the one who entered it."))
    tally.confirmed_by, tally.confirmed_at = actor, timezone.now()
    tally.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.paper_confirm",
                 after={"tally": tally.pk, "counts": tally.counts, "entered_by": tally.entered_by_id})
    return tally


@transaction.atomic
def paper_tally_discard(*, actor, tally: PaperTally) -> None:
    """Withdraw a paper tally not yet confirmed (a mistyped count is discarded and entered again)."""
    session = _locked(tally.session)
    _require(actor, session.organization)
    tally = PaperTally.objects.select_for_update().get(pk=tally.pk)
    if session.closed or tally.confirmed_by_id is not None:
        _refuse("tally", _("A confirmed tally or one of a closed ballot cannot be withdrawn."))
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.paper_discard",
                 before={"tally": tally.pk, "counts": tally.counts, "issued": tally.issued})
    tally.delete()


def _deliver(*, actor, session: BallotSession) -> bool:
    """Pass the results on; False when they stay on the session for the step to be recorded by hand."""
    tallies = session.tallies
    step = PURPOSE_STEP[SessionPurpose(session.purpose)]
    if step is not None:
        if session.purpose == SessionPurpose.MEETING_REVIEW and session.grade_voted_on != session.grading.declared_grade:
            return False  # the organization declared another grade since: this vote was on the one before
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
    standard_services.satisfaction_record(
        actor=actor, organization=session.organization, standard=standard, rate=Decimal(tallies["satisfaction"]),
        evidence=_("anonymous ballot %(title)s, %(ballots)d ballots") % {"title": session.title,
                                                                        "ballots": tallies["ballots"]})
    return True
