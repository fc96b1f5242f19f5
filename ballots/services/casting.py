"""Casting a ballot with a one-time code, and the counters of wrong codes per device and per address.

A meeting room's phones often share one address, so a phone that mistypes is slowed and then refused
by itself (its device: a random token in the voting page's form, never a cookie), and an address only
after far more wrong codes than a room mistypes: one phone cannot lock out the others, while a flood
from one address, with or without tokens, is still stopped.
"""

import datetime
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots.models import Ballot, BallotCode, BallotSession, CodeGuesses, random_key
from ballots.services.codes import code_hash, grouped, normalized_code
from ballots.services.common import CODE_ALPHABET, RECEIPT_LENGTH, refuse, session_answers
from core.keys import public_key_normalized


def client_key(address: str | None, session_id: int | str) -> str:
    """The keyed hash that stands for a client's address in one session's guess counters (the address
    is never kept); one ballot's wrong codes do not slow the same room's phones in another. The session
    is named as the cast names it: its public key on the voter's page, its id otherwise."""
    return hmac.new(settings.SECRET_KEY.encode(), f"ballot-client:{session_id}:{address or ''}".encode(),
                    hashlib.sha256).hexdigest()


DEVICE_TOKEN_LENGTH = 22


def device_token() -> str:
    """A new device token for the voting page's form: random, and kept only as ``device_key``'s hash."""
    return secrets.token_urlsafe(16)[:DEVICE_TOKEN_LENGTH]


def device_token_kept(token) -> str:
    """The token a refused phone sent, to send back in its page; "" (a new one) when it is not one of ours."""
    if not isinstance(token, str) or len(token) != DEVICE_TOKEN_LENGTH:
        return ""
    return token if all(char.isascii() and (char.isalnum() or char in "-_") for char in token) else ""


def device_key(token: str | None, address: str | None, session_id: int | str) -> str:
    """The keyed hash that stands for one phone (its page's token) behind an address in one session's
    guess counters. A request without a well-formed token shares its address's one tokenless counter."""
    token = device_token_kept(token)
    return hmac.new(settings.SECRET_KEY.encode(), f"ballot-device:{session_id}:{address or ''}:{token}".encode(),
                    hashlib.sha256).hexdigest()


class GuessesLimited(ValidationError):
    """A refusal before the code is even looked at: this device, or its whole address, tried too many wrong codes."""

    def __init__(self, *, until: datetime.datetime, blocked: bool, address: bool = False):
        self.until = until
        self.blocked = blocked
        self.wait_seconds = max(1, int((until - timezone.now()).total_seconds() + 0.999))
        if address:
            message = _("Too many wrong codes were tried from this network, so no phone on it may vote until "
                        "%(time)s. If you hold a valid code, please ask the ballot's organizers for help.") % {
                "time": timezone.localtime(until).strftime("%H:%M")}
        elif blocked:
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
# the database itself: the session is opened and open, the answer is one of its answers, this client is not
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
    "SELECT s.id, s.title, s.question_kind, s.answers, s.grading_id, s.opens_at, s.closes_at, s.closed, s.opened_at, "
    "(SELECT MAX(g.refuse_until) FROM {guesses} g WHERE g.client IN (%s, %s) AND g.refuse_until > %s), "
    "(SELECT g.client FROM {guesses} g WHERE g.client IN (%s, %s) AND g.blocked AND g.refuse_until > %s "
    "ORDER BY g.refuse_until DESC LIMIT 1) FROM {sessions} s WHERE s.{by} = %s"
)
_CAST_SQL = (
    "WITH open_session AS (SELECT id FROM {sessions} WHERE {by} = %s AND NOT closed AND opened_at IS NOT NULL "
    "AND opens_at <= %s AND closes_at > %s "
    "AND answers ? %s AND NOT EXISTS (SELECT 1 FROM {guesses} WHERE client IN (%s, %s) AND refuse_until > %s) "
    "FOR SHARE), "
    "spent AS (UPDATE {codes} SET used = true WHERE session_id = (SELECT id FROM open_session) AND code_hash = %s "
    "AND NOT used RETURNING session_id), "
    "inserted AS (INSERT INTO {ballots} (id, session_id, answer, receipt) SELECT %s, session_id, %s, %s FROM spent "
    "RETURNING 1) "
    "SELECT s.id, s.title, s.question_kind, s.answers, s.grading_id, s.opens_at, s.closes_at, s.closed, s.opened_at, "
    "EXISTS (SELECT 1 FROM inserted) FROM {sessions} s WHERE s.{by} = %s"
)
_TABLES = {"sessions": BallotSession, "guesses": CodeGuesses, "codes": BallotCode, "ballots": Ballot}


def _sql(template: str, by: str = "id") -> str:
    """The statement with its tables, finding the session ``by`` its id or its public key (never input)."""
    assert by in ("id", "public_key")
    return template.format(by=by, **{name: connection.ops.quote_name(model._meta.db_table)
                                     for name, model in _TABLES.items()})


def _session(row) -> BallotSession:
    """The session from the first columns of ``row``: id, title, question kind, answers, grading, opening and
    closing times, closed, opened."""
    if row is None:
        raise Http404
    pk, title, kind, answers, grading_id, opens_at, closes_at, closed, opened_at = row[:9]
    # public_key: not read here (the voter's page knows it), and not drawn anew for this unsaved copy.
    return BallotSession(id=pk, public_key="", title=title, question_kind=kind, grading_id=grading_id,
                         answers=json.loads(answers) if isinstance(answers, str) else answers,
                         opens_at=_aware(opens_at), closes_at=_aware(closes_at), closed=bool(closed),
                         opened_at=_aware(opened_at))


def _aware(value) -> datetime.datetime | None:
    """A time as read by plain SQL: SQLite answers text or a naive time in UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _session_for_cast(cursor, session_id, client: str, device: str, now: datetime.datetime, by: str = "id"):
    """The session (``session_id``: its id or, ``by="public_key"``, its public key), until when this device
    or address is refused (or None), and which of the two is blocked (its key, or None)."""
    moment = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(_sql(_SESSION_SQL, by), [client, device, moment, client, device, moment, session_id])
    row = cursor.fetchone()
    session = _session(row)
    return session, _aware(row[9]), row[10]


def _spend(*, session_id, by: str, hashed: str, answer: str, receipt: str, client: str, device: str,
           now: datetime.datetime) -> tuple[BallotSession, bool]:
    """Spend the code and insert the ballot, if the session is open, the answer one of its answers,
    neither device nor address asked to wait, and the code the session's and unused: (the session, cast or not)."""
    moment = connection.ops.adapt_datetimefield_value(now)
    key = Ballot._meta.pk.get_db_prep_value(random_key(), connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_sql(_CAST_SQL, by), [session_id, moment, moment, answer, client, device, moment, hashed, key,
                                             answer, receipt, session_id])
            row = cursor.fetchone()
            return _session(row), bool(row and row[9])
        with transaction.atomic():
            session, refuse_until, _blocked = _session_for_cast(cursor, session_id, client, device, now, by)
            if (refuse_until is not None or session.closed or session.opened_at is None
                    or not session.opens_at <= now < session.closes_at or answer not in session_answers(session)):
                return session, False
            cursor.execute(_sql("UPDATE {codes} SET used = %s WHERE session_id = %s AND code_hash = %s AND used = %s"),
                           [True, session.pk, hashed, False])
            if cursor.rowcount != 1:
                return session, False
            cursor.execute(_sql("INSERT INTO {ballots} (id, session_id, answer, receipt) VALUES (%s, %s, %s, %s)"),
                           [key, session.pk, answer, receipt])
    return session, True


def ballot_cast(*, session_id: int | None = None, public_key: str | None = None, code: str, answer: str,
                client: str | None = None, device: str | None = None) -> Cast:
    """Cast one anonymous ballot with a one-time code and return its receipt. No actor: whoever
    holds a code votes once; ``client`` and ``device`` are the keyed hashes of the voter's address
    (``client_key``) and phone (``device_key``), used only to count wrong codes.

    Unknown, mistyped, forged and used codes are refused alike, so a refusal tells nothing about
    which codes exist; a refused answer leaves the code unused. The code is spent by a conditional
    UPDATE (``used = false``) in the statement or transaction that inserts the ballot: of many
    requests with one code exactly one changes a row. A successful cast on PostgreSQL is one
    statement (``_spend``); a refused one then reads the session to say why.

    The voter's page names the session by its ``public_key`` (the id is never public), found in the
    same statement; the session's id serves staff and tests.
    """
    if public_key is not None:
        session_id, by = public_key_normalized(public_key), "public_key"
        if session_id is None:
            raise Http404
    else:
        by = "id"
        try:
            session_id = int(session_id)
        except (ValueError, TypeError):
            raise Http404 from None
        if not 0 < session_id < 2**63:  # no such session, and beyond what the database compares with
            raise Http404
    for _attempt in range(3):  # a receipt drawn twice in one session (about 1 in 10⁵ per session): draw again
        try:
            return _cast(session_id=session_id, by=by, code=code, answer=answer, client=client or "",
                         device=device or "")
        except IntegrityError:
            continue
    raise IntegrityError("three receipts drawn twice in a row")


def _cast(*, session_id, by: str, code, answer, client: str, device: str) -> Cast:
    now = timezone.now()
    normalized = normalized_code(code)
    if isinstance(answer, str) and normalized is not None:
        receipt = "".join(secrets.choice(CODE_ALPHABET) for _n in range(RECEIPT_LENGTH))
        session, cast = _spend(session_id=session_id, by=by, hashed=code_hash(normalized), answer=answer, receipt=receipt,
                               client=client, device=device, now=now)
        if by == "public_key":
            session.public_key = session_id
        if cast:
            return Cast(receipt=receipt, session=session)
    # Refused: read the session as it is now and say why, in the order a voter should hear it.
    with connection.cursor() as cursor:
        session, refuse_until, blocked = _session_for_cast(cursor, session_id, client, device, now, by)
    try:
        if refuse_until is not None:
            raise GuessesLimited(until=refuse_until, blocked=blocked is not None, address=bool(client) and blocked == client)
        if session.closed or now >= session.closes_at:
            refuse("session", _("This ballot has ended."))
        if now < session.opens_at:
            refuse("session", _("This ballot opens at %(time)s.") % {
                "time": timezone.localtime(session.opens_at).strftime("%Y-%m-%d %H:%M")})
        if session.opened_at is None:
            refuse("session", _("This ballot has not been opened yet: please wait until its organizers open it."))
        if not isinstance(answer, str) or answer not in session_answers(session):
            refuse("answer", _("Answer: please choose one of the answers offered."))
    except GuessesLimited:
        if client:
            guess_failed(client=client, device=device)  # hammering while asked to wait counts too
        raise
    if client:
        guess_failed(client=client, device=device)
    refuse("code", _("This code is not valid for this ballot or has already been used."))


def guess_failed(*, client: str, device: str = "") -> None:
    """Count one wrong code from a device behind an address (settings.BALLOT_GUESS_*): the device is slowed
    after a few and refused for a while after more; the address only after far more, a flood's worth."""
    now = timezone.now()
    if device:
        _count(device, now=now, slow_after=settings.BALLOT_GUESS_SLOW_AFTER,
               block_after=settings.BALLOT_GUESS_BLOCK_AFTER)
    _count(client, now=now, slow_after=None, block_after=settings.BALLOT_GUESS_ADDRESS_BLOCK_AFTER)
    # Counters past their time are forgotten (the index on expires_at keeps this cheap).
    window = datetime.timedelta(minutes=settings.BALLOT_GUESS_WINDOW_MINUTES)
    CodeGuesses.objects.filter(expires_at__lt=now - window).delete()


def _count(key: str, *, now: datetime.datetime, slow_after: int | None, block_after: int) -> CodeGuesses:
    """One more wrong code on one counter, within its window: asked to wait from ``slow_after`` on (None:
    never), refused for BLOCK_MINUTES from ``block_after`` on."""
    window = datetime.timedelta(minutes=settings.BALLOT_GUESS_WINDOW_MINUTES)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                guesses = CodeGuesses.objects.select_for_update().filter(client=key).first()
                if guesses is None:
                    guesses = CodeGuesses.objects.create(client=key, failures=0, window_started_at=now, expires_at=now)
                still_blocked = guesses.blocked and guesses.refuse_until and guesses.refuse_until > now
                if guesses.window_started_at + window <= now and not still_blocked:
                    guesses.failures, guesses.window_started_at, guesses.blocked = 0, now, False
                guesses.failures += 1
                if guesses.failures >= block_after:
                    guesses.blocked = True
                    guesses.refuse_until = max(guesses.refuse_until or now, now + datetime.timedelta(
                        minutes=settings.BALLOT_GUESS_BLOCK_MINUTES))
                elif slow_after is not None and guesses.failures >= slow_after:
                    guesses.refuse_until = now + datetime.timedelta(seconds=settings.BALLOT_GUESS_WAIT_SECONDS)
                guesses.expires_at = max(guesses.window_started_at + window, guesses.refuse_until or now)
                guesses.save()
                return guesses
        except IntegrityError:  # two first failures at once: the other one created the row
            continue
    raise IntegrityError("guess counter")
