"""The voters' pages (no login) and the staff pages, through HTTP."""

import datetime
import logging
import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.views.debug import SafeExceptionReporterFilter

from ballots import services, views
from ballots.models import Ballot, BallotCode, BallotSession, PaperTally
from ballots.tests.factories import issue_and_open, make_session
from cycles import services as cycle_services
from cycles.models import Grading
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world):
    return make_session(world.secretary_a1, world.branch_a1)


def vote(client, session, code, answer="satisfied", address="192.0.2.10"):
    return client.post(reverse("ballots:vote", args=[session.public_key]), {"code": code, "answer": answer},
                       REMOTE_ADDR=address)


# Voting ----------------------------------------------------------------------------------------


def test_the_voting_page_needs_no_login_and_sets_no_cookie(client, session, world):
    services.session_open(actor=world.reviewer_a, session=session)
    response = client.get(reverse("ballots:vote", args=[session.public_key]))
    assert response.status_code == 200 and not response.cookies
    page = response.content.decode()
    assert 'name="code"' in page and page.count('type="radio" name="answer"') == 3
    # Light on a slow connection: no image, and beside the page only its own small stylesheet and
    # script (files, as the Content-Security-Policy allows no inline code; cached after the first page).
    assert "<img" not in page and page.count("<link") == 1 and page.count("<script") == 1
    assets = [settings.BASE_DIR / "static" / name for name in ("css/phone.css", "js/ballot.js")]
    assert all(f"/static/{path.relative_to(settings.BASE_DIR / 'static')}" in page for path in assets)
    assert len(response.content) + sum(path.stat().st_size for path in assets) < 8000
    assert "no-store" in response["Cache-Control"]


def test_a_vote_answers_with_its_receipt_directly(client, session, world):
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    with CaptureQueriesContext(connection) as queries:
        response = vote(client, session, f"{code[:5]}-{code[5:]}".lower())
    assert response.status_code == 200 and not response.cookies
    receipt = Ballot.objects.get().receipt
    assert f"{receipt[:4]}-{receipt[4:]}" in response.content.decode()
    assert reverse("ballots:receipts", args=[session.public_key]) in response.content.decode()
    # The cast is the only database work: no user, no session, no counter for a success.
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "auth_user" not in tables and "django_session" not in tables
    statements = [q for q in queries.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == (1 if connection.vendor == "postgresql" else 3)  # the cast's own (test_services)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_receipt_page_is_the_template_rendered_for_each_receipt(client, session, world, language):
    # Each voter gets exactly what the template gives for their receipt, and a new title shows at once.
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=3)
    client.cookies["django_language"] = language
    pages = []
    for number, code in enumerate(codes):
        if number == 2:
            BallotSession.objects.filter(pk=session.pk).update(title="改过的题目")
            session.refresh_from_db()
        before = set(Ballot.objects.values_list("receipt", flat=True))
        response = vote(client, session, code)
        (receipt,) = set(Ballot.objects.values_list("receipt", flat=True)) - before
        with translation.override(language):
            expected = render_to_string("ballots/receipt.html", {"session": session, "receipt": services.grouped(receipt, 4)})
        assert response.content.decode() == expected
        pages.append(expected)
    assert len(set(pages)) == 3 and "改过的题目" in pages[2] and "改过的题目" not in pages[1]
    assert ("您已投票" if language == "zh-hans" else "Your ballot was cast") in pages[0]


def test_wrong_codes_get_one_answer_and_a_wrong_answer_keeps_the_code(client, session, world):
    code, used = issue_and_open(actor=world.secretary_a1, session=session, count=2)
    assert vote(client, session, used).status_code == 200
    other = make_session(world.secretary_a1, world.branch_a1)
    (elsewhere,) = issue_and_open(actor=world.secretary_a1, session=other, count=1)
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    messages = set()
    for wrong in (used, tampered, "ZZZZZZZZZZ", "12", "", elsewhere):
        response = vote(client, session, wrong, address=f"192.0.2.{len(messages) + 50}")
        assert response.status_code == 400
        messages.add(re.search(r'<p class="error" role="alert">(.*?)</p>', response.content.decode()).group(1))
    assert len(messages) == 1
    for answer in ("", "advanced", "satisfied'--"):
        response = vote(client, session, code, answer=answer)
        assert response.status_code == 400 and response.context["errors"].keys() == {"answer"}
    assert client.post(reverse("ballots:vote", args=[session.public_key]), {"code": code}).status_code == 400
    assert not BallotCode.objects.get(code_hash=services.code_hash(code)).used
    assert vote(client, session, code).status_code == 200
    assert client.post("/v/99999999999999999999/", {"code": code, "answer": "satisfied"}).status_code == 404


def test_closed_and_not_yet_open_sessions_say_so(client, world):
    later = make_session(world.secretary_a1, world.branch_a1, opens_in=30)
    (code,) = issue_and_open(actor=world.secretary_a1, session=later, count=1)
    page = client.get(reverse("ballots:vote", args=[later.public_key]))
    assert 'name="code"' not in page.content.decode() and timezone.localtime(later.opens_at).strftime("%H:%M") in \
        page.content.decode()
    assert vote(client, later, code).status_code == 409
    ended = make_session(world.secretary_a1, world.branch_a1)
    (late,) = issue_and_open(actor=world.secretary_a1, session=ended, count=1)
    services.session_close(actor=world.reviewer_a, session=ended)
    assert vote(client, ended, late).status_code == 409
    assert reverse("ballots:receipts", args=[ended.public_key]) in client.get(reverse("ballots:vote", args=[ended.public_key])).content.decode()
    assert client.get("/v/999999/").status_code == 404
    assert not BallotCode.objects.filter(used=True).exists()


def test_guessing_from_one_address_is_slowed_then_blocked(client, session, world, settings):
    settings.BALLOT_GUESS_SLOW_AFTER, settings.BALLOT_GUESS_BLOCK_AFTER = 5, 20
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    statuses = [vote(client, session, "ZZZZZZZZZZ").status_code for _n in range(settings_value(settings, "SLOW_AFTER"))]
    assert statuses == [400] * len(statuses)
    slowed = vote(client, session, code)
    assert slowed.status_code == 429 and 0 < int(slowed["Retry-After"]) <= settings.BALLOT_GUESS_WAIT_SECONDS
    assert vote(client, session, code, address="192.0.2.99").status_code == 200  # another address is not slowed
    # The same address in another ballot (the next meeting in the same room) is not slowed either.
    other = make_session(world.secretary_a1, world.branch_a1)
    (other_code,) = issue_and_open(actor=world.secretary_a1, session=other, count=1)
    assert vote(client, other, other_code).status_code == 200
    for _n in range(20):
        response = vote(client, session, "ZZZZZZZZZZ")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > (settings.BALLOT_GUESS_BLOCK_MINUTES - 1) * 60


def test_behind_a_proxy_the_named_header_gives_the_address(client, session, world, settings):
    settings.BALLOT_GUESS_SLOW_AFTER, settings.CLIENT_ADDRESS_HEADER = 2, "X-Real-IP"
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    url = reverse("ballots:vote", args=[session.public_key])
    for _n in range(2):  # one phone mistypes, through the proxy at 10.0.0.1
        client.post(url, {"code": "ZZZZZZZZZZ", "answer": "satisfied"}, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_REAL_IP="198.51.100.7")
    assert client.post(url, {"code": code, "answer": "satisfied"}, REMOTE_ADDR="10.0.0.1",
                       HTTP_X_REAL_IP="198.51.100.7").status_code == 429
    # Another phone behind the same proxy votes.
    assert client.post(url, {"code": code, "answer": "satisfied"}, REMOTE_ADDR="10.0.0.1",
                       HTTP_X_REAL_IP="198.51.100.8").status_code == 200


def settings_value(settings, name):
    return getattr(settings, f"BALLOT_GUESS_{name}")


def test_the_code_is_kept_out_of_logs_and_error_reports(client, session, world, caplog):
    code, wrong = "ZZZZZZZZZZ", issue_and_open(actor=world.secretary_a1, session=session, count=1)[0]
    with caplog.at_level(logging.DEBUG):
        vote(client, session, code)
        vote(client, session, wrong, answer="dissatisfied")
    assert caplog.records  # Django logs the refused request…
    assert not any(c in record.getMessage() for record in caplog.records for c in (code, wrong))  # …without a code

    request = RequestFactory().post("/v/1/", {"code": wrong, "answer": "satisfied"})
    views.vote(request, session.public_key)
    assert SafeExceptionReporterFilter().get_post_parameters(request)["code"] != wrong


def test_receipts_are_published_once_closed_without_answers(client, session, world):
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=3)
    receipts = [services.ballot_cast(session_id=session.pk, code=c, answer=a).receipt_display
                for c, a in zip(codes, ["satisfied", "dissatisfied", "satisfied"], strict=True)]
    page = client.get(reverse("ballots:receipts", args=[session.public_key])).content.decode()
    assert not any(r in page for r in receipts)
    services.session_close(actor=world.reviewer_a, session=session)
    page = client.get(reverse("ballots:receipts", args=[session.public_key])).content.decode()
    listed = re.findall(r'<li data-receipt="([A-Z0-9-]+)">', page)
    assert listed == sorted(receipts)
    assert "satisfied" not in page.lower().replace("data-", "")  # receipts only, never an answer beside them


# Staff pages -------------------------------------------------------------------------------------


def test_scheduling_issuing_slips_and_closing(client, world):
    client.force_login(world.secretary_a1)
    now = timezone.localtime()
    response = client.post(reverse("ballots:list", args=[world.branch_a1.pk]), {
        "purpose": "satisfaction", "title": "群众满意度测评", "quorum": "1", "voters": "24",
        "opens_at": (now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")})
    session = BallotSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ballots:detail", args=[session.pk])
    assert session.title == "群众满意度测评" and session.answers == ["satisfied", "basically_satisfied", "dissatisfied"]
    assert "群众满意度测评" in client.get(reverse("ballots:list", args=[world.branch_a1.pk])).content.decode()

    slips = client.post(reverse("ballots:codes", args=[session.pk]), {"count": "20"})
    assert slips.status_code == 200 and "no-store" in slips["Cache-Control"]
    page = slips.content.decode()
    shown = re.findall(r'<div class="code">([A-Z0-9]{5}-[A-Z0-9]{5})</div>', page)
    assert len(shown) == 20 and page.count('<section class="sheet">') == 2 and page.count("<svg") == 20
    slips_css = (settings.BASE_DIR / "static/css/slips.css").read_text()
    assert "/static/css/slips.css" in page and "@page{size:A4" in slips_css and "dashed" in slips_css
    download = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', page).group(1))
    assert all(f"{code},http://testserver/v/{session.public_key}/#{code}" in download for code in shown)
    assert BallotCode.objects.filter(session=session).count() == 20
    assert not any(code.replace("-", "") in str(list(BallotCode.objects.values_list())) for code in shown)
    more = client.post(reverse("ballots:codes", args=[session.pk]), {"count": "5"})
    assert more.status_code == 400 and "最多还可发放4个" in more.content.decode()  # 24 voters, 20 codes issued

    # Its scheduler may neither open it nor close it: the superior does (or a second person of the branch).
    detail = client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
    assert 'class="muted open-second"' in detail and reverse("ballots:open", args=[session.pk]) not in detail
    assert client.post(reverse("ballots:open", args=[session.pk])).status_code == 400
    assert vote(client, session, shown[0]).status_code == 409  # not open yet
    client.force_login(world.reviewer_a)
    assert reverse("ballots:open", args=[session.pk]) in client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
    assert client.post(reverse("ballots:open", args=[session.pk])).status_code == 302
    assert vote(client, session, shown[0]).status_code == 200  # a printed code votes
    detail = client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
    assert 'class="muted sealed"' in detail and 'class="count"' not in detail  # sealed: no counts before the close
    assert client.post(reverse("ballots:close", args=[session.pk])).status_code == 302
    detail = client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
    assert 'class="count">1<' in detail and reverse("ballots:receipts", args=[session.public_key]) in detail
    assert client.post(reverse("ballots:close", args=[session.pk])).status_code == 400  # once


def test_a_session_says_where_it_stands_on_its_page_and_in_the_list(client, world):
    client.force_login(world.secretary_a1)
    later = make_session(world.secretary_a1, world.branch_a1, opens_in=30)
    now = make_session(world.secretary_a1, world.branch_a1)
    services.session_open(actor=world.reviewer_a, session=now)
    ended = make_session(world.secretary_a1, world.branch_a1, opens_in=-120, minutes=60)
    listing = client.get(reverse("ballots:list", args=[world.branch_a1.pk])).content.decode()
    states = re.findall(r'<td class="state"[^>]*><span class="badge state-(\w+)">([^<]+)</span>', listing)
    assert sorted(states) == sorted([("scheduled", "尚未开始"), ("open", "进行中"), ("ended", "已截止，尚未计票")])
    for session, label in ((later, "尚未开始"), (now, "进行中"), (ended, "已截止，尚未计票")):
        page = client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
        assert re.search(rf'<dd class="state"><span class="badge state-\w+">{label}</span>', page), label


def test_closing_asks_first_and_says_it_cannot_be_undone(client, session, world):
    client.force_login(world.secretary_a1)
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    vote(client, session, code)
    detail = client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
    assert 'class="muted close-second"' in detail  # its scheduler does not close it
    client.force_login(world.reviewer_a)
    detail = client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
    assert f'href="{reverse("ballots:close", args=[session.pk])}"' in detail  # a link to the question, not a POST
    page = client.get(reverse("ballots:close", args=[session.pk])).content.decode()
    assert "此操作无法撤销" in page and "是，关闭并计票" in page
    session.refresh_from_db()
    assert not session.closed  # asking changed nothing
    assert client.post(reverse("ballots:close", args=[session.pk])).status_code == 302
    session.refresh_from_db()
    assert session.closed
    assert client.get(reverse("ballots:close", args=[session.pk]))["Location"] == reverse("ballots:detail", args=[session.pk])


def test_a_void_session_says_so(client, session, world):
    client.force_login(world.reviewer_a)
    response = client.post(reverse("ballots:close", args=[session.pk]), follow=True)
    page = response.content.decode()
    assert "无效" in page and "未投出任何选票" in page
    listing = client.get(reverse("ballots:list", args=[world.branch_a1.pk])).content.decode()
    assert 'badge state-void' in listing


def test_rates_show_as_percentages(client, session, world):
    client.force_login(world.secretary_a1)
    codes = issue_and_open(actor=world.secretary_a1, session=session, count=3)
    for code, answer in zip(codes, ["satisfied", "dissatisfied"], strict=False):
        vote(client, session, code, answer)
    services.session_close(actor=world.reviewer_a, session=session)
    page = client.get(reverse("ballots:detail", args=[session.pk])).content.decode()
    assert '<td class="satisfaction">50%</td>' in page and '<td class="turnout">66.7%</td>' in page
    assert "0.5000" not in page and "0.6667" not in page


def test_a_joint_meeting_ballot_names_the_grade_voted_on(client, world):
    standard = make_standard(world.county_admin, world.county)
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": standard}, steps=["self_assessment", "meeting_review",
                                                                              "superior_decision"])
    grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    cycle_services.step_record(actor=world.secretary_a1, grading=grading, step="self_assessment",
                               held_on=timezone.localdate(), grade="average")
    session = make_session(world.secretary_a1, world.branch_a1, purpose="meeting_review", grading=grading)
    client.force_login(world.secretary_a1)
    for page in (client.get(reverse("ballots:detail", args=[session.pk])),
                 client.get(reverse("ballots:vote", args=[session.public_key]))):
        assert "申报等次“一般”" in page.content.decode()
    assert "一般" in client.get(reverse("ballots:list", args=[world.branch_a1.pk])).content.decode()


def test_paper_tallies_on_the_page(client, session, world):
    client.force_login(world.secretary_a1)
    response = client.post(reverse("ballots:paper", args=[session.pk]),
                           {"satisfied": "4", "basically_satisfied": "1", "dissatisfied": "0", "issued": "6"})
    assert response.status_code == 302
    tally = PaperTally.objects.get()
    assert tally.counts == {"satisfied": 4, "basically_satisfied": 1, "dissatisfied": 0} and tally.issued == 6
    client.post(reverse("ballots:paper_confirm", args=[tally.pk]))
    tally.refresh_from_db()
    assert tally.confirmed_by is None  # not by the one who entered it
    client.force_login(world.admin_a)
    client.post(reverse("ballots:paper_confirm", args=[tally.pk]))
    tally.refresh_from_db()
    assert tally.confirmed_by == world.admin_a
    bad = client.post(reverse("ballots:paper", args=[session.pk]), {"satisfied": "-1", "basically_satisfied": "0",
                                                                     "dissatisfied": "0"})
    assert bad.status_code == 400 and PaperTally.objects.count() == 1


def test_the_grading_page_links_to_its_ballots(client, world):
    standard = make_standard(world.county_admin, world.county)
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                      standards={"village": standard}, preset="chenghua")
    grading = Grading.objects.get(cycle=cycle, organization=world.branch_a1)
    session = make_session(world.secretary_a1, world.branch_a1, purpose="public_rating", grading=grading)
    client.force_login(world.secretary_a1)
    page = client.get(reverse("cycles:grading", args=[grading.pk])).content.decode()
    assert f"{reverse('ballots:list', args=[world.branch_a1.pk])}?grading={grading.pk}" in page
    assert reverse("ballots:detail", args=[session.pk]) in page
    form = client.get(reverse("ballots:list", args=[world.branch_a1.pk]), {"grading": grading.pk}).context["form"]
    assert form["grading"].value() == str(grading.pk)


def test_from_x_forwarded_for_the_address_the_proxy_added_counts(client, session, world, settings):
    settings.BALLOT_GUESS_SLOW_AFTER, settings.CLIENT_ADDRESS_HEADER = 2, "X-Forwarded-For"
    (code,) = issue_and_open(actor=world.secretary_a1, session=session, count=1)
    url = reverse("ballots:vote", args=[session.public_key])
    for spoofed in ("203.0.113.1", "203.0.113.2"):  # a guesser writes a new address before the proxy's each time
        client.post(url, {"code": "ZZZZZZZZZZ", "answer": "satisfied"}, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR=f"{spoofed}, 198.51.100.7")
    assert client.post(url, {"code": code, "answer": "satisfied"}, REMOTE_ADDR="10.0.0.1",
                       HTTP_X_FORWARDED_FOR="203.0.113.3, 198.51.100.7").status_code == 429
