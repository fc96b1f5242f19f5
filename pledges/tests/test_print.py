"""附件7 and 附件8: the 承诺书 as A4 print pages with the seed's copy notes and signature lines, and one PDF of
every member's letter for a branch through the task queue."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from members.tests.factories import make_member
from pledges.models import PledgeJob
from pledges.tests.factories import make_pledge, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.cycle = open_cycle(world)
    world.own = make_pledge(world.secretary_a1, world.cycle, world.branch_a1, items=2)
    world.letters = [make_pledge(world.secretary_a1, world.cycle, world.branch_a1,
                                 make_member(world.secretary_a1, world.branch_a1, name=name)) for name in ("毛甲", "毛乙", "毛丙")]
    return world


def test_the_members_letter_is_attachment_8_with_its_copy_note_and_signature(client, world):
    client.force_login(world.reviewer_a)
    page = client.get(reverse("pledges:print", args=[world.letters[0].pk])).content.decode()
    assert "附件8" in page and "全区“三分类三升级”活动党员公开承诺书" in page
    assert "一式三份，本人留存一份，党组织存档一份，公示一份" in page and "本人签名" in page and "毛甲" in page
    page = client.get(reverse("pledges:print", args=[world.own.pk])).content.decode()
    assert "附件7" in page and "基层党组织公开承诺书" in page and "书记签名" in page
    assert "上级党组织留存一份，本级党组织留存两份" in page and "为群众办实事2件" in page
    client.force_login(world.admin_b)
    assert client.get(reverse("pledges:print", args=[world.own.pk])).status_code == 404


def test_one_pdf_of_every_members_letter_through_the_queue(client, world):
    client.force_login(world.secretary_a1)
    response = client.post(reverse("pledges:letters_pdf", args=[world.cycle.pk, world.branch_a1.pk]))
    job = PledgeJob.objects.get()
    assert response["Location"] == reverse("pledges:job", args=[job.pk])
    assert job.queue == "pdf" and job.state == "done" and job.result["letters"] == 3
    pdf = b"".join(client.get(reverse("pledges:job_download", args=[job.pk])).streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    text = "".join(page.extract_text() for page in reader.pages)
    assert "毛乙" in text and "党员公开承诺书" in text
    client.force_login(world.admin_b)
    assert client.get(reverse("pledges:job", args=[job.pk])).status_code == 404
