"""One-time voting codes: drawn, kept only as keyed hashes, and written as printed."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import access
from ballots.models import BallotCode, BallotSession
from ballots.services.common import CODE_ALPHABET, CODE_LENGTH, MAX_CODES, locked, refuse, require_run
from core.formatting import person
from core.services import audit_record


def code_hash(code: str) -> str:
    """The keyed hash kept instead of a code: without the secret key a stolen table gives no codes."""
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()



def grouped(code: str, size: int = 5) -> str:
    """A code or receipt as printed and shown: ABCDE-FGHIJ."""
    return "-".join(code[n:n + size] for n in range(0, len(code), size))


def normalized_receipt(receipt) -> str:
    return receipt.strip().upper().replace("-", "").replace(" ", "") if isinstance(receipt, str) else ""


def normalized_code(code) -> str | None:
    """A code as typed (any case, spaces or dashes), or None when it cannot be one of ours."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


@transaction.atomic
def codes_generate(*, actor, session: BallotSession, count: int) -> list[str]:
    """Issue ``count`` one-time codes and return them in plain text, the only time they exist.

    Before the ballot opens, up to one code per voter; more codes, or any once it is open (a lost slip
    replaced), are issued by a second person (``access.is_second_person``), so that no one holds more
    codes than the ballot has voters unless someone else agreed.
    """
    session = locked(session)
    require_run(actor, session.organization)
    if session.closed or timezone.now() >= session.closes_at:
        refuse("count", _("This ballot has ended; no more codes can be issued."))
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_CODES:
        refuse("count", _("Number of codes: enter a whole number from 1 to %(max)d.") % {"max": MAX_CODES})
    taken = set(session.codes.values_list("code_hash", flat=True))
    if session.opened_at is not None or len(taken) + count > session.voters:
        if not access.is_second_person(actor, session, first_person_id=session.created_by_id):
            names = {"name": session.organization.name, "person": person(session.created_by)}
            if session.opened_at is not None:
                refuse("count", _("Number of codes: this ballot is open, so more codes are issued by the superior "
                                  "of %(name)s or by a second person of it, not by %(person)s, who scheduled it.")
                       % names)
            refuse("count", _("Number of codes: this ballot is for %(voters)d voters and %(issued)d codes are "
                              "issued, so at most %(left)d more. More codes are issued by the superior of %(name)s "
                              "or by a second person of it, not by %(person)s, who scheduled it.") % {
                "voters": session.voters, "issued": len(taken), "left": max(0, session.voters - len(taken)),
                **names})
    codes: set[str] = set()
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
        if code_hash(code) not in taken:
            codes.add(code)
    BallotCode.objects.bulk_create(BallotCode(session=session, code_hash=code_hash(code)) for code in codes)
    audit_record(actor=actor, obj=session, organization=session.organization, action="ballot.codes",
                 after={"count": count, "issued": session.codes.count()})
    return sorted(codes)
