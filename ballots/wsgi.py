"""The voting rush's way in: a cast that is accepted is answered before Django's request handling.

At a joint meeting, hundreds of phones cast their ballots within a minute. Django's way through a
request (eleven middleware, URL resolution, the view's decorators) cost more than the cast itself:
413–479 casts a second over HTTP on the benchmark's two cores, against 584–782 through this entry
(docs/benchmarks.md, Ballots finding 9).

``VotingEntry`` wraps Django's WSGI application (jinwei/wsgi.py) and answers one kind of request
itself: a form POST to /v/<session>/ whose cast is accepted as it stands. It uses Django's own
request object and the middleware that act on such a request and its answer (the host check, the
redirects to HTTPS or www, the language, the security, frame and cache headers: a test compares
its answers with the view's), and the same service (``services.ballot_cast_accepted``) and receipt
page (``views.receipt_response``) as the view.

Everything else goes to Django as it came, its body included: other addresses and methods, a body
that is not a small form, a request a middleware would refuse or redirect, and every cast that is
not accepted (a wrong or used code, a closed session, a client asked to wait, a busy database).
An attempt that is not accepted writes nothing, so the view's own attempt then says why and counts
a wrong code once.
"""

import io
import re

from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import add_never_cache_headers

from ballots import services, views

VOTE_PATH = re.compile(r"/v/([0-9]{1,18})/")
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 2048  # a code and an answer; anything longer is left to Django


class VotingEntry:
    def __init__(self, django_application):
        self.django_application = django_application

        def unused(_request):  # the middleware's request and response steps are called one by one
            raise AssertionError("not called")

        # In the order Django runs them for the view: requests through the first, answers through the last.
        self.middleware = [SecurityMiddleware(unused), LocaleMiddleware(unused), CommonMiddleware(unused),
                           XFrameOptionsMiddleware(unused)]

    def __call__(self, environ, start_response):
        match = VOTE_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "POST":
            return self.django_application(environ, start_response)
        response = self._cast(environ, match.group(1))
        if response is None:
            return self.django_application(environ, start_response)
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [*response.items(), *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values())]
        start_response(status, headers)
        return response  # the server closes it, which sends request_finished, as Django's handler does

    def _cast(self, environ, session_id: str):
        """The receipt page when the cast is accepted; None when Django is to answer (nothing written)."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not environ.get("CONTENT_TYPE", "").startswith(FORM) or not 0 < length <= MAX_BODY:
            return None
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))  # Django reads it again if need be
        request = WSGIRequest(environ)
        try:
            for middleware in self.middleware:
                process_request = getattr(middleware, "process_request", None)
                if process_request is not None and process_request(request) is not None:
                    return self._hand_over(environ)  # a redirect (HTTPS, www): Django makes it
        except Exception:  # noqa: BLE001 - a refused host or browser: Django answers it as it always does
            return self._hand_over(environ)
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            cast = services.ballot_cast_accepted(
                session_id=session_id, code=request.POST.get("code", ""), answer=request.POST.get("answer", ""),
                client=services.client_key(services.client_address(request), session_id))
        except Exception:  # noqa: BLE001 - nothing was written (one statement, or one transaction): Django tries again
            cast = None
        if cast is None:
            signals.request_finished.send(sender=self.__class__)
            return self._hand_over(environ)
        response = views.receipt_response(cast)
        add_never_cache_headers(response)
        for middleware in reversed(self.middleware):
            response = middleware.process_response(request, response)
        response._handler_class = self.__class__
        response._resource_closers.append(request.close)
        return response

    @staticmethod
    def _hand_over(environ):
        environ["wsgi.input"].seek(0)
        return None
