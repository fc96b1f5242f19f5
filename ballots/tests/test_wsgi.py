"""The voting rush's way in (ballots.wsgi.VotingEntry), called as the app server calls it: an accepted
cast is answered as the view answers it; everything else is Django's answer, and nothing is counted twice."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.core import signals
from django.db import close_old_connections
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from ballots import services, views
from ballots.models import Ballot, BallotCode, BallotSession, CodeGuesses
from ballots.tests.factories import make_session
from core.testing import race
from jinwei.wsgi import application, django_application

VOLATILE = {"Expires", "Date"}  # the time of the answer


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
    set_script_prefix("/")  # as a request under /jinwei left it in this thread


@pytest.fixture
def handed_over(monkeypatch):
    """The requests the entry handed to Django."""
    seen = []

    def django(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return django_application(environ, start_response)

    monkeypatch.setattr(application, "django_application", django)
    return seen


def call(app, path, *, method="POST", form=None, body=None, content_type="application/x-www-form-urlencoded",
         host="testserver", script_name="", length=None, **headers):
    """The app's answer, as a WSGI server gets it: status, headers (a dict), body."""
    data = body if body is not None else urlencode(form or {}).encode()
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host, "REMOTE_ADDR": "192.0.2.10",
               "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(),
               "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0)}
    if script_name:
        environ["SCRIPT_NAME"] = script_name
    if method == "POST":
        environ.update(CONTENT_TYPE=content_type, CONTENT_LENGTH=str(len(data)) if length is None else length)
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    response = app(environ, start_response)
    try:
        content = b"".join(response)
    finally:
        response.close()
    return answer["status"], answer["headers"], content.decode()


def receipt_of(page: str) -> str:
    return page.split('id="receipt">', 1)[1].split("<", 1)[0]


@pytest.mark.parametrize("language", [{}, {"ACCEPT_LANGUAGE": "en"}, {"COOKIE": "django_language=en"},
                                      {"script_name": "/jinwei"}])
def test_an_accepted_cast_is_answered_as_the_view_answers_it(session, world, in_test_transaction, handed_over, language):
    first, second = services.codes_generate(actor=world.secretary_a1, session=session, count=2)
    path = reverse("ballots:vote", args=[session.pk])
    status, headers, page = call(application, path, form={"code": first, "answer": "satisfied"}, **language)
    assert handed_over == []  # the entry answered
    views._receipt_page.cache_clear()  # the view renders its page anew
    view_status, view_headers, view_page = call(django_application, path, form={"code": second, "answer": "satisfied"},
                                                **language)
    assert status == view_status == "200 OK"
    assert {k: v for k, v in headers.items() if k not in VOLATILE} == \
           {k: v for k, v in view_headers.items() if k not in VOLATILE}
    assert page.replace(receipt_of(page), "") == view_page.replace(receipt_of(view_page), "")
    assert ("Your ballot was cast" in page) == ("en" in str(language))  # zh-hans unless the phone asks for English
    assert f'href="{language.get("script_name", "")}/v/{session.pk}/receipts/"' in page
    assert sorted(Ballot.objects.values_list("receipt", flat=True)) == sorted(
        [receipt_of(page).replace("-", ""), receipt_of(view_page).replace("-", "")])
    assert BallotCode.objects.filter(session=session, used=True).count() == 2


@pytest.mark.parametrize("case", ["wrong code", "used code", "no answer", "ended", "not a form", "other host",
                                  "no length", "too long"])
def test_what_is_not_an_accepted_cast_is_answered_by_django_and_counted_once(session, world, in_test_transaction,
                                                                           handed_over, case):
    code, used = services.codes_generate(actor=world.secretary_a1, session=session, count=2)
    services.ballot_cast(session_id=session.pk, code=used, answer="satisfied")
    path = reverse("ballots:vote", args=[session.pk])
    form, extra = {"code": code, "answer": "satisfied"}, {}
    if case == "wrong code":
        form["code"] = "ZZZZZZZZZZ"
    elif case == "used code":
        form["code"] = used
    elif case == "no answer":
        del form["answer"]
    elif case == "ended":
        BallotSession.objects.filter(pk=session.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    elif case == "not a form":
        extra = {"body": b'{"code": "%s", "answer": "satisfied"}' % code.encode(), "content_type": "application/json"}
    elif case == "other host":
        extra = {"host": "evil.example"}
    elif case == "no length":
        extra = {"length": ""}
    else:
        form["note"] = "x" * 3000
    status, _headers, page = call(application, path, form=form, **extra)
    assert handed_over == [path]
    if case == "too long":  # not the entry's to answer, but a good cast all the same
        assert status == "200 OK" and Ballot.objects.filter(session=session).count() == 2
        return
    view_status, _view_headers, _view_page = call(django_application, path, form=form, **extra)
    assert status == view_status and not status.startswith("200")
    assert Ballot.objects.filter(session=session).count() == 1  # the earlier one only
    assert not BallotCode.objects.get(session=session, code_hash=services.code_hash(code)).used
    failures = sum(CodeGuesses.objects.values_list("failures", flat=True))
    # Each of the two requests counted a wrong code once (the entry's own attempt wrote nothing).
    assert failures == (2 if case in ("wrong code", "used code") else 0)


def test_a_session_written_with_leading_zeros_is_the_same_session(session, world, in_test_transaction, handed_over):
    # /v/007/ is session 7 for the view's <int:…>: a client blocked for guessing stays blocked there.
    first, second = services.codes_generate(actor=world.secretary_a1, session=session, count=2)
    status, _headers, page = call(application, f"/v/00{session.pk}/", form={"code": first, "answer": "satisfied"})
    assert status == "200 OK" and handed_over == [] and f'href="/v/{session.pk}/receipts/"' in page
    now = timezone.now()
    CodeGuesses.objects.create(client=services.client_key("192.0.2.10", session.pk), failures=300, blocked=True,
                               window_started_at=now, refuse_until=now + datetime.timedelta(minutes=30),
                               expires_at=now + datetime.timedelta(hours=1))
    status, _headers, _page = call(application, f"/v/00{session.pk}/", form={"code": second, "answer": "satisfied"})
    assert status.startswith("429") and handed_over == [f"/v/00{session.pk}/"]
    assert Ballot.objects.filter(session=session).count() == 1


def test_other_requests_go_to_django(session, in_test_transaction):
    path = reverse("ballots:vote", args=[session.pk])
    status, _headers, page = call(application, path, method="GET")
    assert status == "200 OK" and 'name="code"' in page
    status, _headers, page = call(application, "/v/0/", form={"code": "X", "answer": "satisfied"})
    assert status.startswith("404")


@pytest.mark.django_db(transaction=True)
def test_fifty_casts_with_one_code_through_the_entry_exactly_one_accepted(world):
    session = make_session(world.secretary_a1, world.branch_a1)
    (code,) = services.codes_generate(actor=world.secretary_a1, session=session, count=1)
    path = reverse("ballots:vote", args=[session.pk])
    statuses = race(*[lambda: call(application, path, form={"code": code, "answer": "satisfied"})[0]] * 50)
    assert sorted(statuses).count("200 OK") == 1 and all(s.startswith(("200", "400", "429")) for s in statuses), statuses
    assert Ballot.objects.filter(session=session).count() == 1
    # Each refused request was counted once, by the view: the entry's attempts wrote nothing.
    assert sum(CodeGuesses.objects.values_list("failures", flat=True)) == 49


@pytest.fixture
def signals_sent():
    sent = []

    def started(**_kwargs):
        sent.append("started")

    def finished(**_kwargs):
        sent.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield sent
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


@pytest.mark.parametrize("case", ["accepted", "refused", "a page"])
def test_each_request_starts_and_finishes_as_often(session, world, in_test_transaction, signals_sent, case):
    # Django's handler closes the database connections a request leaves unusable when it finishes.
    (code,) = services.codes_generate(actor=world.secretary_a1, session=session, count=1)
    path = reverse("ballots:vote", args=[session.pk])
    if case == "a page":
        call(application, path, method="GET")
    else:
        call(application, path, form={"code": code if case == "accepted" else "ZZZZZZZZZZ", "answer": "satisfied"})
    assert signals_sent.count("started") == signals_sent.count("finished") > 0
    assert signals_sent[-1] == "finished"


def test_an_error_after_the_cast_is_answered_here_not_cast_again(session, world, in_test_transaction, handed_over,
                                                                monkeypatch, signals_sent):
    (code,) = services.codes_generate(actor=world.secretary_a1, session=session, count=1)

    def broken(cast):
        raise RuntimeError("the page could not be made")

    monkeypatch.setattr(views, "receipt_response", broken)
    status, headers, _page = call(application, reverse("ballots:vote", args=[session.pk]),
                                  form={"code": code, "answer": "satisfied"})
    assert status.startswith("500") and headers["X-Frame-Options"] == "DENY"
    assert handed_over == []  # not handed over: the ballot was written, and stays written once
    assert Ballot.objects.filter(session=session).count() == 1
    assert signals_sent.count("started") == signals_sent.count("finished") == 1


@pytest.mark.django_db(transaction=True)
def test_a_busy_database_is_answered_here_once(world, handed_over):
    from core.tests.test_busy import database_held

    session = make_session(world.secretary_a1, world.branch_a1)
    (code,) = services.codes_generate(actor=world.secretary_a1, session=session, count=1)
    with database_held():
        status, headers, page = call(application, reverse("ballots:vote", args=[session.pk]),
                                     form={"code": code, "answer": "satisfied"})
    assert status.startswith("503") and headers["Retry-After"] == "30" and "请稍后再试" in page
    assert handed_over == []  # one wait for the database, not two
    assert not Ballot.objects.exists() and not BallotCode.objects.get(session=session).used


def test_a_middleware_the_entry_has_not_weighed_stops_the_app_from_starting(settings):
    from django.core.exceptions import ImproperlyConfigured

    from ballots.wsgi import VotingEntry

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    with pytest.raises(ImproperlyConfigured, match="GZipMiddleware"):
        VotingEntry(django_application)
