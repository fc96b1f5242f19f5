"""People in bulk (导入人员): logins with their roles on organizations of a level, from a spreadsheet.

A row is one role of one person: 姓名, 登录名 (or 账号, 用户名), 角色, 组织代码; a person with several
roles has several rows. The file is read as the organization list is (core.workbooks in a process
of its own; the header under titles and merged cells), planned without writing (who is created,
which roles are granted; every problem by row and column in Chinese), then written in one
transaction by ``people_import_commit``. New logins get no usable password: the department prints
their initial passwords on slips afterwards (``orgs.services.initial_passwords_issue``).
"""

import itertools
import tempfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record_many
from core.workbooks import SUFFIXES, UnreadableWorkbook, column_letter, workbook_read
from orgs import access, services
from orgs.choices import Role
from orgs.importing.columns import squeeze
from orgs.importing.reading import HEADER_SCAN_ROWS, LIMITS, NOTE_PREFIXES, Problem, cell_text, find_header
from orgs.importing.writing import ImportRefused
from orgs.models import InitialPassword, Organization, RoleAssignment

LISTED = 500  # people and roles the preview lists one by one

# key → (the header the template writes, other wordings real files use)
PEOPLE_COLUMNS = {
    "name": ("姓名", ("名字", "人员姓名", "用户姓名", "真实姓名", "姓名（必填）")),
    "login": ("登录名", ("账号", "帐号", "用户名", "登录账号", "登录帐号", "用户账号", "登录用户名", "账户")),
    "role": ("角色", ("用户角色", "权限", "身份", "人员角色", "职责")),
    "code": ("组织代码", ("党组织代码", "组织编码", "党组织编码", "所在组织代码", "单位代码", "代码")),
    "organization": ("党组织名称", ("组织名称", "所在党组织", "所在组织", "所在党支部", "单位名称")),
}
PEOPLE_HEADER_INDEX = {squeeze(wording): key for key, (header, aliases) in PEOPLE_COLUMNS.items()
                       for wording in (header, *aliases)}
# The words of a role as departments write them; the role's own label (组织部管理员, …) is read too.
ROLE_WORDS = {
    "管理员": Role.ADMIN, "组织部": Role.ADMIN, "组织部管理员": Role.ADMIN, "组织员": Role.ADMIN,
    "组织部干部": Role.ADMIN, "系统管理员": Role.ADMIN,
    "审核人": Role.REVIEWER, "审核": Role.REVIEWER, "审核员": Role.REVIEWER, "组织委员": Role.REVIEWER,
    "党委组织委员": Role.REVIEWER, "审核人（单位党委）": Role.REVIEWER,
    "书记": Role.SECRETARY, "支部书记": Role.SECRETARY, "党支部书记": Role.SECRETARY, "党组织书记": Role.SECRETARY,
    "党总支书记": Role.SECRETARY,
    "党员": Role.MEMBER, "普通党员": Role.MEMBER,
    "只读": Role.OBSERVER, "只读查看": Role.OBSERVER, "查看": Role.OBSERVER, "观察员": Role.OBSERVER,
    "督查": Role.OBSERVER, "督查组": Role.OBSERVER,
}
NAME_LIMIT = 150  # Django's first_name


def role_of(word: str) -> str | None:
    """The role a cell names ("书记", "组织部管理员", "secretary"); None when no word fits."""
    text = squeeze(word)
    if text in Role.values:
        return text
    return ROLE_WORDS.get(text) or ROLE_WORDS.get(text.replace("(", "（").replace(")", "）"))


@dataclass
class PeopleRow:
    number: int
    values: dict


@dataclass
class PeopleReading:
    columns: dict[str, int] = field(default_factory=dict)
    header_row: int | None = None
    rows: list[PeopleRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, message, *, row: int | None = None, key: str = "", blocking: bool = True) -> None:
        self.problems.append(Problem(str(message), row=row, header=PEOPLE_COLUMNS[key][0] if key else "",
                                     column=column_letter(self.columns[key]) if key in self.columns else "",
                                     blocking=blocking))


def people_read(filename: str, content: bytes) -> PeopleReading:
    """The rows of a people list; problems (unreadable file, no header, a missing column) in ``problems``."""
    reading = PeopleReading()
    suffix = PurePath(filename or "").suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix if suffix in SUFFIXES else "") as source:
        source.write(content)
        source.flush()
        try:
            workbook = workbook_read(source.name, filename=filename, limits=LIMITS)
        except UnreadableWorkbook as error:
            reading.problem(str(error))
            return reading
    with workbook:
        for sheet in workbook.sheets:
            rows = sheet.rows()
            head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
            header_rows, columns = find_header(head, PEOPLE_HEADER_INDEX)
            if columns:
                break
        else:
            reading.problem(_("No header row was found: the file should have column headers (姓名, 登录名, 角色, "
                              "组织代码) above its rows."))
            return reading
        reading.columns, reading.header_row = columns, header_rows[-1] + 1
        for key in ("login", "role", "code"):
            if key not in columns:
                reading.problem(_("Missing column: %(header)s. Every row needs a login, a role and the code of "
                                  "the organization it is on.") % {"header": PEOPLE_COLUMNS[key][0]},
                                row=reading.header_row)
        if reading.problems:
            return reading
        for number, raw in enumerate(itertools.chain(head[reading.header_row:], rows), start=reading.header_row + 1):
            values = {key: " ".join(cell_text(raw[index]).replace("\u3000", " ").split())
                      for key, index in columns.items() if index < len(raw)}
            values = {key: value for key, value in values.items() if value}
            if not values:
                continue
            first = squeeze(cell_text(next((value for value in raw if squeeze(cell_text(value))), "")))
            if first.startswith(NOTE_PREFIXES):
                break
            reading.rows.append(PeopleRow(number, values))
    if not reading.rows:
        reading.problem(_("The table has no rows under its header: there is nothing to import."),
                        row=reading.header_row)
    return reading


@dataclass
class PeoplePlan:
    reading: PeopleReading
    level: Organization
    problems: list[Problem] = field(default_factory=list)
    creates: dict[str, dict] = field(default_factory=dict)  # login → {row, login, name, roles: [...]}
    grants: list[dict] = field(default_factory=list)  # roles given to logins that exist already
    held: int = 0  # roles the file names that their people hold already
    unmapped: list[str] = field(default_factory=list)  # role words not understood
    organizations: dict[str, int] = field(default_factory=dict)  # code → id

    @property
    def blocking(self) -> int:
        return sum(problem.blocking for problem in self.problems)

    @property
    def counts(self) -> dict:
        return {"rows": len(self.reading.rows), "created": len(self.creates),
                "roles": sum(len(person["roles"]) for person in self.creates.values()) + len(self.grants),
                "granted": len(self.grants), "held": self.held, "problems": len(self.problems),
                "blocking": self.blocking}

    def summary(self) -> dict:
        """The preview as a job keeps it (JSON)."""
        return {"counts": self.counts, "header_row": self.reading.header_row,
                "columns": {key: column_letter(index) for key, index in self.reading.columns.items()},
                "problems": [problem.as_dict() for problem in self.problems], "unmapped": self.unmapped,
                "creates": list(self.creates.values())[:LISTED], "grants": self.grants[:LISTED]}


class _Planner:
    def __init__(self, reading: PeopleReading, level: Organization):
        self.plan = PeoplePlan(reading=reading, level=level, problems=list(reading.problems))
        self.reading = reading

    def problem(self, message, row: PeopleRow, key: str = "", blocking: bool = True) -> None:
        columns = self.reading.columns
        self.plan.problems.append(Problem(str(message), row=row.number, header=PEOPLE_COLUMNS[key][0] if key else "",
                                          column=column_letter(columns[key]) if key in columns else "",
                                          blocking=blocking))

    def run(self) -> PeoplePlan:
        plan = self.plan
        if plan.blocking:
            return plan
        rows = self.reading.rows
        codes = sorted({row.values["code"] for row in rows if "code" in row.values})
        found = {}
        for start in range(0, len(codes), 1000):
            found.update({code: (pk, path, dissolved, name) for code, pk, path, dissolved, name in
                          Organization.objects.filter(code__in=codes[start:start + 1000]).values_list(
                              "code", "id", "path", "dissolved_on", "name")})
        logins = sorted({row.values["login"] for row in rows if "login" in row.values})
        User = get_user_model()
        users = {}
        for start in range(0, len(logins), 1000):
            users.update({user.username: user for user in User.objects.filter(username__in=logins[start:start + 1000])})
        held = set(RoleAssignment.objects.filter(user__in=list(users.values())).values_list(
            "user__username", "organization__code", "role"))
        names: dict[str, tuple[str, int]] = {}  # login → (name, first row) across the file
        seen: dict[tuple[str, str, str], int] = {}
        for row in rows:
            self._row(row, found, users, held, names, seen)
        return plan

    def _row(self, row: PeopleRow, found: dict, users: dict, held: set, names: dict, seen: dict) -> None:
        plan, level, values, ok = self.plan, self.plan.level, row.values, True
        login, name = values.get("login", ""), values.get("name", "")
        if not login:
            self.problem(_("Login: the row has no login; please type the name the person logs in with."), row, "login")
            ok = False
        else:
            try:
                get_user_model().username_validator(login)
                if len(login) > 150:
                    raise ValidationError("long")
            except ValidationError:
                self.problem(_("Login: %(login)s cannot be a login; use at most 150 letters, digits and @ . + - _ "
                               "without spaces.") % {"login": login}, row, "login")
                ok = False
        if len(name) > NAME_LIMIT:
            self.problem(_("Name: at most %(limit)d characters.") % {"limit": NAME_LIMIT}, row, "name")
            ok = False
        role = role_of(values.get("role", "")) if values.get("role") else None
        if not values.get("role"):
            self.problem(_("Role: the row has no role; please type 组织部管理员, 审核人, 党支部书记, 党员 or 只读查看."),
                         row, "role")
            ok = False
        elif role is None:
            if values["role"] not in plan.unmapped:
                plan.unmapped.append(values["role"])
            self.problem(_("Role: %(word)s is not a role (组织部管理员, 审核人, 党支部书记, 党员, 只读查看).")
                         % {"word": values["role"]}, row, "role")
            ok = False
        code = values.get("code", "")
        organization = found.get(code)
        if not code:
            self.problem(_("Organization code: the row has no code; please type the code of the organization the "
                           "role is on."), row, "code")
            ok = False
        elif organization is None:
            self.problem(_("Organization code: no organization has the code %(code)s.") % {"code": code}, row, "code")
            ok = False
        elif not organization[1].startswith(level.path):
            self.problem(_("Organization code: %(code)s is outside %(level)s; an import gives roles only on its "
                           "level's organizations.") % {"code": code, "level": level.name}, row, "code")
            ok = False
        elif organization[2] is not None:
            self.problem(_("Organization code: %(code)s is a dissolved organization (%(name)s).")
                         % {"code": code, "name": organization[3]}, row, "code")
            ok = False
        elif values.get("organization") and squeeze(values["organization"]) != squeeze(organization[3]):
            self.problem(_("Organization name: the code %(code)s is %(name)s, not %(given)s; the role is given on "
                           "%(name)s.") % {"code": code, "name": organization[3], "given": values["organization"]},
                         row, "organization", blocking=False)
        user = users.get(login)
        if login and login in names and name and names[login][0] and name != names[login][0]:
            self.problem(_("Name: the login %(login)s is %(name)s at row %(row)d; one login is one person.")
                         % {"login": login, "name": names[login][0], "row": names[login][1]}, row, "name")
            ok = False
        elif login and name:
            names.setdefault(login, (name, row.number))
        if user is not None:
            if not user.is_active:
                self.problem(_("Login: %(login)s is a login that was switched off; it cannot be given roles.")
                             % {"login": login}, row, "login")
                ok = False
            elif name and user.get_full_name().strip() and squeeze(user.get_full_name()) != squeeze(name):
                self.problem(_("Name: the login %(login)s exists already, for someone of another name; please "
                               "choose another login for %(name)s.") % {"login": login, "name": name}, row, "login")
                ok = False
        elif login and not name and login not in names:
            self.problem(_("Name: the row has no name; a new login needs the person's name."), row, "name")
            ok = False
        if not ok:
            return
        key = (login, code, role)
        if key in seen:
            self.problem(_("The same role is given again, also at row %(row)d; it is given once.")
                         % {"row": seen[key]}, row, "role", blocking=False)
            return
        seen[key] = row.number
        plan.organizations[code] = organization[0]
        grant = {"row": row.number, "login": login, "code": code, "organization": organization[3], "role": role,
                 "role_label": str(Role(role).label)}
        if user is None:
            person = plan.creates.setdefault(login, {"row": row.number, "login": login, "name": "", "roles": []})
            person["name"] = person["name"] or name
            person["roles"].append(grant)
        elif key in held:
            plan.held += 1
        else:
            plan.grants.append(grant | {"name": user.get_full_name() or login})


def people_import_plan(*, level: Organization, reading: PeopleReading) -> PeoplePlan:
    """What importing ``reading`` under ``level`` would do, and its problems; nothing is written."""
    return _Planner(reading, level).run()


@transaction.atomic
def people_import_commit(*, actor, level: Organization, filename: str, content: bytes, job=None,
                         progress=lambda done, total: None) -> dict:
    """Create the file's new logins (without a usable password until their slips are printed) and give
    every role: all of it, or nothing (ImportRefused)."""
    level = services.organization_lock(level)
    access.check(actor, level, access.MANAGE)
    plan = people_import_plan(level=level, reading=people_read(filename, content))
    if plan.blocking:
        raise ImportRefused([problem.as_dict() for problem in plan.problems if problem.blocking])
    User = get_user_model()
    now, unusable = timezone.now(), make_password(None)
    created = User.objects.bulk_create([User(username=person["login"], first_name=person["name"], password=unusable,
                                             date_joined=now) for person in plan.creates.values()], batch_size=1000)
    if not all(user.pk for user in created):  # backends that return no ids on bulk insert
        created = list(User.objects.filter(username__in=list(plan.creates)))
    by_login = {user.username: user for user in created}
    InitialPassword.objects.bulk_create([InitialPassword(user=user, job=job, level=level) for user in created],
                                        batch_size=1000)
    for grant in plan.grants:
        by_login.setdefault(grant["login"], User.objects.get(username=grant["login"]))
    grants = [grant for person in plan.creates.values() for grant in person["roles"]] + plan.grants
    assignments = RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=by_login[grant["login"]], organization_id=plan.organizations[grant["code"]],
                        role=grant["role"]) for grant in grants], batch_size=1000)
    organizations = Organization.objects.in_bulk(set(plan.organizations.values()))
    reason = _("Imported from %(file)s") % {"file": filename}
    audit_record_many(actor=actor, action="user.create", reason=reason, changes=[
        (user, level, None, {"username": user.username, "full_name": user.first_name}) for user in created])
    audit_record_many(actor=actor, action="role.assign", reason=reason, changes=[
        (assignment, organizations[assignment.organization_id], None, {"user": grant["login"], "role": grant["role"]})
        for assignment, grant in zip(assignments, grants, strict=True)])
    progress(len(plan.reading.rows), len(plan.reading.rows))
    return plan.counts
