"""The organization-list import and export as people use them: pages (import page on each level,
linked from the tree and the home page), the job's preview with every problem by row and column,
确认导入 with the dissolving chosen, the export's file; only administrators of the level, 404 outside."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from core.models import AuditEvent
from orgs.models import Organization, TreeJob
from orgs.tests.test_importing import HEADER, csv_bytes, xls_bytes
from orgs.tests.test_services import assert_counts_consistent


@pytest.fixture
def world(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world


def upload(client, level, content, name):
    return client.post(f"/orgs/{level.pk}/import/", {"file": SimpleUploadedFile(name, content)})


def bad_rows(world):
    return [HEADER, ["A-N1", "甲三村党支部", "党支部", "菜园", world.town_a.code, ""],
            ["A-N2", "甲四村党支部", "党支部", "村", "NOPE", ""],
            ["A-N1", "甲五村党支部", "党支部", "村", world.town_a.code, ""]]


def good_rows(world):
    return [HEADER, ["A-N1", "甲三村党支部", "党支部", "村", world.town_a.code, "赵六"],
            ["A-N2", "甲四村党支部", "党支部", "村", world.town_a.code, ""],
            [world.branch_a1.code, "甲一村党支部（改）", "党支部", "村", "A-N1", ""]]


def test_only_administrators_of_the_level_and_404_outside(world, client):
    client.force_login(world.admin_b)
    assert client.get(f"/orgs/{world.town_a.pk}/import/").status_code == 404
    assert client.post(f"/orgs/{world.town_a.pk}/export/").status_code == 404
    client.force_login(world.reviewer_a)
    assert client.get(f"/orgs/{world.town_a.pk}/import/").status_code == 403
    client.force_login(world.admin_a)
    assert client.get(f"/orgs/{world.town_a.pk}/import/").status_code == 200
    assert client.get(f"/orgs/{world.county.pk}/import/").status_code == 404
    response = upload(client, world.town_a, csv_bytes(good_rows(world), "gb18030"), "名册.csv")
    job = TreeJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orgs/jobs/{job.pk}/"
    client.force_login(world.admin_b)
    for url in (f"/orgs/jobs/{job.pk}/", f"/orgs/jobs/{job.pk}/progress/", f"/orgs/jobs/{job.pk}/download/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/orgs/jobs/{job.pk}/confirm/").status_code == 404
    client.force_login(world.county_admin)  # administers the level, but did not upload the file
    response = client.post(f"/orgs/jobs/{job.pk}/confirm/")
    assert response.status_code == 403 and not Organization.objects.filter(code="A-N1").exists()


def test_links_from_the_tree_the_home_page_and_the_level(world, client):
    client.force_login(world.admin_a)
    url = f"/orgs/{world.town_a.pk}/import/"
    assert url in client.get("/orgs/").content.decode()
    assert url in client.get("/").content.decode()
    assert url in client.get(f"/orgs/{world.town_a.pk}/").content.decode()
    client.force_login(world.reviewer_a)
    assert "/import/" not in client.get("/orgs/").content.decode()
    assert "/import/" not in client.get(f"/orgs/{world.town_a.pk}/").content.decode()


def test_a_gb18030_csv_with_errors_shows_them_by_row_and_column_and_writes_nothing(world, client):
    client.force_login(world.admin_a)
    before = Organization.objects.count(), AuditEvent.objects.count()
    response = upload(client, world.town_a, csv_bytes(bad_rows(world), "gb18030"), "名册.csv")
    page = client.get(response["Location"]).content.decode()
    job = TreeJob.objects.get()
    assert job.state == "done" and job.blocking_problems >= 3
    assert "菜园" in page and "NOPE" in page and "A-N1" in page
    problems = {(p["row"], p["column"]) for p in job.problems}
    assert {(2, "D"), (3, "E"), (4, "A")} <= problems, problems
    assert '<button type="submit" disabled>' in page
    response = client.post(f"/orgs/jobs/{job.pk}/confirm/")
    assert response.status_code == 400
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before


def test_an_xls_previewed_then_imported_in_one_go_with_the_dissolving_chosen(world, client):
    client.force_login(world.admin_a)
    response = upload(client, world.town_a, xls_bytes(good_rows(world)), "名册.xls")
    job = TreeJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    counts = job.result["counts"]
    assert (counts["created"], counts["moved"], counts["renamed"], counts["missing"]) == (2, 1, 1, 1)
    assert "甲三村党支部" in page and "甲一村党支部（改）" in page and world.branch_a2.code in page
    assert not Organization.objects.filter(code="A-N1").exists()  # a preview writes nothing
    # dissolving without a reason is refused; nothing is imported
    response = client.post(f"/orgs/jobs/{job.pk}/confirm/", {"dissolve": [world.branch_a2.code]})
    assert response.status_code == 400 and "reason" in response.context["confirm_form"].errors
    assert not Organization.objects.filter(code="A-N1").exists()
    response = client.post(f"/orgs/jobs/{job.pk}/confirm/", {"dissolve": [world.branch_a2.code], "reason": "合并"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.stage == "commit" and job.state == "done", job.problems
    assert job.result["counts"]["dissolved"] == 1
    a1 = Organization.objects.get(pk=world.branch_a1.pk)
    assert a1.parent.code == "A-N1" and a1.name == "甲一村党支部（改）"
    assert not Organization.objects.get(pk=world.branch_a2.pk).is_active
    for org in Organization.objects.filter(code__in=["A-N1", "A-N2"]):
        assert AuditEvent.objects.filter(action="organization.create", object_id=str(org.pk), actor=world.admin_a).exists()
    assert AuditEvent.objects.filter(action="organization.move", object_id=str(a1.pk)).exists()
    assert AuditEvent.objects.filter(action="organization.dissolve", object_id=str(world.branch_a2.pk)).exists()
    assert_counts_consistent()
    page = client.get(f"/orgs/jobs/{job.pk}/").content.decode()
    assert f"/orgs/{world.town_a.pk}/" in page
    # a second confirm imports nothing again
    assert client.post(f"/orgs/jobs/{job.pk}/confirm/").status_code == 400


def test_the_export_page_writes_the_tree_read_back_by_both_readers(world, client):
    client.force_login(world.admin_a)
    response = client.post(f"/orgs/{world.town_a.pk}/export/")
    job = TreeJob.objects.get()
    assert response["Location"] == f"/orgs/jobs/{job.pk}/" and job.state == "done"
    download = client.get(f"/orgs/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][:2] == ["组织代码", "党组织名称"]
    assert [row[0] for row in rows[2:]] == [world.town_a.code, world.branch_a1.code, world.branch_a2.code]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=4, column=6).value == world.town_a.code  # 上级组织代码 of 甲一村
    # the file imports back as it is: nothing to change
    response = upload(client, world.town_a, content, job.filename)
    again = TreeJob.objects.filter(kind="import").get()
    counts = again.result["counts"]
    assert again.problems == [] and (counts["created"], counts["updated"], counts["moved"], counts["missing"]) == (0, 0, 0, 0)
