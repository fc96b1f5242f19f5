"""A measure's edit form carries the version it was read at: a stale one does not revert another person's save."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from orgs.choices import Role
from orgs.testing import make_user
from rectification.models import Measure
from rectification.tests.factories import filed_plan, make_cycle

pytestmark = pytest.mark.django_db


def measure_form(page: str, measure: Measure) -> dict:
    """The fields of the measure's edit form as the plan page shows them."""
    form = page.split(reverse("rectification:measure_edit", args=[measure.pk]))[1].split("</form>")[0]
    values = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))
    values["text"] = re.search(r'name="text"[^>]*>([^<]*)</textarea>', form).group(1)
    values["kind"] = re.search(r'name="kind">.*?<option value="(\w+)" selected', form, re.S).group(1)
    return values


def test_a_stale_measure_form_does_not_revert_a_newer_save(world):
    plan = filed_plan(world, make_cycle(world))
    measure = Measure.objects.filter(problem__plan=plan).order_by("pk").first()
    page_url = reverse("rectification:plan", args=(plan.cycle_id, plan.organization_id))
    first, second = Client(), Client()
    first.force_login(world.secretary_a1)
    second.force_login(make_user("deputy_a1", roles=[(world.branch_a1, Role.SECRETARY)]))
    mine = measure_form(first.get(page_url).content.decode(), measure)
    theirs = measure_form(second.get(page_url).content.decode(), measure)
    edit = reverse("rectification:measure_edit", args=[measure.pk])
    assert first.post(edit, mine | {"responsible_person": "王五"}).status_code == 302
    response = second.post(edit, theirs | {"deadline": "2026-09-30"}, follow=True)
    body = response.content.decode()
    assert "在您打开本页之后保存了" in body and "您填写的是 唐辉；他人已保存为 王五" in body
    measure.refresh_from_db()
    assert measure.responsible_person == "王五" and str(measure.deadline) == "2026-10-31"


def targets_form(client, url: str) -> dict:
    """The targets form's values as the plan page shows them, its version among them."""
    form = client.get(url).context["target_form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_a_stale_targets_form_does_not_revert_a_newer_save(world):
    plan = filed_plan(world, make_cycle(world))
    page_url = reverse("rectification:plan", args=(plan.cycle_id, plan.organization_id))
    first, second = Client(), Client()
    first.force_login(world.secretary_a1)
    second.force_login(make_user("deputy_a1", roles=[(world.branch_a1, Role.SECRETARY)]))
    mine, theirs = targets_form(first, page_url), targets_form(second, page_url)
    url = reverse("rectification:targets", args=[plan.pk])
    assert first.post(url, mine | {"target_stars": "3"}).status_code == 302
    response = second.post(url, theirs | {"target_stars": "4"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "在您打开本页之后保存了" in body and "您填写的是 4；他人已保存为 3" in body
    plan.refresh_from_db()
    assert plan.target_stars == 3
    again = targets_form_of(response)
    assert again["version"] != theirs["version"]
    assert second.post(url, again).status_code == 302  # saved knowingly: the person's own value
    plan.refresh_from_db()
    assert plan.target_stars == 4


def targets_form_of(response) -> dict:
    form = response.context["target_form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}
