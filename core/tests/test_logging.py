"""Log lines name their request: a person's trouble can be followed from the id their response carried."""

import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.logging import RequestIdFilter, RequestIdMiddleware

logger = logging.getLogger("jinwei.test")


def _logging_view(request):
    logger.warning("inside the view")
    return HttpResponse("ok")


@pytest.fixture
def records():
    caught = []

    class Keep(logging.Handler):
        def emit(self, record):
            caught.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    yield caught
    logger.removeHandler(handler)


def test_a_log_line_carries_the_id_its_response_gives_back(records):
    response = RequestIdMiddleware(_logging_view)(RequestFactory().get("/"))
    assert len(response["X-Request-ID"]) == 16
    assert [record.request_id for record in records] == [response["X-Request-ID"]]


def test_the_proxy_s_id_is_kept_and_a_crafted_one_replaced(records):
    kept = RequestIdMiddleware(_logging_view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123"))
    crafted = RequestIdMiddleware(_logging_view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="a b\nFAKE LINE"))
    assert kept["X-Request-ID"] == "abc-123"
    assert crafted["X-Request-ID"] != "a b\nFAKE LINE" and "\n" not in records[1].request_id


def test_outside_a_request_the_id_is_a_dash(records):
    logger.warning("no request")
    assert records[0].request_id == "-"


def test_the_site_answers_with_a_request_id(client):
    assert client.get("/login/")["X-Request-ID"]
