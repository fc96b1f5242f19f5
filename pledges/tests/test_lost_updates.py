"""A pledge's evaluation form carries the version it was read at: a stale one does not revert another person's
save (core.versions)."""

import pytest
from django.test import Client
from django.urls import reverse

from members.tests.factories import make_member
from orgs.choices import Role
from orgs.testing import make_user
from pledges import services
from pledges.models import Pledge
from pledges.tests.factories import make_pledge, open_cycle

pytestmark = pytest.mark.django_db


def evaluation(response) -> dict:
    """The evaluation form's values as the pledge's page shows them, its version among them."""
    form = response.context["evaluate_form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None} | {
        "action": "evaluate"}


def test_a_stale_evaluation_does_not_revert_a_newer_save(world):
    cycle = open_cycle(world)
    member = make_member(world.secretary_a1, world.branch_a1, name="毛小红", phone="13912345678")
    pledge = make_pledge(world.secretary_a1, cycle, world.branch_a1, member)
    services.pledge_submit(actor=world.secretary_a1, pledge=pledge)
    services.pledge_approve(actor=world.secretary_a1, pledge=pledge)
    url = reverse("pledges:detail", args=[pledge.pk])
    first, second = Client(), Client()
    first.force_login(world.secretary_a1)
    second.force_login(make_user("deputy_a1", roles=[(world.branch_a1, Role.SECRETARY)]))
    mine, theirs = evaluation(first.get(url)), evaluation(second.get(url))
    assert first.post(url, mine | {"result": "good", "self_evaluation": "全部完成"}).status_code == 302
    response = second.post(url, theirs | {"result": "good", "self_evaluation": "基本完成"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "在您打开本页之后保存了" in body and "您填写的是 基本完成；他人已保存为 全部完成" in body
    pledge = Pledge.objects.get(pk=pledge.pk)
    assert pledge.self_evaluation == "全部完成"
    again = evaluation(response)
    assert again["version"] != theirs["version"]  # the refused form now carries the newer save's version
    assert second.post(url, again).status_code == 302  # saved knowingly: the person's own values
    assert Pledge.objects.get(pk=pledge.pk).self_evaluation == "基本完成"
