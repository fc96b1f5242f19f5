"""The imports and the export through the JSON API, with the pages' files and rules: upload, read the
preview's problems by row and column, commit, download; only administrators of the level, 404 outside."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from orgs.models import Organization
from orgs.tests.test_importing import HEADER as TREE_HEADER
from orgs.tests.test_importing import csv_bytes, xls_bytes, xlsx_bytes
from orgs.tests.test_people import bad_rows, good_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world


def post_file(client, url, name, content):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_people_import_through_the_api(world, client):
    client.force_login(world.admin_a)
    url = f"/api/orgs/{world.town_a.pk}/people-imports"
    response = post_file(client, url, "人员.xls", xls_bytes(bad_rows(world)))
    assert response.status_code == 201
    job = response.json()
    assert job["state"] == "done" and job["stage"] == "preview"
    problem = next(p for p in job["problems"] if p["column"] == "C")
    assert problem["row"] == 4 and problem["header"] == "角色" and "村长" in problem["message"]
    assert client.post(f"/api/orgs/people-jobs/{job['id']}/commit").status_code == 400

    job = post_file(client, url, "人员.csv", csv_bytes(good_rows(world), "gb18030")).json()
    assert job["problems"] == [] and job["result"]["counts"]["created"] == 2
    done = client.post(f"/api/orgs/people-jobs/{job['id']}/commit").json()
    assert done["state"] == "done" and done["result"]["counts"]["roles"] == 4
    assert get_user_model().objects.get(username="lichunhua").roles.count() == 2
    assert client.get(f"/api/orgs/people-jobs/{job['id']}").json()["stage"] == "commit"


def test_uploads_only_by_administrators_of_the_level(world, client):
    for user, status in ((world.admin_b, 404), (world.reviewer_a, 403), (world.norole, 404)):
        client.force_login(user)
        for kind in ("people-imports", "tree-imports"):
            response = post_file(client, f"/api/orgs/{world.town_a.pk}/{kind}", "a.csv", b"x")
            assert response.status_code == status, (user, kind, response.content)
    client.force_login(world.admin_a)
    response = post_file(client, f"/api/orgs/{world.town_a.pk}/people-imports", "人员.pdf", b"x")
    assert response.status_code == 400 and "人员名单" in response.json()["errors"][0]["message"]


def test_tree_import_and_export_through_the_api(world, client):
    client.force_login(world.admin_a)
    rows = [TREE_HEADER, ["A-N1", "甲三村党支部", "党支部", "村", world.town_a.code, "赵六"]]
    job = post_file(client, f"/api/orgs/{world.town_a.pk}/tree-imports", "名册.xlsx",
                    xlsx_bytes(rows, title="甲镇基层党组织名册")).json()
    assert job["problems"] == [] and job["result"]["counts"]["created"] == 1
    assert client.post(f"/api/orgs/tree-jobs/{job['id']}/commit", {}, content_type="application/json").json()[
        "state"] == "done"
    assert Organization.objects.get(code="A-N1").parent == world.town_a
    export = client.post(f"/api/orgs/{world.town_a.pk}/tree-exports", {}, content_type="application/json").json()
    content = b"".join(client.get(f"/api/orgs/tree-jobs/{export['id']}/file").streaming_content)
    calamine_rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert "A-N1" in [row[0] for row in calamine_rows]
    assert "甲三村党支部" in [row[1].value for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]
    client.force_login(world.admin_b)
    assert client.get(f"/api/orgs/tree-jobs/{export['id']}/file").status_code == 404


def test_the_openapi_schema_lists_the_imports(world, client):
    client.force_login(world.admin_a)
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/orgs/{level_id}/tree-imports", "/api/orgs/{level_id}/people-imports",
                 "/api/orgs/tree-jobs/{job_id}/commit", "/api/orgs/people-jobs/{job_id}/commit",
                 "/api/orgs/{level_id}/tree-exports", "/api/orgs/tree-jobs/{job_id}/file"):
        assert path in paths, path
