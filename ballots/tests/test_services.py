"""Anonymous ballots: codes vote once, results stay sealed until the count, nothing stored links a ballot to a voter."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ballots import selectors, services
from ballots.choices import SessionState
from ballots.models import Ballot, BallotCode, BallotSession, CodeGuesses
from ballots.tests.factories import issue_and_open, make_session
from core.models import AuditEvent
from cycles import services as cycle_services
from cycles.models import Grading, StepRecord
from orgs import services as org_services
from standards import services as standard_services
from standards.models import SatisfactionRate
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
    code, other = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    assert len(code) == services.CODE_LENGTH and set(code) <= set(services.CODE_ALPHABET)
    services.ballot_cast(session_id=session.pk, code=code.lower(), answer="satisfied")  # typed in lower case
    services.ballot_cast(session_id=session.pk, code=f"{other[:5]}-{other[5:]}", answer="dissatisfied")
    assert sorted(Ballot.objects.values_list("answer", flat=True)) == ["dissatisfied", "satisfied"]
    used_twice = refusal(lambda: services.ballot_cast(session_id=session.pk, code=code, answer="satisfied"))
    assert Ballot.objects.count() == 2 and set(used_twice) == {"code"}


def test_unknown_tampered_and_malformed_codes_get_the_same_answer(world, session):
    code, used = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    services.ballot_cast(session_id=session.pk, code=used, answer="satisfied")
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    other_session = make_session(world.secretary_a1, world.branch_a1)
    (elsewhere,) = issue_and_open(actor=world.secretary_a1, session=other_session, count=1)
    messages = [refusal(lambda c=c: services.ballot_cast(session_id=session.pk, code=c, answer="satisfied"))
                for c in (tampered, "ZZZZZZZZZZ", "short", "O0O0O0O0O0", "", None, used, elsewhere)]
    assert all(m == messages[0] for m in messages), messages
    assert BallotCode.objects.get(session=session, code_hash=services.code_hash(code)).used is False
    assert Ballot.objects.filter(session=session).count() == 1


def test_not_yet_open_and_ended_sessions_refuse(world):
    later = make_session(world.secretary_a1, world.branch_a1, opens_in=30)
    (code,) = issue_and_open(actor=world.secretary_a1, session=later, count=1)
    assert "session" in refusal(lambda: services.ballot_cast(session_id=later.pk, code=code, answer="satisfied"))
    assert not BallotCode.objects.get(session=later).used
    ended = make_session(world.secretary_a1, world.branch_a1)
    (late,) = issue_and_open(actor=world.secretary_a1, session=ended, count=1)
    BallotSession.objects.filter(pk=ended.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "session" in refusal(lambda: services.ballot_cast(session_id=ended.pk, code=late, answer="satisfied"))
    assert not BallotCode.objects.get(session=ended).used
    closed = make_session(world.secretary_a1, world.branch_a1)
    (unused,) = issue_and_open(actor=world.secretary_a1, session=closed, count=1)
    services.session_close(actor=world.reviewer_a, session=closed)
    assert "session" in refusal(lambda: services.ballot_cast(session_id=closed.pk, code=unused, answer="satisfied"))
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(used=True).exists()


def test_an_invalid_answer_is_refused_and_the_code_stays_unused(world, session):
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    for answer in ("advanced", "agree", "", None):
        assert set(refusal(lambda a=answer: services.ballot_cast(session_id=session.pk, code=code, answer=a))) == {"answer"}
    assert not BallotCode.objects.get().used and not Ballot.objects.exists()
    services.ballot_cast(session_id=session.pk, code=code, answer="basically_satisfied")


def test_results_are_sealed_until_the_count(world, session):
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=4)
    for code, answer in zip(codes, ["satisfied", "basically_satisfied", "dissatisfied"], strict=False):
        services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    session.refresh_from_db()
    assert session.tallies == {} and selectors.session_results(user=world.secretary_a1, session=session) is None
    with pytest.raises(Http404):  # outside the organization's scope, as if there were no session
        services.session_close(actor=world.admin_b, session=session)
    session = services.session_close(actor=world.reviewer_a, session=session)
    results = selectors.session_results(user=world.secretary_a1, session=session)
    assert results["counts"] == {"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1}
    assert results["ballots"] == 3 and results["issued"] == 4
    assert D(results["turnout"]) == D("0.75") and D(results["satisfaction"]) == D("0.6667")
    assert "closed" in refusal(lambda: services.session_close(actor=world.reviewer_a, session=session))


def test_nothing_stored_links_a_ballot_to_its_code_or_time(world, session):
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=3)
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
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=6)
    for code, answer in zip(codes, ["satisfied", "basically_satisfied", "dissatisfied", "dissatisfied", "dissatisfied"],
                            strict=False):
        services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    session = services.session_close(actor=world.reviewer_a, session=session)
    assert session.delivered and D(session.tallies["satisfaction"]) == D("0.4")
    sheet.refresh_from_db()
    assert sheet.vetoed and sheet.veto_marks.get().automatic


def test_below_the_quorum_nothing_is_passed_on(world, grading):
    session = make_session(world.secretary_a1, world.branch_a1, purpose="public_rating", grading=grading, quorum=3)
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    services.ballot_cast(session_id=session.pk, code=code, answer="advanced")
    session = services.session_close(actor=world.reviewer_a, session=session)
    assert not session.tallies["quorum_met"] and not session.delivered
    assert not StepRecord.objects.exists()


def test_a_step_ballot_records_the_step_by_itself(world, grading):
    session = make_session(world.secretary_a1, world.branch_a1, purpose="public_rating", grading=grading)
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=4)
    for code, answer in zip(codes, ["advanced", "advanced", "average"], strict=False):
        services.ballot_cast(session_id=session.pk, code=code, answer=answer)
    session = services.session_close(actor=world.reviewer_a, session=session)
    record = StepRecord.objects.get(grading=grading, step="public_rating")
    assert session.delivered and record.participants == 3 and record.grade == "advanced"
    assert record.votes == {"advanced": 2, "average": 1, "lagging": 0}
    # The joint meeting votes on the declared grade: there is none before the self-assessment.
    assert "purpose" in refusal(lambda: make_session(world.secretary_a1, world.branch_a1, purpose="meeting_review",
                                                     grading=grading))
    for step, grade in (("member_review", "advanced"), ("self_assessment", "average")):
        cycle_services.step_record(actor=world.secretary_a1, grading=grading, step=step, held_on=timezone.localdate(),
                                   participants=3, grade=grade)
    meeting = make_session(world.secretary_a1, world.branch_a1, purpose="meeting_review", grading=grading)
    assert meeting.grade_voted_on == "average" and "一般" in meeting.title  # the slips name the grade voted on
    codes = issue_and_open(actor=world.secretary_a1, session=meeting, count=2)
    for code, answer in zip(codes, ["agree", "disagree"], strict=True):
        services.ballot_cast(session_id=meeting.pk, code=code, answer=answer)
    meeting = services.session_close(actor=world.reviewer_a, session=meeting)
    assert meeting.delivered
    assert StepRecord.objects.get(step="meeting_review").votes == {"agree": 1, "disagree": 1, "abstain": 0}


def test_a_meeting_vote_on_a_grade_no_longer_declared_is_not_passed_on(world, grading):
    for step, grade in (("public_rating", "advanced"), ("member_review", "advanced"), ("self_assessment", "advanced")):
        cycle_services.step_record(actor=world.secretary_a1, grading=grading, step=step, held_on=timezone.localdate(),
                                   grade=grade)
    meeting = make_session(world.secretary_a1, world.branch_a1, purpose="meeting_review", grading=grading)
    (code,) = issue_and_open(actor=world.secretary_a1, session=meeting, count=1)
    services.ballot_cast(session_id=meeting.pk, code=code, answer="agree")
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="self_assessment",
                               held_on=timezone.localdate(), grade="average")  # declared again, lower
    meeting = services.session_close(actor=world.reviewer_a, session=meeting)
    assert not meeting.delivered and meeting.tallies["counts"]["agree"] == 1
    assert not StepRecord.objects.filter(step="meeting_review").exists()


def test_a_ballot_closed_with_no_ballot_is_void_and_feeds_nothing(world, grading):
    session = make_session(world.secretary_a1, world.branch_a1, purpose="public_rating", grading=grading)
    issue_and_open(actor=world.secretary_a1, session=session, count=3)
    assert session.get_state_display() == str(SessionState.OPEN.label)
    session = services.session_close(actor=world.reviewer_a, session=session)
    assert session.state == SessionState.VOID and session.tallies["void"] and not session.delivered
    assert session.get_state_display() == str(SessionState.VOID.label)
    assert not StepRecord.objects.exists()
    satisfaction = services.session_close(actor=world.reviewer_a, session=make_session(
        world.secretary_a1, world.branch_a1, grading=grading))
    assert satisfaction.state == SessionState.VOID and not SatisfactionRate.objects.exists()


def test_a_quorum_is_at_least_one(world):
    for quorum in (0, -1, True, "3", None):
        assert set(refusal(lambda q=quorum: make_session(world.secretary_a1, world.branch_a1, quorum=q))) == {"quorum"}
    assert not BallotSession.objects.exists()
    assert make_session(world.secretary_a1, world.branch_a1, quorum=1).quorum == 1


def test_who_may_run_a_ballot(world, grading):
    with pytest.raises(Http404):  # a neighbouring branch is outside the secretary's scope
        make_session(world.secretary_a1, world.branch_a2)
    make_session(world.reviewer_a, world.branch_a1)  # the superior who decides on it
    with pytest.raises(ValidationError):
        make_session(world.secretary_a1, world.branch_a1, purpose="member_review")  # a step needs the grading
    with pytest.raises(ValidationError):
        make_session(world.secretary_a1, world.branch_a1, minutes=0)
    session = make_session(world.secretary_a1, world.branch_a1)
    assert "count" in refusal(lambda: issue_and_open(actor=world.secretary_a1, session=session, count=0))


# Receipts, the lean cast, paper tallies, guessing ------------------------------------------------


def test_each_ballot_gets_a_random_receipt_stored_beside_its_answer(world, session):
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=5)
    casts = [services.ballot_cast(session_id=session.pk, code=code, answer="satisfied") for code in codes]
    receipts = [cast.receipt for cast in casts]
    assert len(set(receipts)) == 5
    assert all(len(r) == services.RECEIPT_LENGTH and set(r) <= set(services.CODE_ALPHABET) for r in receipts)
    assert not any(r in code or code.startswith(r[:4]) and code[4:8] == r[4:] for r, code in zip(receipts, codes, strict=True))
    assert sorted(Ballot.objects.values_list("receipt", flat=True)) == sorted(receipts)
    assert casts[0].receipt_display == f"{receipts[0][:4]}-{receipts[0][4:]}"
    assert selectors.receipt_list(session=session) is None  # published only once closed
    services.session_close(actor=world.reviewer_a, session=session)
    session.refresh_from_db()
    assert selectors.receipt_list(session=session) == sorted(receipts)


def test_a_cast_is_one_write_and_a_refusal_reads_why(world, session):
    code, other = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    client = services.client_key("10.0.0.1", session.pk)
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(session_id=session.pk, code=code, answer="satisfied", client=client)
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    if connection.vendor == "postgresql":
        # One statement: no BEGIN or COMMIT round trips, the session shared, never locked for update.
        assert len(statements) == 1, statements
        assert statements[0].startswith("WITH") and "FOR SHARE" in statements[0] and "FOR UPDATE" not in statements[0]
    else:  # one write transaction
        assert [statement.split()[0] for statement in statements] == ["SELECT", "UPDATE", "INSERT"], statements
    # A refused answer leaves the code unused, and the refusal says what was wrong.
    refused = refusal(lambda: services.ballot_cast(session_id=session.pk, code=other, answer="excellent", client=client))
    assert set(refused) == {"answer"}
    assert not BallotCode.objects.get(session=session, code_hash=services.code_hash(other)).used


def test_paper_tallies_count_once_a_second_person_confirms_them(world, session):
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    services.ballot_cast(session_id=session.pk, code=codes[0], answer="satisfied")
    tally = services.paper_tally_enter(actor=world.secretary_a1, session=session,
                                       counts={"satisfied": 3, "dissatisfied": 1}, issued=5)
    assert tally.counts == {"satisfied": 3, "basically_satisfied": 0, "dissatisfied": 1}
    assert "tally" in refusal(lambda: services.paper_tally_confirm(actor=world.secretary_a1, tally=tally))
    with pytest.raises(Http404):
        services.paper_tally_confirm(actor=world.admin_b, tally=tally)
    unconfirmed = services.paper_tally_enter(actor=world.reviewer_a, session=session, counts={"dissatisfied": 7})
    tally = services.paper_tally_confirm(actor=world.admin_a, tally=tally)
    assert tally.confirmed_by == world.admin_a and tally.confirmed_at is not None
    assert "tally" in refusal(lambda: services.paper_tally_confirm(actor=world.reviewer_a, tally=tally))  # once
    session = services.session_close(actor=world.reviewer_a, session=session)
    results = session.tallies
    assert results["counts"] == {"satisfied": 4, "basically_satisfied": 0, "dissatisfied": 1}
    assert (results["ballots"], results["electronic"], results["paper"], results["issued"]) == (5, 1, 4, 7)
    assert results["unconfirmed_tallies"] == 1 and D(results["satisfaction"]) == D("0.8")
    assert "tally" in refusal(lambda: services.paper_tally_confirm(actor=world.admin_a, tally=unconfirmed))
    actions = list(AuditEvent.objects.filter(action__startswith="ballot.paper").values_list("action", flat=True))
    assert sorted(actions) == ["ballot.paper_confirm", "ballot.paper_enter", "ballot.paper_enter"]


def test_paper_tally_refusals(world, session):
    for counts, field in (({"advanced": 2}, "counts"), ({"satisfied": -1}, "satisfied"), ({"satisfied": "2"}, "satisfied"),
                          ({"satisfied": 10**20}, "satisfied"), ({}, "counts"), ([], "counts")):
        assert field in refusal(lambda c=counts: services.paper_tally_enter(actor=world.secretary_a1, session=session,
                                                                           counts=c)), counts
    for issued in (2, 10**20):
        assert "issued" in refusal(lambda i=issued: services.paper_tally_enter(actor=world.secretary_a1, session=session,
                                                                               counts={"satisfied": 3}, issued=i))
    tally = services.paper_tally_enter(actor=world.secretary_a1, session=session, counts={"satisfied": 3})
    assert tally.issued == 3
    services.paper_tally_discard(actor=world.secretary_a1, tally=tally)
    assert not session.paper_tallies.exists()


def test_guessing_is_slowed_then_blocked_and_a_success_stores_nothing(world, session, settings):
    settings.BALLOT_GUESS_SLOW_AFTER, settings.BALLOT_GUESS_BLOCK_AFTER = 3, 6
    good, spare = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    client, other = services.client_key("203.0.113.7", session.pk), services.client_key("203.0.113.8", session.pk)
    device, other_device = (services.device_key(None, address, session.pk) for address in ("203.0.113.7", "203.0.113.8"))
    services.ballot_cast(session_id=session.pk, code=spare, answer="satisfied", client=client, device=device)
    assert not CodeGuesses.objects.exists()  # a success leaves no trace
    for _n in range(2):
        assert type(caught(lambda: services.ballot_cast(session_id=session.pk, code="ZZZZZZZZZZ", answer="satisfied",
                                                        client=client, device=device))) is ValidationError
    slowed = caught(lambda: services.ballot_cast(session_id=session.pk, code="ZZZZZZZZZZ", answer="satisfied",
                                                 client=client, device=device))
    assert type(slowed) is ValidationError  # the third wrong code is refused as wrong, and slows what follows
    waiting = caught(lambda: services.ballot_cast(session_id=session.pk, code=good, answer="satisfied", client=client, device=device))
    assert isinstance(waiting, services.GuessesLimited) and not waiting.blocked and 0 < waiting.wait_seconds <= 10
    assert not BallotCode.objects.get(code_hash=services.code_hash(good)).used  # the good code was not even tried
    # Another client is not slowed.
    assert type(caught(lambda: services.ballot_cast(session_id=session.pk, code="ZZZZZZZZZZ", answer="satisfied",
                                                    client=other, device=other_device))) is ValidationError
    CodeGuesses.objects.filter(client=device).update(refuse_until=timezone.now() - datetime.timedelta(seconds=1))
    for _n in range(2):
        caught(lambda: services.ballot_cast(session_id=session.pk, code="ZZZZZZZZZZ", answer="satisfied", client=client, device=device))
    blocked = caught(lambda: services.ballot_cast(session_id=session.pk, code=good, answer="satisfied", client=client, device=device))
    assert isinstance(blocked, services.GuessesLimited) and blocked.blocked and blocked.wait_seconds > (settings.BALLOT_GUESS_BLOCK_MINUTES - 1) * 60
    guesses = CodeGuesses.objects.get(client=device)
    assert guesses.blocked and guesses.failures == 7 and "203.0.113.7" not in str(CodeGuesses.objects.values_list())
    address = CodeGuesses.objects.get(client=client)  # the address counts too, but blocks only a flood
    assert not address.blocked and address.failures == 7 and address.refuse_until is None
    # A wrong answer or a closed session is not a guess.
    assert not CodeGuesses.objects.filter(client=services.client_key("198.51.100.1", session.pk)).exists()
    refusal(lambda: services.ballot_cast(session_id=session.pk, code=good, answer="nope",
                                         client=services.client_key("198.51.100.1", session.pk)))
    assert not CodeGuesses.objects.filter(client=services.client_key("198.51.100.1", session.pk)).exists()


def test_an_unknown_session_is_not_found(world):
    for session_id in (999999, "x", None, 10**20, -1):
        with pytest.raises(Http404):
            services.ballot_cast(session_id=session_id, code="ABCDEFGHJK", answer="satisfied")


def caught(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the refusal is what the test looks at
        return error
    raise AssertionError("no refusal")
