"""A change that cannot get the database in time is answered with a page that asks to try again.

On SQLite one write runs at a time: a change that waits longer than the busy timeout for another
(a long ledger import, say) fails with "database is locked". The person then reads that nothing was
saved and that they can try again shortly (503, Retry-After), not a server error; the API answers
the same in its JSON (jinwei.api). On PostgreSQL such waits end in orgs.services.organization_lock,
which says the same as a form error.
"""

import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)
RETRY_SECONDS = 30


def database_busy(exception: BaseException) -> bool:
    return isinstance(exception, OperationalError) and "database is locked" in str(exception)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        logger.warning("database busy, %s %s answered 503", request.method, request.path)
        response = render(request, "core/busy.html", status=503)
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
