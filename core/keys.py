"""Public keys for addresses anyone may open without logging in (a ballot, a public board).

Such an address must not be found by counting: a sequential id in it would show every organization's
ballot or board to anyone trying 1, 2, 3 ... So each gets a random key of its own, typed from a slip
or read from a QR code: lower-case letters and digits without 0/o, 1/i/l, 13 of them (about 64 bits).
"""

import re
import secrets

PUBLIC_KEY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PUBLIC_KEY_LENGTH = 13
PUBLIC_KEY_PATTERN = re.compile(f"[{PUBLIC_KEY_ALPHABET}]{{{PUBLIC_KEY_LENGTH}}}")


def public_key() -> str:
    """A new random public key (a model field's default: each row draws its own)."""
    return "".join(secrets.choice(PUBLIC_KEY_ALPHABET) for _n in range(PUBLIC_KEY_LENGTH))


def public_key_normalized(value) -> str | None:
    """The key as stored (typed in capitals or with spaces, it still works), or None when it cannot be one."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if PUBLIC_KEY_PATTERN.fullmatch(value) else None
