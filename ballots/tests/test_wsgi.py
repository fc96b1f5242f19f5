"""Casting through the WSGI application the app server serves (jinwei.wsgi, Django's own handler), called
as gunicorn calls it: a raw request body through every middleware, the URL and the view."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from ballots import services
from ballots.models import Ballot, BallotCode, BallotSession, CodeGuesses
from ballots.tests.factories import issue_and_open, make_session
from core.testing import race

application = get_wsgi_application()  # what jinwei.wsgi serves, built the same way


@pytest.fixture
def session(world):
    return make_session(world.secretary_a1, world.branch_a1)


@pytest.fixture
def in_test_transaction(db):
    # As Django's test client does: a request's end must not close the test's own connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def script_prefix_reset():
    yield
    set_script_prefix("/")  # as a request under /jinwei left it in this thread, for the next test's reverse()


def call(path, *, method="POST", form=None, host="testserver", script_name="", address="192.0.2.10", **headers):
    """The app's answer, as a WSGI server gets it: status, headers (a list of pairs), body."""
    data = urlencode(form or {}).encode()
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": script_name, "QUERY_STRING": "",
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
               "REMOTE_ADDR": address, "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http",
               "wsgi.errors": io.StringIO(), "wsgi.multithread": False, "wsgi.multiprocess": True,
               "wsgi.run_once": False, "wsgi.version": (1, 0)}
    if method == "POST":
        environ.update(CONTENT_TYPE="application/x-www-form-urlencoded", CONTENT_LENGTH=str(len(data)))
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    response = application(environ, start_response)
    try:
        content = b"".join(response)
    finally:
        response.close()  # as the server does: Django's handler then sends request_finished
    return answer["status"], answer["headers"], content.decode()


def cast(session, code, **extra):
    return call(reverse("ballots:vote", args=[session.public_key]), form={"code": code, "answer": "satisfied"}, **extra)


def receipt_of(page: str) -> str:
    return page.split('id="receipt">', 1)[1].split("<", 1)[0]


@pytest.mark.parametrize("request_kind", [{}, {"ACCEPT_LANGUAGE": "en"}, {"COOKIE": "django_language=en"},
                                          {"script_name": "/jinwei"}])
def test_a_cast_is_answered_with_its_receipt(session, world, in_test_transaction, request_kind):
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    status, headers, page = cast(session, f"{code[:5]}-{code[5:]}".lower(), **request_kind)
    assert status == "200 OK"
    assert receipt_of(page).replace("-", "") == Ballot.objects.get(session=session).receipt
    assert BallotCode.objects.get(session=session).used
    assert ("Your ballot was cast" in page) == ("en" in str(request_kind))  # zh-hans unless the phone asks for English
    assert f'href="{request_kind.get("script_name", "")}/v/{session.public_key}/receipts/"' in page
    names = {name for name, _value in headers}
    assert "Set-Cookie" not in names  # no session, no CSRF cookie: nothing on the phone ties it to the ballot
    assert "no-store" in dict(headers)["Cache-Control"] and dict(headers)["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("case", ["wrong code", "used code", "no answer", "ended", "other host"])
def test_a_refused_cast_writes_nothing_and_a_wrong_code_counts_once(session, world, in_test_transaction, case):
    code, used = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    services.ballot_cast(session_id=session.pk, code=used, answer="satisfied")
    form, extra = {"code": code, "answer": "satisfied"}, {}
    if case == "wrong code":
        form["code"] = "ZZZZZZZZZZ"
    elif case == "used code":
        form["code"] = used
    elif case == "no answer":
        del form["answer"]
    elif case == "ended":
        BallotSession.objects.filter(pk=session.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    else:
        extra = {"host": "evil.example"}
    status, _headers, page = call(reverse("ballots:vote", args=[session.public_key]), form=form, **extra)
    assert status == {"ended": "409 Conflict"}.get(case, "400 Bad Request")
    if case != "other host":
        assert 'role="alert"' in page  # the voting page again, saying why
    assert Ballot.objects.filter(session=session).count() == 1  # the earlier one only
    assert not BallotCode.objects.get(session=session, code_hash=services.code_hash(code)).used
    failures = sorted(CodeGuesses.objects.values_list("failures", flat=True))  # the phone's and its address's
    assert failures == ([1, 1] if case in ("wrong code", "used code") else [])


def test_guessing_limits_hold_through_the_stack(session, world, in_test_transaction, settings):
    settings.BALLOT_GUESS_SLOW_AFTER, settings.BALLOT_GUESS_BLOCK_AFTER = 3, 8
    good, other = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    assert [cast(session, "ZZZZZZZZZZ")[0] for _n in range(3)] == ["400 Bad Request"] * 3
    status, headers, _page = cast(session, good)
    assert status == "429 Too Many Requests"
    assert 0 < int(dict(headers)["Retry-After"]) <= settings.BALLOT_GUESS_WAIT_SECONDS
    assert not BallotCode.objects.get(session=session, code_hash=services.code_hash(good)).used
    assert cast(session, other, address="192.0.2.99")[0] == "200 OK"  # another phone is not slowed
    for _n in range(8):
        status, headers, page = cast(session, "ZZZZZZZZZZ")
    assert status == "429 Too Many Requests"
    assert int(dict(headers)["Retry-After"]) > (settings.BALLOT_GUESS_BLOCK_MINUTES - 1) * 60
    assert cast(session, good)[0] == "429 Too Many Requests"  # blocked: even a good code waits
    assert Ballot.objects.filter(session=session).count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_casts_with_one_code_through_the_stack_exactly_one_accepted(world):
    session = make_session(world.secretary_a1, world.branch_a1)
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    statuses = race(*[lambda: cast(session, code)[0]] * 50)
    assert statuses.count("200 OK") == 1 and all(s.startswith(("200", "400", "429")) for s in statuses), statuses
    assert Ballot.objects.filter(session=session).count() == 1
    # Each refusal counted once, for the phone and for its address.
    assert sorted(CodeGuesses.objects.values_list("failures", flat=True)) == [49, 49]
