"""The voting rush's way in: a cast that is accepted is answered before Django's request handling.

At a joint meeting, hundreds of phones cast their ballots within a minute. Django's way through a
request (eleven middleware, URL resolution, the view's decorators) cost more than the cast itself:
413–479 casts a second over HTTP on the benchmark's two cores, against 584–782 through this entry
(docs/benchmarks.md, Ballots finding 9).

``VotingEntry`` wraps Django's WSGI application (jinwei/wsgi.py) and answers one kind of request
itself: a form POST to /v/<session>/ whose cast is accepted as it stands. It uses Django's own
request object, the middleware that act on such a request and its answer (``RUN``: the host check,
the redirects to HTTPS or www, the language, the security and frame headers), the view's cache
headers, and the view's service (``services.ballot_cast_accepted``) and receipt page
(``views.receipt_response``). Tests compare its answers with the view's.

Everything else goes to Django as it came, its body included: other addresses and methods, a body
that is not a small form, a request a middleware would refuse or redirect, and every cast that is
not accepted (a wrong or used code, a closed session, a client asked to wait). An attempt that is
not accepted writes nothing, so the view's own attempt then says why and counts a wrong code once.
An error during the attempt is answered here as Django answers it (the busy page on SQLite, else
its error page, logged), never handed over: the cast may have been written.
"""

import io
import logging
import re

from django.conf import settings
from django.core import signals
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import resolve, set_script_prefix
from django.utils.cache import add_never_cache_headers

from ballots import services, views
from core.middleware import DatabaseBusyMiddleware

logger = logging.getLogger(__name__)
VOTE_PATH = re.compile(r"/v/([0-9]{1,18})/")
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 2048  # a code and an answer; anything longer is left to Django
# The middleware this entry runs, in settings.MIDDLEWARE's order, and those it leaves out, with why.
RUN = (SecurityMiddleware, LocaleMiddleware, CommonMiddleware, XFrameOptionsMiddleware)
LEFT_OUT = {
    "whitenoise.middleware.WhiteNoiseMiddleware": "static files only",
    "django.contrib.sessions.middleware.SessionMiddleware": "the view uses no session; the answer is no-store",
    "django.middleware.csrf.CsrfViewMiddleware": "the view is csrf_exempt: the one-time code is the credential",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "the view reads no user",
    "django.contrib.messages.middleware.MessageMiddleware": "the view shows no message",
    "axes.middleware.AxesMiddleware": "logins only",
    "core.middleware.DatabaseBusyMiddleware": "run here on an error (process_exception)",
}


def _path(middleware) -> str:
    return f"{middleware.__module__}.{middleware.__qualname__}"


class VotingEntry:
    def __init__(self, django_application):
        self.django_application = django_application
        known = {_path(middleware) for middleware in RUN} | LEFT_OUT.keys()
        if set(settings.MIDDLEWARE) != known:
            raise ImproperlyConfigured(
                f"ballots.wsgi: settings.MIDDLEWARE changed ({sorted(set(settings.MIDDLEWARE) ^ known)}); decide "
                "whether the voting entry runs each middleware (RUN) or not (LEFT_OUT).")
        if resolve("/v/1/").view_name != "ballots:vote":
            raise ImproperlyConfigured("ballots.wsgi: /v/<id>/ is no longer the voting page")

        def unused(_request):  # the middleware's request and response steps are called one by one
            raise AssertionError("not called")

        self.middleware = [middleware(unused) for middleware in RUN]
        self.busy = DatabaseBusyMiddleware(unused)

    def __call__(self, environ, start_response):
        match = VOTE_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "POST":
            return self.django_application(environ, start_response)
        response = self._cast(environ, int(match.group(1)))  # as the view's <int:…>: /v/007/ is session 7
        if response is None:
            return self.django_application(environ, start_response)
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [*response.items(), *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values())]
        start_response(status, headers)
        return response  # the server closes it, which sends request_finished, as Django's handler does

    def _cast(self, environ, session_id: int):
        """The answer when the cast is accepted or fails; None when Django is to answer (nothing written)."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not environ.get("CONTENT_TYPE", "").startswith(FORM) or not 0 < length <= MAX_BODY:
            return None
        set_script_prefix(get_script_name(environ))
        request = WSGIRequest(environ)
        request.sensitive_post_parameters = ["code"]  # as the view's decorator: no code in an error report
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            body = request.body
        except Exception as error:  # noqa: BLE001 - the client went away: Django's answer to it
            return self._finish(request, response_for_exception(request, error))
        environ["wsgi.input"] = io.BytesIO(body)  # read again by Django if it is handed over
        try:
            for middleware in self.middleware:
                process_request = getattr(middleware, "process_request", None)
                if process_request is not None and process_request(request) is not None:
                    return self._hand_over()  # a redirect (HTTPS, www): Django makes it
        except Exception:  # noqa: BLE001 - a refused host or browser: Django answers it as it always does
            return self._hand_over()
        try:
            cast = services.ballot_cast_accepted(
                session_id=session_id, code=request.POST.get("code", ""), answer=request.POST.get("answer", ""),
                client=services.client_key(services.client_address(request), session_id))
            if cast is None:
                return self._hand_over()
            response = views.receipt_response(cast)
            add_never_cache_headers(response)
        except Exception as error:  # noqa: BLE001 - answered as the view's would be, not handed over
            logger.warning("the voting entry answers an error (%s) for session %s", type(error).__name__, session_id)
            response = self.busy.process_exception(request, error) or response_for_exception(request, error)
        return self._finish(request, response)

    def _finish(self, request, response):
        for middleware in reversed(self.middleware):
            response = middleware.process_response(request, response)
        response._handler_class = self.__class__
        response._resource_closers.append(request.close)
        return response

    def _hand_over(self):
        signals.request_finished.send(sender=self.__class__)  # Django's handler starts the request again
        return None
