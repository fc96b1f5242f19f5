"""No lost updates: an edit form carries the version it was read at, and saving it over another person's newer
save is refused, with both values shown; saving the refused form again keeps the person's own values."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from core.testing import race
from core.versions import EditConflict, version_of
from orgs import jobs, services
from orgs.choices import Role
from orgs.models import Organization, OrganizationFacts, TreeJob
from orgs.testing import make_user, system_user
from orgs.tests.test_importing import HEADER, csv_bytes

pytestmark = pytest.mark.django_db

FACTS = {"members_total": 20, "probationary_members": 1, "female_members": 5, "members_under_35": 2,
         "college_members": 0, "leadership_size": 3, "mobile_members": 4, "venue_status": "built"}


def values(form) -> dict:
    """The form's values as its page shows them, its version among them."""
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def opened(client, url: str) -> dict:
    return values(client.get(url).context["form"])


def two_people(world):
    first, second = Client(), Client()
    first.force_login(world.secretary_a1)
    second.force_login(make_user("deputy_a1", roles=[(world.branch_a1, Role.SECRETARY)]))
    return first, second


def test_a_stale_facts_form_does_not_revert_a_newer_save(world):
    services.facts_save(actor=system_user(), organization=world.branch_a1, year=2026, **FACTS)
    url = reverse("orgs:facts_edit", args=[world.branch_a1.pk, 2026])
    first, second = two_people(world)
    mine, theirs = opened(first, url), opened(second, url)
    assert first.post(url, mine | {"members_total": 80}).status_code == 302
    response = second.post(url, theirs | {"mobile_members": 6})
    assert response.status_code == 200
    body = response.content.decode()
    assert "在您打开本页之后保存了" in body and "您填写的是 20；他人已保存为 80" in body
    facts = OrganizationFacts.objects.get()
    assert (facts.members_total, facts.mobile_members) == (80, 4)
    again = values(response.context["form"])
    assert again["version"] != theirs["version"]  # the refused form now carries the newer save's version
    assert second.post(url, again).status_code == 302  # saved knowingly: the person's own values
    facts.refresh_from_db()
    assert (facts.members_total, facts.mobile_members) == (20, 6)


def test_a_year_recorded_meanwhile_is_not_overwritten(world):
    url = reverse("orgs:facts_new", args=[world.branch_a1.pk])
    first, second = two_people(world)
    mine, theirs = opened(first, url), opened(second, url)
    assert first.post(url, mine | FACTS | {"year": 2026}).status_code == 302
    response = second.post(url, theirs | FACTS | {"year": 2026, "members_total": 21})
    assert response.status_code == 200 and "他人已保存为 20" in response.content.decode()
    assert OrganizationFacts.objects.get().members_total == 20


def test_a_save_that_changes_nothing_the_other_saved_goes_through(world):
    services.facts_save(actor=system_user(), organization=world.branch_a1, year=2026, **FACTS)
    url = reverse("orgs:facts_edit", args=[world.branch_a1.pk, 2026])
    first, second = two_people(world)
    mine, theirs = opened(first, url), opened(second, url)
    assert first.post(url, mine | {"main_features": "班子团结"}).status_code == 302
    assert second.post(url, theirs | {"main_features": "班子团结"}).status_code == 302


def test_a_stale_organization_form_does_not_revert_a_rename(world, client):
    url = reverse("orgs:edit", args=[world.branch_a1.pk])
    first, second = Client(), Client()
    first.force_login(world.admin_a)
    second.force_login(world.county_admin)
    mine, theirs = opened(first, url), opened(second, url)
    assert first.post(url, mine | {"name": "甲一社区党支部"}).status_code == 302
    response = second.post(url, theirs | {"secretary": "李四"})
    assert response.status_code == 200 and "他人已保存为 甲一社区党支部" in response.content.decode()
    organization = Organization.objects.get(pk=world.branch_a1.pk)
    assert (organization.name, organization.secretary) == ("甲一社区党支部", world.branch_a1.secretary)


@pytest.mark.django_db(transaction=True)
def test_two_stale_saves_at_once_one_lands_the_other_is_refused(world):
    services.facts_save(actor=system_user(), organization=world.branch_a1, year=2026, **FACTS)
    version = version_of(OrganizationFacts.objects.get())
    results = race(*[lambda total=total: services.facts_save(
        actor=world.county_admin, organization=world.branch_a1, year=2026, version=version,
        **FACTS | {"members_total": total}) for total in (30, 40)])
    refused = [result for result in results if isinstance(result, EditConflict)]
    assert len(refused) == 1, results
    assert OrganizationFacts.objects.get().members_total in (30, 40)
    assert AuditEvent.objects.filter(action="facts.update").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_import_confirmed_twice_at_once_runs_once(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = [HEADER, ["A-N1", "甲三村党支部", "党支部", "村", world.town_a.code, "赵六"]]
    job = jobs.tree_import_start(actor=world.admin_a, level=world.town_a,
                                 upload=SimpleUploadedFile("名册.csv", csv_bytes(rows)))
    job.refresh_from_db()
    assert job.state == "done" and not job.blocking_problems, job.problems
    results = race(*[lambda: jobs.tree_import_confirm(actor=world.admin_a, job=TreeJob.objects.get(pk=job.pk))] * 2)
    assert sum(isinstance(result, ValidationError) for result in results) == 1, results
    assert Organization.objects.filter(code="A-N1").count() == 1
    assert AuditEvent.objects.filter(action="organization.create", object_repr__contains="甲三村").count() == 1
