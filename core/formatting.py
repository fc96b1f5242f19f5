"""How numbers read wherever people see them: pages, messages, audit lines, ballots and tables."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ONE_PLACE = Decimal("0.1")


def percent(share) -> str:
    """A share between 0 and 1 (a threshold, a rate, a quota) as people write it: 0.6 → "60%", 0.20534 →
    "20.5%", to one decimal place at most; "" when there is none."""
    if share is None or share == "":
        return ""
    try:
        value = (Decimal(str(share)) * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return str(share)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def person(user) -> str:
    """A person as others know them: their full name, the login name only when no name is on record; "—" for no one."""
    if user is None:
        return "—"
    return user.get_full_name().strip() or user.get_username()
