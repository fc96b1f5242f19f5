"""The ballots API: sessions, codes once, paper tallies, sealed results, public receipts; no ballot is ever read."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import BallotCode, BallotSession

pytestmark = pytest.mark.django_db


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_a_session_through_the_api(client, world):
    client.force_login(world.secretary_a1)
    now = timezone.now()
    response = post(client, "/api/ballots/sessions", {
        "organization": world.branch_a1.pk, "purpose": "satisfaction", "quorum": 1, "voters": 5,
        "opens_at": (now - datetime.timedelta(minutes=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(hours=1)).isoformat()})
    assert response.status_code == 201, response.content
    session = response.json()
    assert session["state"] == "scheduled" and session["results"] is None and session["opened_at"] is None
    key = BallotSession.objects.get(pk=session["id"]).public_key  # random per session: never the id
    assert session["vote_path"] == f"/v/{key}/" and session["voters"] == 5 and key != str(session["id"])
    assert session["answers"] == ["satisfied", "basically_satisfied", "dissatisfied"]
    listed = client.get("/api/ballots/sessions", {"organization": world.branch_a1.pk}).json()
    assert [s["id"] for s in listed["items"]] == [session["id"]]

    codes = post(client, f"/api/ballots/sessions/{session['id']}/codes", {"count": 3}).json()
    assert len(codes["codes"]) == 3 and codes["vote_url"] == f"http://testserver/v/{key}/"
    assert BallotCode.objects.filter(session_id=session["id"]).count() == 3
    too_many = post(client, f"/api/ballots/sessions/{session['id']}/codes", {"count": 3})
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "count"  # 6 codes for 5 voters
    alone = post(client, f"/api/ballots/sessions/{session['id']}/open")
    assert alone.status_code == 400 and alone.json()["errors"][0]["field"] == "session"  # not by its scheduler
    client.force_login(world.reviewer_a)
    opened = post(client, f"/api/ballots/sessions/{session['id']}/open").json()
    assert opened["state"] == "open" and opened["opened_at"]
    client.force_login(world.secretary_a1)
    for code in codes["codes"][:2]:
        assert client.post(reverse("ballots:vote", args=[key]), {"code": code, "answer": "satisfied"}).status_code == 200

    sealed = client.get(f"/api/ballots/sessions/{session['id']}/results")
    assert sealed.status_code == 409 and sealed.json()["detail"]
    tally = post(client, f"/api/ballots/sessions/{session['id']}/tallies",
                 {"counts": {"dissatisfied": 2}, "issued": 3}).json()
    same = post(client, f"/api/ballots/tallies/{tally['id']}/confirm")
    assert same.status_code == 400 and same.json()["errors"][0]["field"] == "tally"
    client.force_login(world.reviewer_a)
    confirmed = post(client, f"/api/ballots/tallies/{tally['id']}/confirm").json()
    assert confirmed["confirmed_by"] == "reviewer_a" and confirmed["entered_by"] == "secretary_a1"
    closed = post(client, f"/api/ballots/sessions/{session['id']}/close").json()
    assert closed["closed"] and closed["state"] == "closed"
    results = client.get(f"/api/ballots/sessions/{session['id']}/results").json()
    assert results["counts"] == {"satisfied": 2, "basically_satisfied": 0, "dissatisfied": 2}
    assert (results["ballots"], results["issued"], results["turnout"], results["satisfaction"]) == (4, 6, "0.6667", "0.5000")

    client.logout()
    receipts = client.get(f"/api/ballots/sessions/{session['id']}/receipts").json()
    assert receipts["published"] and len(receipts["receipts"]) == 2 and receipts["receipts"] == sorted(receipts["receipts"])


def test_refusals_come_in_the_one_error_format(client, world):
    client.force_login(world.secretary_a1)
    now = timezone.now()
    response = post(client, "/api/ballots/sessions", {
        "organization": world.branch_a1.pk, "purpose": "member_review", "opens_at": now.isoformat(),
        "closes_at": (now + datetime.timedelta(hours=1)).isoformat()})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "grading"
    response = post(client, "/api/ballots/sessions", {
        "organization": world.branch_a1.pk, "purpose": "satisfaction", "opens_at": now.isoformat(),
        "closes_at": (now + datetime.timedelta(hours=1)).isoformat(), "quorum": 10**20})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "quorum"
    response = post(client, "/api/ballots/sessions", {
        "organization": world.branch_a1.pk, "purpose": "satisfaction", "opens_at": now.isoformat(),
        "closes_at": (now + datetime.timedelta(hours=1)).isoformat()})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "voters"
    response = post(client, "/api/ballots/sessions", {"organization": world.branch_a1.pk, "purpose": "nope"})
    assert response.status_code == 422 and {e["field"] for e in response.json()["errors"]} >= {"purpose", "opens_at"}
    session = BallotSession.objects.create(
        organization=world.branch_a1, purpose="satisfaction", question_kind="satisfaction", title="t",
        opens_at=now, closes_at=now + datetime.timedelta(hours=1), created_by=world.secretary_a1)
    assert post(client, f"/api/ballots/sessions/{session.pk}/codes", {"count": 0}).status_code == 422
    bad = post(client, f"/api/ballots/sessions/{session.pk}/tallies", {"counts": {"advanced": 1}})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "counts"


def test_the_schema_lists_sessions_codes_and_tallies_but_no_ballots(client, world):
    client.force_login(world.secretary_a1)
    paths = client.get("/api/openapi.json").json()["paths"]
    ours = sorted(path for path in paths if path.startswith("/api/ballots"))
    assert ours == [
        "/api/ballots/below", "/api/ballots/sessions", "/api/ballots/sessions/{session_id}", "/api/ballots/sessions/{session_id}/close",
        "/api/ballots/sessions/{session_id}/codes", "/api/ballots/sessions/{session_id}/open",
        "/api/ballots/sessions/{session_id}/receipts",
        "/api/ballots/sessions/{session_id}/results", "/api/ballots/sessions/{session_id}/tallies",
        "/api/ballots/tallies/{tally_id}/confirm"]
