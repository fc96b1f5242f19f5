"""Anonymous ballots: sessions, one-time codes, casting and the sealed count.

Anonymity is a property of what is stored, not of what is shown: a code is kept only as a keyed
hash with a ``used`` flag, a ballot only as its session and answer, and casting writes no audit
event, time, address or browser. So nothing in the database links a ballot to a code or to when
within the session it was cast. Results are counted once, when the session closes, and then go
to the grading step or the score sheet by themselves. By sub-topic: the session's life, its codes,
casting, paper tallies, and what they share.
"""

from ballots.services.casting import (
    Cast,
    GuessesLimited,
    ballot_cast,
    client_key,
    device_key,
    device_token,
    device_token_kept,
    guess_failed,
)
from ballots.services.codes import code_hash, codes_generate, grouped, normalized_code, normalized_receipt
from ballots.services.common import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_CODES,
    MAX_VOTERS,
    RECEIPT_LENGTH,
    session_answers,
)
from ballots.services.paper import paper_tally_confirm, paper_tally_discard, paper_tally_enter
from ballots.services.sessions import count_ballots, session_close, session_create, session_open

__all__ = [
    "CODE_ALPHABET", "CODE_LENGTH", "MAX_CODES", "MAX_VOTERS", "RECEIPT_LENGTH", "Cast", "GuessesLimited",
    "ballot_cast", "client_key", "device_key", "device_token", "device_token_kept", "code_hash", "codes_generate", "count_ballots", "grouped",
    "guess_failed", "normalized_code", "normalized_receipt", "paper_tally_confirm", "paper_tally_discard",
    "paper_tally_enter", "session_answers", "session_close", "session_create", "session_open",
]
