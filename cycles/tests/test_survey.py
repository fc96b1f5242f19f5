"""The status survey rolls up: answers per question and sector for a level's subtree, each organization's
report one click away, and the same filter as .xlsx (read back by python-calamine and openpyxl)."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from cycles import selectors, services
from cycles.choices import SURVEY_QUESTIONS

pytestmark = pytest.mark.django_db
TRICKY = ["=1+1", "+86 0731", "-2 个党小组", "@SUM(A1:A2)"]  # what a spreadsheet would run as a formula


@pytest.fixture
def cycle(world):
    cycle = services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="2026年分类定级",
                                survey_enabled=True)
    services.survey_save(actor=world.secretary_a1, cycle=cycle, organization=world.branch_a1, setup_rating="yes",
                         setup="按村设立党支部", leadership_rating="partly", leadership=TRICKY[0], rules=TRICKY[1],
                         report=TRICKY[2])
    services.survey_save(actor=world.admin_a, cycle=cycle, organization=world.branch_a2, setup_rating="no",
                         setup=TRICKY[3], leadership_rating="yes", report="班子健全")
    services.survey_save(actor=world.county_admin, cycle=cycle, organization=world.town_a, setup_rating="yes")
    return cycle


def test_answers_are_counted_per_question_and_sector(world, cycle):
    counts = {c.question: c for c in selectors.survey_counts(user=world.county_admin, cycle=cycle, level=world.county)}
    assert list(counts) == list(SURVEY_QUESTIONS)
    rows = {sector: dict(cells) for sector, _label, cells, _total in counts["setup"].rows}
    assert rows["village"] == {"yes": 1, "partly": 0, "no": 1, "none": 2}  # b1 and b2 have not answered
    assert rows["regional"] == {"yes": 1, "partly": 0, "no": 0, "none": 1}
    assert counts["setup"].totals == [2, 0, 1, 3] and counts["setup"].total == 6
    town = {c.question: c for c in selectors.survey_counts(user=world.reviewer_a, cycle=cycle, level=world.town_a)}
    assert [dict(cells) for _s, _l, cells, _t in town["leadership"].rows] == [{"yes": 1, "partly": 1, "no": 0, "none": 0}]


def test_a_bad_answer_is_refused_by_name_and_the_same_answers_change_nothing(world, cycle):
    with pytest.raises(ValidationError) as caught:
        services.survey_save(actor=world.secretary_a1, cycle=cycle, organization=world.branch_a1, rules_rating="maybe")
    (message,) = caught.value.message_dict["rules_rating"]
    assert "组织制度是否完善" in message
    events = AuditEvent.objects.filter(action="survey.save").count()
    answer = selectors.survey_answers_of(cycle=cycle, organizations=[world.branch_a2])[world.branch_a2.pk]
    services.survey_save(actor=world.admin_a, cycle=cycle, organization=world.branch_a2,
                         **{name: getattr(answer, name) for name in services.SURVEY_FIELDS})
    assert AuditEvent.objects.filter(action="survey.save").count() == events


def test_the_summary_page_counts_links_and_filters(client, world, cycle):
    client.force_login(world.county_admin)
    url = reverse("cycles:survey_summary", args=[cycle.pk])
    page = client.get(url)
    assert page.context["level"] == world.county
    body = page.content.decode()
    filtered = f"?level={world.county.pk}&amp;sector=village&amp;question=setup&amp;rating=no"
    assert filtered in body  # each count lists its organizations
    assert reverse("cycles:survey", args=[cycle.pk, world.branch_a1.pk]) in body  # the report one click away
    page = client.get(url, {"level": world.county.pk, "sector": "village", "question": "setup", "rating": "no"})
    assert [row[0] for row in page.context["rows"]] == [world.branch_a2]
    page = client.get(url, {"level": world.county.pk, "question": "setup", "rating": "none"})
    assert [row[0] for row in page.context["rows"]] == [world.town_b, world.branch_b1, world.branch_b2]
    bad = client.get(url, {"level": world.county.pk, "sector": "moon"})
    assert bad.status_code == 400 and "moon" in bad.content.decode()  # refused and said, never dropped
    bad = client.get(url, {"level": world.county.pk, "rating": "no"})  # an answer to which question?
    assert bad.status_code == 400 and bad.context["filter_errors"]
    client.force_login(world.admin_b)
    assert client.get(url, {"level": world.town_a.pk}).status_code == 404


def test_the_export_reads_back_in_two_readers_with_text_kept_as_text(client, world, cycle):
    client.force_login(world.county_admin)
    response = client.get(reverse("cycles:survey_export", args=[cycle.pk]), {"level": world.county.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data))
    counts, organizations = calamine.sheet_names
    rows = calamine.get_sheet_by_name(organizations).to_python()
    header, body = rows[0], {row[0]: row for row in rows[1:]}
    assert set(body) == {world.town_a.name, world.branch_a1.name, world.branch_a2.name, world.town_b.name,
                         world.branch_b1.name, world.branch_b2.name}
    a1 = dict(zip(header, body[world.branch_a1.name], strict=True))
    assert a1["组织设置是否合理"] == "是" and a1["领导班子是否健全"] == "基本"
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[organizations]
    texts = {cell.value: cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value in TRICKY}
    assert texts == {text: "s" for text in TRICKY}  # strings, not formulas
    calamine_texts = {value for row in rows for value in row if value in TRICKY}
    assert calamine_texts == set(TRICKY)
    summary = [row for row in book[counts].iter_rows(values_only=True)]
    setup_at = next(i for i, row in enumerate(summary) if row[0] == "组织设置是否合理")
    village = next(row for row in summary[setup_at:] if row[0] == "农村")
    assert village[1:6] == (1, 0, 1, 2, 4)
    filtered = client.get(reverse("cycles:survey_export", args=[cycle.pk]),
                          {"level": world.county.pk, "question": "setup", "rating": "no"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(filtered.streaming_content))).get_sheet_by_name(
        organizations).to_python()
    assert [row[0] for row in rows[1:]] == [world.branch_a2.name]  # the page's filter is the file's
