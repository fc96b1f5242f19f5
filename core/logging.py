"""Every log line names the request it belongs to, so one person's trouble can be followed across the lines
that Django, Jinwei and the worker write to standard output."""

import contextvars
import logging
import re
import secrets

request_id = contextvars.ContextVar("request_id", default="-")

# A proxy's own id is kept when it looks like one; anything else (a crafted header) is replaced.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: the current request's, or "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RequestIdMiddleware:
    """Takes the id from the X-Request-ID header a proxy set, or makes one; the response carries it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        value = given if _ACCEPTED.match(given) else secrets.token_hex(8)
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response
