"""Public ballot addresses are not enumerable: a voter's page is reached by its session's random key,
never by counting ids, so nobody learns which organizations hold ballots by trying 1, 2, 3 ..."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from ballots.models import BallotSession
from ballots.tests.factories import issue_and_open, make_session
from core.keys import PUBLIC_KEY_LENGTH, PUBLIC_KEY_PATTERN, public_key

pytestmark = pytest.mark.django_db


def test_the_voters_pages_answer_by_key_and_never_by_id(client, world):
    sessions = [make_session(world.secretary_a1, world.branch_a1) for _n in range(5)]
    for session in sessions:
        issue_and_open(actor=world.secretary_a1, session=session, count=1)
    keys = [session.public_key for session in sessions]
    assert len(set(keys)) == 5 and all(PUBLIC_KEY_PATTERN.fullmatch(key) for key in keys)
    for session in sessions:
        assert client.get(f"/v/{session.pk}/").status_code == 404  # counting ids finds nothing
        assert client.get(f"/v/{session.pk}/receipts/").status_code == 404
        page = client.get(reverse("ballots:vote", args=[session.public_key]))
        assert page.status_code == 200 and session.title in page.content.decode()
        assert f"/v/{session.public_key}/" in page.content.decode()  # the form posts back to the key
        assert client.get(f"/v/{session.public_key.upper()}/").status_code == 200  # typed in capitals still works
    for near in (keys[0][:-1], keys[0] + "a", public_key(), "../1", "%00" * PUBLIC_KEY_LENGTH):
        assert client.get(f"/v/{near}/").status_code == 404


def test_a_vote_posted_to_the_key_is_cast_and_to_the_id_is_not(client, world):
    session = make_session(world.secretary_a1, world.branch_a1)
    good, other = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    assert client.post(f"/v/{session.pk}/", {"code": good, "answer": "satisfied"}).status_code == 404
    assert client.post(reverse("ballots:vote", args=[session.public_key]),
                       {"code": good, "answer": "satisfied"}).status_code == 200
    assert session.ballots.count() == 1


def test_sessions_from_before_draw_a_key_each_when_migrated(world):
    for _n in range(3):
        make_session(world.secretary_a1, world.branch_a1)
    for session in BallotSession.objects.all():  # as if made before keys: the migration's column is empty
        BallotSession.objects.filter(pk=session.pk).update(public_key=f"{session.pk}")
    migration = importlib.import_module("ballots.migrations.0005_ballot_public_key")
    migration.draw_keys(django_apps, None)
    keys = list(BallotSession.objects.values_list("public_key", flat=True))
    assert len(set(keys)) == 3 and all(PUBLIC_KEY_PATTERN.fullmatch(key) for key in keys)
