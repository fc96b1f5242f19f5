"""The login's lock-out: wrong passwords counted per account, to slow guessing, and per client address, to stop
a flood; django-axes records the failures (its AXES_HANDLER and AXES_LOCKOUT_CALLABLE are these).

An account is locked after AXES_FAILURE_LIMIT wrong passwords within AXES_COOLOFF_TIME from any addresses, so
guesses spread over many addresses still lock it; an address only after LOGIN_ADDRESS_FAILURE_LIMIT, far more
than an office behind one address mistypes, so one person cannot lock out the colleagues who share it. The
address is the client's (core.http.client_address, the one setting the ballots read too).
"""

import datetime
import math
from collections.abc import Iterable

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _recent(since: datetime.datetime, **lookup):
    return AccessAttempt.objects.filter(attempt_time__gte=since, **lookup)


class LoginAttempts(AxesDatabaseHandler):
    """Axes' database handler, with the account and the address counted against limits of their own."""

    def get_failures(self, request, credentials=None) -> int:
        """The failures axes compares with AXES_FAILURE_LIMIT: the account's, or the limit itself once the
        address has reached LOGIN_ADDRESS_FAILURE_LIMIT."""
        since = (getattr(request, "axes_attempt_time", None) or timezone.now()) - settings.AXES_COOLOFF_TIME
        username = get_client_username(request, credentials)
        account = _failures(_recent(since, username=username)) if username else 0
        address = getattr(request, "axes_ip_address", None)
        if address and _failures(_recent(since, ip_address=address)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(account, settings.AXES_FAILURE_LIMIT)
        return account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A right password clears that account's failures from this address only: another address's
        guesses at the account, and this address's at other accounts, still count."""
        username = get_client_username(request, credentials)
        deleted, _rows = AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)).delete()
        return deleted


def _lock_end(attempts: Iterable[AccessAttempt], limit: int) -> datetime.datetime | None:
    """When a lock on these recent failures ends: each row counts until its last failure is a cool-off old."""
    rows = sorted(attempts, key=lambda attempt: attempt.attempt_time)
    remaining = sum(attempt.failures_since_start for attempt in rows)
    if remaining < limit:
        return None
    for attempt in rows:
        remaining -= attempt.failures_since_start
        if remaining < limit:
            return attempt.attempt_time + settings.AXES_COOLOFF_TIME
    return None


def login_locked_until(*, username: str = "", address: str = "") -> datetime.datetime | None:
    """Until when the account or the address may not log in; None when neither is locked."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    ends = []
    if username:
        ends.append(_lock_end(_recent(since, username=username), settings.AXES_FAILURE_LIMIT))
    if address:
        ends.append(_lock_end(_recent(since, ip_address=address), settings.LOGIN_ADDRESS_FAILURE_LIMIT))
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def locked_logins(usernames: Iterable[str]) -> dict[str, datetime.datetime]:
    """The accounts among these that are locked now, with when their lock ends (for the accounts page)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    by_username: dict[str, list[AccessAttempt]] = {}
    for attempt in _recent(since, username__in=list(usernames)):
        by_username.setdefault(attempt.username, []).append(attempt)
    ends = {username: _lock_end(attempts, settings.AXES_FAILURE_LIMIT) for username, attempts in by_username.items()}
    return {username: end for username, end in ends.items() if end is not None}


def locked_out(request, original_response=None, credentials=None):
    """The page a locked person sees (429): when to try again, and that an administrator can unlock."""
    username = get_client_username(request, credentials) or ""
    until = login_locked_until(username=username, address=getattr(request, "axes_ip_address", "") or "")
    minutes = math.ceil((until - timezone.now()).total_seconds() / 60) if until else None
    return render(request, "core/locked_out.html", {"until": until, "minutes": max(minutes or 0, 1)},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
