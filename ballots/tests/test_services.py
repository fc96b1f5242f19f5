"""Anonymous ballots: codes vote once, results stay sealed until the count, nothing stored links a ballot to a voter."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from ballots import selectors, services
from ballots.models import Ballot, BallotCode, BallotSession
from ballots.tests.factories import make_session
from cycles import services as cycle_services
from cycles.models import Grading, StepRecord
from orgs import services as org_services
from standards import services as standard_services
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    standard = make_standard(world.county_admin, world.county)
    return cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                     standards={"village": standard}, preset="chenghua")


@pytest.fixture
def grading(world, cycle):
    return Grading.objects.get(cycle=cycle, organization=world.branch_a1)


@pytest.fixture
def session(world):
    return make_session(world.secretary_a1, world.branch_a1)


def refusal(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_code_votes_once(world, session):
    code, other = services.codes_generate(actor=world.secretary_a1, session=session, count=2)
    assert len(code) == services.CODE_LENGTH and set(code) <= set(services.CODE_ALPHABET)
    services.ballot_cast(session_id=session.pk, code=code.lower(), answer="satisfied")  # typed in lower case
    services.ballot_cast(session_id=session.pk, code=f"{other[:5]}-{other[5:]}", answer="dissatisfied")
    assert sorted(Ballot.objects.values_list("answer", flat=True)) == ["dissatisfied", "satisfied"]
    used_twice = refusal(lambda: services.ballot_cast(session_id=session.pk, code=code, answer="satisfied"))
    assert Ballot.objects.count() == 2 and set(used_twice) == {"code"}


def test_unknown_tampered_and_malformed_codes_get_the_same_answer(world, session):
    code, used = services.codes_generate(actor=world.secretary_a1, session=session, count=2)
    services.ballot_cast(session_id=session.pk, code=used, answer="satisfied")
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    other_session = make_session(world.secretary_a1, world.branch_a1)
    (elsewhere,) = services.codes_generate(actor=world.secretary_a1, session=other_session, count=1)
    messages = [refusal(lambda c=c: services.ballot_cast(session_id=session.pk, code=c, answer="satisfied"))
                for c in (tampered, "ZZZZZZZZZZ", "short", "O0O0O0O0O0", "", None, used, elsewhere)]
    assert all(m == messages[0] for m in messages), messages
    assert BallotCode.objects.get(session=session, code_hash=services.code_hash(code)).used is False
    assert Ballot.objects.filter(session=session).count() == 1


def test_not_yet_open_and_ended_sessions_refuse(world):
    later = make_session(world.secretary_a1, world.branch_a1, opens_in=30)
    (code,) = services.codes_generate(actor=world.secretary_a1, session=later, count=1)
    assert "session" in refusal(lambda: services.ballot_cast(session_id=later.pk, code=code, answer="satisfied"))
    ended = make_session(world.secretary_a1, world.branch_a1)
    (late,) = services.codes_generate(actor=world.secretary_a1, session=ended, count=1)
    BallotSession.objects.filter(pk=ended.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "session" in refusal(lambda: services.ballot_cast(session_id=ended.pk, code=late, answer="satisfied"))
    closed = make_session(world.secretary_a1, world.branch_a1)
    (unused,) = services.codes_generate(actor=world.secretary_a1, session=closed, count=1)
    services.session_close(actor=world.secretary_a1, session=closed)
    assert "session" in refusal(lambda: services.ballot_cast(session_id=closed.pk, code=unused, answer="satisfied"))
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(used=True).exists()


def test_an_invalid_answer_is_refused_and_the_code_stays_unused(world, session):
    (code,) = services.codes_generate(actor=world.secretary_a1, session=session, count=1)
    for answer in ("advanced", "agree", "", None):
        assert set(refusal(lambda a=answer: services.ballot_cast(session_id=session.pk, code=code, answer=a))) == {"answer"}
    assert not BallotCode.objects.get().used and not Ballot.objects.exists()
    services.ballot_cast(session_id=session.pk, code=code, answer="basically_satisfied")


def test_results_are_sealed_until_the_count(world, session):
    codes = services.codes_generate(actor=world.secretary_a1, session=session, count=4)
    for code, answer in zip(codes, ["satisfied", "basically_satisfied", "dissatisfied"], strict=False):
        services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    session.refresh_from_db()
    assert session.tallies == {} and selectors.session_results(user=world.secretary_a1, session=session) is None
    with pytest.raises(Http404):  # outside the organization's scope, as if there were no session
        services.session_close(actor=world.admin_b, session=session)
    session = services.session_close(actor=world.secretary_a1, session=session)
    results = selectors.session_results(user=world.secretary_a1, session=session)
    assert results["counts"] == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1}
    assert results["ballots"] == 3 and results["issued"] == 4
    assert D(results["turnout"]) == D("0.75") and D(results["satisfaction"]) == D("0.6667")
    assert "closed" in refusal(lambda: services.session_close(actor=world.secretary_a1, session=session))


def test_nothing_stored_links_a_ballot_to_its_code_or_time(world, session):
    codes = services.codes_generate(actor=world.secretary_a1, session=session, count=3)
    for code in codes:
        services.ballot_cast(session_id=session.pk, code=code, answer="satisfied")
    with connection.cursor() as cursor:
        ballot_columns = connection.introspection.get_table_description(cursor, Ballot._meta.db_table)
        relations = connection.introspection.get_relations(cursor, Ballot._meta.db_table)
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(BallotCode._meta.db_table)}")
        code_rows = cursor.fetchall()
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(Ballot._meta.db_table)}")
        ballot_rows = cursor.fetchall()
    assert sorted(column.name for column in ballot_columns) == ["answer", "id", "receipt", "session_id"]
    assert {table for _column, (_field, table) in relations.items()} == {BallotSession._meta.db_table}
    stored = " ".join(str(value) for row in code_rows + ballot_rows for value in row)
    assert not any(code in stored or code.lower() in stored for code in codes)
    assert all(len(row) == 4 for row in code_rows)  # id, session, hash, used: no time, no address, no link
    assert sorted(f.name for f in BallotCode._meta.get_fields()) == ["code_hash", "id", "session", "used"]


def test_low_satisfaction_sets_off_the_veto_on_the_score_sheet(world, grading):
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    standard = grading.cycle.standards.get().standard
    sheet = standard_services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                               standard=standard, assessor_kind="self")
    assert not sheet.vetoed
    session = make_session(world.secretary_a1, world.branch_a1, grading=grading, quorum=5)
    codes = services.codes_generate(actor=world.secretary_a1, session=session, count=6)
    for code, answer in zip(codes, ["satisfied", "basically_satisfied", "dissatisfied", "dissatisfied", "dissatisfied"],
                            strict=False):
        services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    session = services.session_close(actor=world.secretary_a1, session=session)
    assert session.delivered and D(session.tallies["satisfaction"]) == D("0.4")
    sheet.refresh_from_db()
    assert sheet.vetoed and sheet.veto_marks.get().automatic


def test_below_the_quorum_nothing_is_passed_on(world, grading):
    session = make_session(world.secretary_a1, world.branch_a1, purpose="public_rating", grading=grading, quorum=3)
    (code,) = services.codes_generate(actor=world.secretary_a1, session=session, count=1)
    services.ballot_cast(session_id=session.pk, code=code, answer="advanced")
    session = services.session_close(actor=world.secretary_a1, session=session)
    assert not session.tallies["quorum_met"] and not session.delivered
    assert not StepRecord.objects.exists()


def test_a_step_ballot_records_the_step_by_itself(world, grading):
    session = make_session(world.secretary_a1, world.branch_a1, purpose="public_rating", grading=grading)
    codes = services.codes_generate(actor=world.secretary_a1, session=session, count=4)
    for code, answer in zip(codes, ["advanced", "advanced", "average"], strict=False):
        services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    session = services.session_close(actor=world.secretary_a1, session=session)
    record = StepRecord.objects.get(grading=grading, step="public_rating")
    assert session.delivered and record.participants == 3 and record.grade == "advanced"
    assert record.votes == {"advanced": 2, "average": 1, "lagging": 0}
    # The meeting's ballot comes after steps not yet recorded: its count stays on the session.
    meeting = make_session(world.secretary_a1, world.branch_a1, purpose="meeting_review", grading=grading)
    (code,) = services.codes_generate(actor=world.secretary_a1, session=meeting, count=1)
    services.ballot_cast(session_id=meeting.pk, code=code, answer="agree")
    meeting = services.session_close(actor=world.secretary_a1, session=meeting)
    assert not meeting.delivered and meeting.tallies["counts"] == {"agree": 1, "disagree": 0, "abstain": 0}
    assert not StepRecord.objects.filter(step="meeting_review").exists()


def test_who_may_run_a_ballot(world, grading):
    with pytest.raises(Http404):  # a neighbouring branch is outside the secretary's scope
        make_session(world.secretary_a1, world.branch_a2)
    make_session(world.reviewer_a, world.branch_a1)  # the superior who decides on it
    with pytest.raises(ValidationError):
        make_session(world.secretary_a1, world.branch_a1, purpose="member_review")  # a step needs the grading
    with pytest.raises(ValidationError):
        make_session(world.secretary_a1, world.branch_a1, minutes=0)
    session = make_session(world.secretary_a1, world.branch_a1)
    assert "count" in refusal(lambda: services.codes_generate(actor=world.secretary_a1, session=session, count=0))
