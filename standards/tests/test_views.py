"""Standards and score-sheet pages: access generated per page, and the sheet's running result."""

import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing import Endpoint, access_tests
from core.versions import version_of
from orgs import services as org_services
from standards import services
from standards.models import Item, ScoreSheet
from standards.tests.factories import make_standard


@pytest.fixture
def world(world):
    """The shared World, with a standard issued by the county and a branch secretary on record."""
    world.standard = make_standard(world.county_admin, world.county)
    world.standard_b = services.standard_derive(actor=world.admin_b, source=world.standard, issuer=world.town_b)
    org_services.organization_update(actor=world.admin_a, organization=world.branch_a1, secretary="廖仁旺")
    org_services.organization_update(actor=world.admin_b, organization=world.branch_b1, secretary="唐辉")
    return world


def sheet_url(branch: str, kind: str = "self"):
    return lambda world: reverse("standards:sheet", args=[getattr(world, branch).pk, world.standard.pk, kind])


def standard_url(name: str, attr: str = "standard"):
    return lambda world: reverse(name, args=[getattr(world, attr).pk])


ENDPOINTS = [
    Endpoint("standards:list", lambda world: reverse("standards:list")),
    *(Endpoint(name, standard_url(name), outside_url=standard_url(name, "standard_b"))
      for name in ("standards:detail", "standards:export", "standards:derive")),
    Endpoint("standards:export[secretary]", standard_url("standards:export"), insider="secretary_a1",
             outside_url=standard_url("standards:export", "standard_b")),
    Endpoint("standards:sheet[self]", sheet_url("branch_a1"), insider="secretary_a1", outside_url=sheet_url("branch_b1")),
    Endpoint("standards:sheet[superior]", sheet_url("branch_a1", "superior"), insider="reviewer_a",
             outside_url=sheet_url("branch_b1", "superior")),
]

test_anonymous, test_no_role, test_inside, test_outside, test_inside_without_the_role = access_tests(ENDPOINTS)


@pytest.mark.django_db
def test_secretary_fills_the_sheet_and_sees_the_grade_change(client, world):
    client.force_login(world.secretary_a1)
    url = sheet_url("branch_a1")(world)
    assert client.post(url).status_code == 302
    sheet = ScoreSheet.objects.get(organization=world.branch_a1, assessor_kind="self")
    item = world.standard.indicators.get(position=2).items.get()
    response = client.post(reverse("standards:deduct", args=[sheet.pk, item.pk]), {"occurrences": 3, "reason": "未完成任务"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-total="70.0"' in body and 'data-grade="average"' in body and "未完成任务" in body
    response = client.post(reverse("standards:deduct", args=[sheet.pk, item.pk]), {"occurrences": 1, "reason": ""},
                           HTTP_HX_REQUEST="true")
    assert "2.1" in response.content.decode() and 'data-total="70.0"' in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.total == D(70)
    # 扣完为止: 9 more times is past what is left of the item; it is kept, the item scores 0, and the sheet says so.
    response = client.post(reverse("standards:deduct", args=[sheet.pk, item.pk]), {"occurrences": 9, "reason": "全年未完成"},
                           HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-total="50.0"' in body and "errorlist" not in body and "全年未完成" in body
    assert 'class="exhausted"' in body and "每个项目分值扣完为止" in body


@pytest.mark.django_db
def test_superior_sees_the_self_assessment_beside_its_own(client, world):
    secretary_sheet = services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1,
                                                standard=world.standard, assessor_kind="self")
    item = world.standard.indicators.get(position=1).items.get(code="1.1")
    services.deduction_add(actor=world.secretary_a1, sheet=secretary_sheet, item=item, occurrences=1, reason="x")
    client.force_login(world.reviewer_a)
    url = sheet_url("branch_a1", "superior")(world)
    client.post(url)
    page = client.get(url).content.decode()
    assert re.search(r'class="other-score"[^>]*>25.0<', page)
    sheet = ScoreSheet.objects.get(assessor_kind="superior")
    clause = world.standard.vetoes.get(position=1)
    response = client.post(reverse("standards:veto", args=[sheet.pk, clause.pk]), {"evidence": "信访局通报"},
                           HTTP_HX_REQUEST="true")
    assert 'data-grade="lagging"' in response.content.decode()


@pytest.mark.django_db
def test_secretary_cannot_post_to_the_superior_sheet(client, world):
    sheet = services.score_sheet_open(actor=world.reviewer_a, organization=world.branch_a1, standard=world.standard,
                                      assessor_kind="superior")
    item = world.standard.indicators.get(position=2).items.get()
    client.force_login(world.secretary_a1)
    response = client.post(reverse("standards:deduct", args=[sheet.pk, item.pk]), {"occurrences": 1, "reason": "x"})
    assert response.status_code == 403
    client.force_login(world.admin_b)
    response = client.post(reverse("standards:deduct", args=[sheet.pk, item.pk]), {"occurrences": 1, "reason": "x"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_editing_a_frozen_item_makes_a_new_version(client, world):
    services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=world.standard, assessor_kind="self")
    client.force_login(world.county_admin)
    url = reverse("standards:item_edit", args=[world.standard.pk, "1.2"])
    data = {"text": "班子健全，分工明确", "max_points": "20", "deduction_kind": "fixed", "deduction_points": "10", "guidance": "",
            "version": version_of(Item.objects.get(indicator__standard=world.standard, code="1.2"))}
    response = client.post(url, data)
    assert response.status_code == 302
    new = world.standard.next_versions.get()
    assert response["Location"] == reverse("standards:detail", args=[new.pk])
    page = client.get(response["Location"]).content.decode()
    assert "班子健全，分工明确" in page
    response = client.post(url, data | {"max_points": "25"})
    assert response.status_code == 200 and "100" in str(response.context["form"].errors)


@pytest.mark.django_db
def test_organization_page_shows_the_quota_check_of_its_subordinates(client, world):
    services.score_sheet_open(actor=world.reviewer_a, organization=world.branch_a1, standard=world.standard,
                              assessor_kind="superior")
    client.force_login(world.reviewer_a)
    page = client.get(reverse("orgs:detail", args=[world.town_a.pk]))
    [scoring] = [section for section in page.context["sections"] if section["template"].startswith("standards/")]
    [(used, failures)] = scoring["quotas"]
    assert used == world.standard and [(f.at_most, f.by) for f in failures] == [(True, 1), (False, 1)]


@pytest.mark.django_db
def test_evidence_files_are_downloaded_only_by_those_who_see_the_sheet(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sheet = services.score_sheet_open(actor=world.secretary_a1, organization=world.branch_a1, standard=world.standard,
                                      assessor_kind="self")
    item = world.standard.indicators.get(position=2).items.get()
    client.force_login(world.secretary_a1)
    evidence = SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    client.post(reverse("standards:deduct", args=[sheet.pk, item.pk]), {"occurrences": 1, "reason": "缺会议记录",
                                                                         "evidence": evidence})
    deduction = sheet.deductions.get()
    url = reverse("standards:deduction_evidence", args=[deduction.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
    client.force_login(world.reviewer_a)
    assert client.get(url).status_code == 200
    client.force_login(world.admin_b)
    assert client.get(url).status_code == 404


def test_an_unknown_standard_filter_is_refused_naming_its_field(client, world):
    client.force_login(world.county_admin)
    response = client.get(reverse("standards:list"), {"sector": "moon"})
    assert response.status_code == 400 and "领域：" in response.content.decode()
