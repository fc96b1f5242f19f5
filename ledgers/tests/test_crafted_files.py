"""Crafted files sent as an attacker would, to the site as production runs it — gunicorn for the web, a
``db_worker`` for the jobs: each is refused with a message in Chinese that says what to do, the web process
stays under 300 MB, the worker under its own bound, and each job ends within seconds. Nothing is written."""

import http.client
import secrets
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from core.testing import WebServer, peak_memory, wait_for_job
from cycles import services as cycle_services
from ledgers.models import LedgerJob
from orgs.models import OrganizationFacts
from orgs.testing import build_world
from rectification.models import Plan
from standards.models import StandardImport
from standards.tests.factories import make_standard

MB = 1024**2
WEB_PEAK = 300 * MB
WORKER_PEAK = 500 * MB  # the db_worker itself; each file's reader has a process of its own, under its own limits
JOB_SECONDS = 60

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                 'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
                 'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                 '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_START = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_END = b"</sheetData></worksheet>"


def crafted_xlsx(path: Path, sheet_parts) -> Path:
    """An .xlsx of one sheet whose XML is ``sheet_parts`` (bytes, streamed), as a crafted file is made by hand."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)):
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part)
    return path


def rows_bomb(path: Path) -> Path:
    """1.6 million rows and no <dimension>: a few MB that calamine would build whole."""
    def parts():
        yield SHEET_START
        for start in range(1, 1_600_001, 100_000):
            yield "".join(f'<row r="{row}"><c r="A{row}"><v>1</v></c></row>' for row in range(start, start + 100_000)).encode()
        yield SHEET_END
    return crafted_xlsx(path, parts())


def far_cell(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active["XFD1048576"] = "x"
    book.save(path)
    return path


def billion_laughs(path: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">' for level in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
             '</sheetData></worksheet>').encode()
    return crafted_xlsx(path, [sheet])


def zip_bomb(path: Path) -> Path:
    """A sheet of 1.1 GB of spaces, a few MB packed."""
    spaces = b" " * (16 * MB)
    return crafted_xlsx(path, [SHEET_START, *(spaces for _chunk in range(70)), SHEET_END])


def web_page(path: Path) -> Path:
    path.write_bytes("<html><head><meta charset='utf-8'></head><body><table><tr><td>党组织名称</td></tr>"
                     "</table></body></html>".encode())
    return path


def many_sheets(path: Path) -> Path:
    book = xlsxwriter.Workbook(path)
    for number in range(200):
        book.add_worksheet(f"表{number}").write(0, 0, "党组织名称")
    book.close()
    return path


def long_cell(path: Path) -> Path:
    path.write_text("党组织名称,基本情况\n四村党支部," + "很" * MB + "\n", encoding="utf-8")
    return path


def big_csv(path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as file:
        line = "四村党支部,张三,支部共有党员20人，其中女党员3人。\n" * 1000
        while file.tell() < 100 * MB:
            file.write(line)
    return path


class Site:
    """The test's user, signed in to the web server with a session of the test database."""

    def __init__(self, server: WebServer, client, user):
        client.force_login(user)
        self.server, self.token = server, secrets.token_hex(16)
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={self.token}"

    def post(self, path: str, data: dict) -> tuple[int, dict, str]:
        boundary = secrets.token_hex(16)
        body = encode_multipart(boundary, data)
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        connection.request("POST", path, body, {"Cookie": self.cookie, "X-CSRFToken": self.token,
                                                "Content-Type": f"multipart/form-data; boundary={boundary}",
                                                "Accept-Language": "zh-CN,zh;q=0.9"})
        response = connection.getresponse()
        answer = (response.status, dict(response.getheaders()), response.read().decode())
        connection.close()
        return answer


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    world.cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="年度分类定级",
                                            steps=["self_assessment", "superior_decision", "approval"])
    world.standard = make_standard(world.county_admin, world.county)
    return world


@pytest.fixture
def web(tmp_path):
    server = WebServer(data_dir=tmp_path).start()
    yield server
    server.stop()


FILES = [  # the file, the name it is sent under, words its refusal says
    (rows_bomb, "台账.xlsx", "1,600,000 行"),
    (far_cell, "台账.xlsx", "XFD1048576"),
    (billion_laughs, "台账.xlsx", "损坏"),
    (zip_bomb, "台账.xlsx", "解压"),
    (web_page, "台账.xls", "网页"),
    (many_sheets, "台账.xlsx", "200 张工作表"),
    (long_cell, "台账.csv", "第 2 行"),
]


def test_crafted_files_are_refused_in_words_and_bound_every_process(task_worker, web, world, client, tmp_path):
    worker = task_worker.start()
    site = Site(web, client, world.admin_a)
    url = f"/ledgers/{world.cycle.pk}/{world.town_a.pk}/import/"
    for make, name, words in FILES:
        path = make(tmp_path / f"{make.__name__}-{name}")
        assert path.stat().st_size < 20 * MB, make.__name__  # within the upload's limit: the reader refuses it
        started = time.monotonic()
        with open(path, "rb") as file:
            status, headers, _page = site.post(url, {"level": world.town_a.pk, "file": file})
        assert status == 302, (make.__name__, status)
        job = wait_for_job(LedgerJob.objects.get(pk=int(headers["Location"].rstrip("/").rsplit("/", 1)[-1])),
                           timeout=JOB_SECONDS)
        assert time.monotonic() - started < JOB_SECONDS
        messages = " ".join(problem["message"] for problem in job.problems)
        assert job.blocking_problems and words in messages, (make.__name__, messages)
        assert len(job.problems) == 1 and "请" in messages  # one problem, saying what to do
    assert not Plan.objects.exists() and not OrganizationFacts.objects.exists()

    # A far cell sent to a standard's import is refused the same way, and the standard is unchanged.
    site = Site(web, client, world.county_admin)
    with open(far_cell(tmp_path / "标准.xlsx"), "rb") as file:
        status, headers, _page = site.post(f"/standards/{world.standard.pk}/import/", {"file": file, "reason": "x"})
    assert status == 302, status
    job = wait_for_job(StandardImport.objects.get(), timeout=JOB_SECONDS)
    assert job.state == "failed" and "XFD1048576" in job.problems[0]["message"]

    # A file over the upload's limit is refused by its size alone, on the form, naming the field: never read.
    site = Site(web, client, world.admin_a)
    with open(big_csv(tmp_path / "台账.csv"), "rb") as file:
        status, _headers, page = site.post(url, {"level": world.town_a.pk, "file": file})
    assert status == 200 and "台账文件：文件 台账.csv 为 100.0 MB，超过了允许的 20 MB" in page
    assert LedgerJob.objects.count() == len(FILES)

    assert web.peak_memory() < WEB_PEAK, web.peak_memory() / MB
    assert peak_memory(worker.process.pid) < WORKER_PEAK, peak_memory(worker.process.pid) / MB


@pytest.mark.django_db
def test_uploads_per_person_and_hour_are_limited(client, settings, tmp_path):
    settings.MEDIA_ROOT, settings.UPLOADS_PER_HOUR = tmp_path, 2
    world = build_world()
    cycle = cycle_services.cycle_open(actor=world.county_admin, owner=world.county, year=2026, name="年度分类定级",
                                      steps=["self_assessment", "superior_decision", "approval"])
    url = f"/ledgers/{cycle.pk}/{world.town_a.pk}/import/"

    def upload():
        return client.post(url, {"level": world.town_a.pk, "file": SimpleUploadedFile("台账.csv", b"a,b\n")})

    client.force_login(world.admin_a)
    assert [upload().status_code for _try in range(2)] == [302, 302]
    refused = upload()
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "您在过去一小时内已上传 2 个文件" in refused.content.decode()
    assert LedgerJob.objects.count() == 2  # the refused file was not kept
    client.force_login(world.admin_b)  # another person's uploads are counted apart
    assert client.post(f"/ledgers/{cycle.pk}/{world.town_b.pk}/import/",
                       {"level": world.town_b.pk, "file": SimpleUploadedFile("台账.csv", b"a,b\n")}).status_code == 302
