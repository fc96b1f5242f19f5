"""Anonymity, checked on what the database holds after people voted through the phone page: no
address, browser, time or code beside a ballot, and keys that do not give away the order of casting."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from ballots import services
from ballots.models import Ballot
from ballots.tests.factories import issue_and_open, make_session
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
AGENT = "Mozilla/5.0 (Linux; Android 14; 测试手机) Mobile"


def table_text() -> str:
    """Every row of every ballots table, and every audit event, as one text."""
    tables = [model._meta.db_table for model in apps.get_app_config("ballots").get_models()]
    tables.append(AuditEvent._meta.db_table)
    rows = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(cursor.fetchall())
    return " ".join(str(value) for row in rows for value in row)


def test_the_database_after_voting_holds_no_voter(client, world):
    session = make_session(world.secretary_a1, world.branch_a1)
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=24)
    events_before = AuditEvent.objects.count()
    receipts, tokens = [], []
    for number, code in enumerate(codes):
        page = client.get(reverse("ballots:vote", args=[session.public_key]), REMOTE_ADDR=f"198.51.100.{number + 1}")
        tokens.append(re.search(r'name="device" value="([^"]+)"', page.content.decode()).group(1))
        if number % 4 == 0:  # some phones mistype first: their counters hold a keyed hash, never the token
            client.post(reverse("ballots:vote", args=[session.public_key]), {"code": "ZZZZZZZZZZ", "answer": "satisfied",
                                                                     "device": tokens[-1]},
                        REMOTE_ADDR=f"198.51.100.{number + 1}", HTTP_USER_AGENT=AGENT)
        response = client.post(reverse("ballots:vote", args=[session.public_key]),
                               {"code": code, "answer": ["satisfied", "dissatisfied", "basically_satisfied"][number % 3],
                                "device": tokens[-1]},
                               REMOTE_ADDR=f"198.51.100.{number + 1}", HTTP_USER_AGENT=AGENT)
        assert response.status_code == 200
        receipts.append(re.search(r'id="receipt">([A-Z0-9-]+)<', response.content.decode()).group(1).replace("-", ""))
    client.post(reverse("ballots:vote", args=[session.public_key]), {"code": "ZZZZZZZZZZ", "answer": "satisfied"},
                REMOTE_ADDR="198.51.100.200", HTTP_USER_AGENT=AGENT)  # a wrong code: counted, but not by address
    assert AuditEvent.objects.count() == events_before  # casting writes no audit event

    stored = table_text()
    for code in codes:
        assert code not in stored and services.grouped(code) not in stored
    assert "198.51.100." not in stored and "Mozilla" not in stored and "测试手机" not in stored
    assert len(set(tokens)) == len(tokens) and not any(token in stored for token in tokens)

    # A ballot is its session, its answer and its receipt: no time, address, browser or code columns.
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, Ballot._meta.db_table)
        relations = connection.introspection.get_relations(cursor, Ballot._meta.db_table)
    assert sorted(column.name for column in columns) == ["answer", "id", "receipt", "session_id"]
    assert [table for _field, table in relations.values()] == [session._meta.db_table]

    # The keys are random: sorted by key, the ballots are not in the order they were cast.
    by_key = list(Ballot.objects.order_by("pk").values_list("receipt", flat=True))
    assert sorted(by_key) == sorted(receipts) and by_key != receipts
    # Nor are the receipts sequential or derived from the codes.
    assert sorted(receipts) != receipts and not any(r[:5] == c[:5] for r, c in zip(receipts, codes, strict=True))


def _written_order() -> list[str]:
    """The receipts in the order the database keeps the ballots, and on PostgreSQL each row's writing transaction."""
    table = connection.ops.quote_name(Ballot._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT receipt, xmin::text FROM {table} ORDER BY ctid")
        else:
            cursor.execute(f"SELECT receipt, '' FROM {table} ORDER BY rowid")
        return cursor.fetchall()


def test_the_count_leaves_no_trace_of_the_order_of_casting(world):
    session = make_session(world.secretary_a1, world.branch_a1)
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=30)
    receipts = [services.ballot_cast(session_id=session.pk, code=code, answer="satisfied").receipt for code in codes]
    assert [receipt for receipt, _mark in _written_order()] == receipts  # what the count has to undo
    services.session_close(actor=world.reviewer_a, session=session)
    kept = _written_order()
    assert sorted(receipt for receipt, _mark in kept) == sorted(receipts)
    assert [receipt for receipt, _mark in kept] != receipts  # 1 chance in 30! of failing by luck
    if connection.vendor == "postgresql":
        # Every ballot and every code now carries the count's transaction, so no ballot shares one with its code.
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT xmin::text FROM ballots_ballotcode WHERE session_id = %s", [session.pk])
            code_marks = {mark for (mark,) in cursor.fetchall()}
        assert {mark for _receipt, mark in kept} == code_marks and len(code_marks) == 1
