"""A standard item's edit form carries the version it was read at: a stale one does not revert another person's
save (core.versions)."""

import pytest
from django.test import Client
from django.urls import reverse

from orgs.choices import Role
from orgs.testing import make_user
from standards.models import Item
from standards.tests.factories import make_standard

pytestmark = pytest.mark.django_db


def opened(client, url: str) -> dict:
    """The item form's values as its page shows them, its version among them."""
    form = client.get(url).context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_a_stale_item_form_does_not_revert_a_newer_save(world):
    standard = make_standard(world.county_admin, world.county)
    url = reverse("standards:item_edit", args=[standard.pk, "1.2"])
    first, second = Client(), Client()
    first.force_login(world.county_admin)
    second.force_login(make_user("county_admin_2", roles=[(world.county, Role.ADMIN)]))
    mine, theirs = opened(first, url), opened(second, url)
    assert first.post(url, mine | {"text": "班子健全，分工明确"}).status_code == 302
    response = second.post(url, theirs | {"text": "班子成员配备齐全"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "在您打开本页之后保存了" in body and "您填写的是 班子成员配备齐全；他人已保存为 班子健全，分工明确" in body
    assert Item.objects.get(indicator__standard=standard, code="1.2").text == "班子健全，分工明确"
    again = opened_from(response)
    assert again["version"] != theirs["version"]  # the refused form now carries the newer save's version
    assert second.post(url, again).status_code == 302  # saved knowingly: the person's own values
    assert Item.objects.get(indicator__standard=standard, code="1.2").text == "班子成员配备齐全"


def opened_from(response) -> dict:
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}
