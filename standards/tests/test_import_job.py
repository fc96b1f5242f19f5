"""A standard's import from Excel as a job: the page uploads the file, a worker reads it into the
standard, the job's page follows it to the result; a file with mistakes lists them and changes nothing.
One test runs it through a real worker process (``manage.py db_worker``)."""

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.browser_testing import zh
from core.testing import wait_for_job
from orgs.testing import build_world
from standards import selectors
from standards.models import StandardImport
from standards.tests.factories import SMALL, make_standard
from standards.tests.test_excel import write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def changed() -> bytes:
    indicator = SMALL.indicators[0]
    item = dataclasses.replace(indicator.items[0], text="书记每年参加培训不少于一次")
    indicators = (dataclasses.replace(indicator, items=(item, *indicator.items[1:])), *SMALL.indicators[1:])
    return write(dataclasses.replace(SMALL, indicators=indicators))


def upload(client, standard, content: bytes, name="标准.xlsx"):
    return client.post(reverse("standards:import", args=[standard.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type=XLSX), "reason": "培训要求写清楚"})


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # where task_worker's worker reads them too
    world = build_world()
    world.standard = make_standard(world.county_admin, world.county)
    return world


def texts(standard) -> list[str]:
    return [item.text for indicator in selectors.standard_structure(standard=standard).indicators
            for item in indicator.items]


def test_an_edited_file_is_read_into_the_standard_by_its_job(client, world):
    client.force_login(world.county_admin)
    response = upload(client, world.standard, changed())
    job = StandardImport.objects.get()
    assert response["Location"] == reverse("standards:import_job", args=[job.pk])
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == reverse("standards:detail", args=[world.standard.pk])
    assert "书记每年参加培训不少于一次" in texts(world.standard)
    assert job.state == "done" and job.result == {"standard_id": world.standard.pk, "version": world.standard.version}
    assert zh("The standard was read from the Excel file.") in client.get(response["Location"]).content.decode()


def test_a_file_that_cannot_be_read_lists_why_and_changes_nothing(client, world):
    client.force_login(world.county_admin)
    before = texts(world.standard)
    response = client.get(upload(client, world.standard, b"not a workbook", name="标准.xlsx")["Location"])
    job = StandardImport.objects.get()
    page = response.content.decode()
    assert response.status_code == 200 and job.state == "failed" and job.problems[0]["message"] in page
    assert "评价标准未作任何修改" in page and 'enctype="multipart/form-data"' in page  # the form to try again
    assert texts(world.standard) == before


def test_an_import_is_seen_by_those_who_manage_the_standard(client, world):
    client.force_login(world.county_admin)
    job = StandardImport.objects.get(pk=int(upload(client, world.standard, changed())["Location"].split("/")[-2]))
    url = reverse("standards:import_job", args=[job.pk])
    client.force_login(world.admin_a)  # sees the county's standard; the county is outside the town's subtree
    assert client.get(url).status_code == 404
    assert client.get(reverse("standards:import_progress", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_import_runs_in_a_real_worker(task_worker, world, client):
    task_worker.start()
    client.force_login(world.county_admin)
    upload(client, world.standard, changed())
    job = wait_for_job(StandardImport.objects.get())
    assert job.state == "done" and "书记每年参加培训不少于一次" in texts(world.standard)
