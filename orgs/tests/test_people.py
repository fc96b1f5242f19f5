"""People and roles in bulk: a people list read from real files (xlsx with titles and merged cells, xls,
GB18030 CSV), the preview's problems by row and column, the commit in one transaction, the initial
password slips (only hashes kept), the first login's password change, and who has never logged in."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from orgs import services
from orgs.choices import Role
from orgs.importing.people import people_import_commit, people_import_plan, people_read
from orgs.importing.writing import ImportRefused
from orgs.models import InitialPassword, PeopleJob, RoleAssignment
from orgs.testing import make_org
from orgs.tests.test_importing import csv_bytes, xls_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
User = get_user_model()

HEADER = ["姓名", "账号", "角色", "组织代码", "所在党组织"]


def good_rows(world):
    return [HEADER, ["廖仁旺", "liaorenwang", "党支部书记", world.branch_a1.code, "甲一村党支部"],
            ["李春花", "lichunhua", "书记", world.branch_a2.code, ""],
            ["李春花", "lichunhua", "党员", world.branch_a1.code, ""],
            ["", "reviewer_a", "审核人", world.branch_a1.code, ""]]


def bad_rows(world):
    return [HEADER, ["王五", "wang wu", "书记", world.branch_a1.code, ""],
            ["赵六", "zhaoliu", "村长", world.branch_a1.code, ""],
            ["钱七", "qianqi", "书记", world.branch_b1.code, ""],
            ["孙八", "sunba", "书记", "NOPE", ""],
            ["孙九", "sunba", "党员", world.branch_a2.code, ""],
            ["周十", "admin_a", "党员", world.branch_a2.code, ""]]


def plan_of(level, filename, content):
    return people_import_plan(level=level, reading=people_read(filename, content))


def test_a_gb18030_csv_is_previewed_with_who_is_created_and_which_roles(world):
    plan = plan_of(world.town_a, "人员.csv", csv_bytes(good_rows(world), "gb18030"))
    assert not plan.problems
    assert sorted(plan.creates) == ["liaorenwang", "lichunhua"]
    assert [(r["code"], r["role"]) for r in plan.creates["lichunhua"]["roles"]] == [
        (world.branch_a2.code, Role.SECRETARY), (world.branch_a1.code, Role.MEMBER)]
    assert [(g["login"], g["role"]) for g in plan.grants] == [("reviewer_a", Role.REVIEWER)]
    assert not User.objects.filter(username="liaorenwang").exists()  # a preview writes nothing


def test_problems_by_row_and_column_in_chinese_and_nothing_written(world):
    User.objects.filter(pk=world.admin_a.pk).update(first_name="王晓燕")
    content = xlsx_bytes(bad_rows(world), title="甲镇人员名册", width=5)
    plan = plan_of(world.town_a, "人员.xlsx", content)
    found = {(p.row, p.column): p.message for p in plan.problems}
    assert "wang wu" in found[(4, "B")]
    assert "村长" in found[(5, "C")]
    assert world.town_a.name in found[(6, "D")]  # outside the level
    assert "NOPE" in found[(7, "D")]
    assert "sunba" in found[(8, "A")] and "7" in found[(8, "A")]  # one login, two names
    assert (9, "B") in found  # an existing login of another name
    assert plan.unmapped == ["村长"]
    before = (User.objects.count(), RoleAssignment.objects.count())
    with pytest.raises(ImportRefused):
        people_import_commit(actor=world.admin_a, level=world.town_a, filename="人员.xlsx", content=content)
    assert (User.objects.count(), RoleAssignment.objects.count()) == before


def test_the_commit_creates_logins_without_a_password_gives_roles_and_audits(world):
    content = xls_bytes(good_rows(world))
    counts = people_import_commit(actor=world.admin_a, level=world.town_a, filename="人员.xls", content=content)
    assert counts["created"] == 2 and counts["roles"] == 4
    person = User.objects.get(username="lichunhua")
    assert person.first_name == "李春花" and not person.has_usable_password()
    assert set(person.roles.values_list("organization__code", "role")) == {
        (world.branch_a2.code, Role.SECRETARY), (world.branch_a1.code, Role.MEMBER)}
    assert RoleAssignment.objects.filter(user=world.reviewer_a, organization=world.branch_a1,
                                         role=Role.REVIEWER).exists()
    assert InitialPassword.objects.filter(user=person, issued_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="user.create", object_id=str(person.pk), actor=world.admin_a).exists()
    assert AuditEvent.objects.filter(action="role.assign", organization=world.branch_a2).count() == 1
    again = plan_of(world.town_a, "人员.xls", content)  # the same file again changes nothing
    assert not again.creates and not again.grants and again.held == 4


def test_slips_show_passwords_once_keep_only_hashes_and_the_first_login_asks_for_a_new_one(world, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # as in production
    people_import_commit(actor=world.admin_a, level=world.town_a, filename="人员.csv",
                         content=csv_bytes(good_rows(world)))
    new = list(User.objects.filter(username__in=["liaorenwang", "lichunhua"]))
    issued = dict((user.username, password) for user, password in
                  services.initial_passwords_issue(actor=world.admin_a, level=world.town_a, users=new))
    assert all(re.fullmatch(r"[a-km-z2-9]{12}", password) for password in issued.values())
    stored = User.objects.get(username="liaorenwang").password
    assert issued["liaorenwang"] not in stored and identify_hasher(stored).algorithm == "pbkdf2_sha256"
    assert not any(issued["liaorenwang"] in str(event.after) for event in AuditEvent.objects.all())

    assert client.post("/login/", {"username": "liaorenwang", "password": issued["liaorenwang"]}).status_code == 302
    assert client.get("/").url == "/password/"  # every page asks for a password of one's own first
    assert client.get(f"/orgs/{world.branch_a1.pk}/").url == "/password/"
    assert client.get("/api/orgs/").status_code == 403
    assert "pbkdf2_sha256$1000000$" in User.objects.get(username="liaorenwang").password  # rehashed at full strength
    response = client.post("/password/", {"old_password": issued["liaorenwang"], "new_password1": "Sicun-2026-branch",
                                          "new_password2": "Sicun-2026-branch"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get(f"/orgs/{world.branch_a1.pk}/").status_code == 200
    assert InitialPassword.objects.get(user__username="liaorenwang").changed_at is not None
    assert AuditEvent.objects.filter(action="user.password_change", actor__username="liaorenwang").exists()
    client.logout()
    assert client.post("/login/", {"username": "liaorenwang", "password": issued["liaorenwang"]}).status_code == 200


def test_no_slip_for_someone_who_logged_in_or_holds_roles_beyond_the_actor(world):
    with pytest.raises(PermissionDenied) as refused:
        services.initial_passwords_issue(actor=world.admin_a, level=world.town_a, users=[world.county_admin])
    assert "county_admin" in str(refused.value)
    outsider = User.objects.create_user("both", first_name="两边")
    services.role_assignment_create(actor=world.county_admin, user=outsider, organization=world.branch_a1,
                                    role=Role.SECRETARY)
    services.role_assignment_create(actor=world.county_admin, user=outsider, organization=world.branch_b1,
                                    role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.initial_passwords_issue(actor=world.admin_a, level=world.town_a, users=[outsider])
    assert services.initial_passwords_issue(actor=world.county_admin, level=world.county, users=[outsider])


def upload(client, level, content, name):
    return client.post(f"/orgs/{level.pk}/people/import/", {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_pages_import_print_slips_once_and_list_who_never_logged_in(world, client, media):
    client.force_login(world.admin_a)
    response = upload(client, world.town_a, csv_bytes(bad_rows(world), "gb18030"), "人员.csv")
    job = PeopleJob.objects.get()
    assert response.url == f"/orgs/people-jobs/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert "村长" in page and "disabled" in page
    response = upload(client, world.town_a, csv_bytes(good_rows(world), "gb18030"), "人员.csv")
    job = PeopleJob.objects.latest("pk")
    page = client.get(response.url).content.decode()
    assert "liaorenwang" in page and "李春花" in page and "党支部书记" in page
    assert client.post(f"/orgs/people-jobs/{job.pk}/confirm/").status_code == 302
    page = client.get(f"/orgs/people-jobs/{job.pk}/").content.decode()
    assert f"/orgs/people-jobs/{job.pk}/slips/" in page
    response = client.post(f"/orgs/people-jobs/{job.pk}/slips/")
    slips = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert slips.count('class="slip"') == 2 and "liaorenwang" in slips
    password = re.search(r'class="password">([a-z0-9 ]+)<', slips)[1]
    assert len(password.replace(" ", "")) == 12
    again = client.post(f"/orgs/people-jobs/{job.pk}/slips/")  # shown once: no second sheet
    assert again.status_code == 302
    listing = client.get(f"/orgs/{world.town_a.pk}/people/").content.decode()
    assert "liaorenwang" in listing and "lichunhua" in listing and "secretary_a1" in listing
    person = User.objects.get(username="lichunhua")
    response = client.post(f"/orgs/{world.town_a.pk}/people/", {"people": [person.pk]})
    assert response.status_code == 200 and response.content.decode().count('class="slip"') == 1


def test_people_pages_are_for_administrators_of_the_level_and_404_outside(world, client, media):
    for user, status in ((world.admin_b, 404), (world.reviewer_a, 403), (world.admin_a, 200)):
        client.force_login(user)
        assert client.get(f"/orgs/{world.town_a.pk}/people/import/").status_code == status
        assert client.get(f"/orgs/{world.town_a.pk}/people/").status_code == status
    client.force_login(world.admin_a)
    upload(client, world.town_a, csv_bytes(good_rows(world)), "人员.csv")
    job = PeopleJob.objects.get()
    client.force_login(world.admin_b)
    for url in (f"/orgs/people-jobs/{job.pk}/", f"/orgs/people-jobs/{job.pk}/progress/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/orgs/people-jobs/{job.pk}/confirm/").status_code == 404
    assert client.post(f"/orgs/people-jobs/{job.pk}/slips/").status_code == 404
    client.force_login(world.county_admin)  # administers the level, but did not upload the file
    assert client.post(f"/orgs/people-jobs/{job.pk}/confirm/").status_code == 403
    assert not User.objects.filter(username="liaorenwang").exists()


def test_role_words_as_departments_write_them(world):
    town = make_org(world.county, name="丙镇党委")
    plan = plan_of(world.county, "人员.csv", csv_bytes([HEADER, ["张三", "zhangsan", "组织部管理员", town.code, ""]]))
    assert [g["role"] for g in plan.creates["zhangsan"]["roles"]] == [Role.ADMIN]
