"""Which organization a ledger row is about: by its code, else by its name under the group row's
organization, else by its name anywhere under the level; an unknown or ambiguous row is a problem."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cycles.models import Cycle, Grading
from ledgers.reading import Reading, SheetRow, squeeze
from orgs.models import Organization


@dataclass(slots=True)  # made once per organization of the level
class GradedOrganization:
    """An organization graded in the cycle under the level, in plain values."""

    organization_id: int
    grading_id: int
    code: str
    name: str
    short_name: str
    path: str
    sector: str
    children_count: int
    secretary: str
    first_secretary: str
    declared_grade: str
    final_grade: str

    @property
    def pk(self) -> int:  # for orgs.access, which reads an organization's pk and path
        return self.organization_id


UNKNOWN = GradedOrganization(0, 0, "", "", "", "", "", 0, "", "", "", "")  # a row whose organization is not found


def graded_organizations(cycle: Cycle, level: Organization) -> list[GradedOrganization]:
    """The organizations graded in the cycle under the level (itself included), in tree order."""
    rows = Grading.objects.filter(cycle=cycle, organization__path__startswith=level.path,
                                  organization__dissolved_on__isnull=True).values_list(
        "organization_id", "id", "organization__code", "organization__name", "organization__short_name",
        "organization__path", "organization__sector", "organization__children_count", "organization__secretary",
        "organization__first_secretary", "declared_grade", "final_grade").order_by("organization__path")
    return [GradedOrganization(*row) for row in rows.iterator(chunk_size=5000)]


class Matcher:
    """Finds a row's organization among the level's (``match``)."""

    def __init__(self, organizations: list[GradedOrganization], level: Organization):
        self.level = level
        self.by_code = {graded.code: graded for graded in organizations}
        self.by_name: dict[str, list[GradedOrganization]] = defaultdict(list)
        for graded in organizations:
            self.by_name[squeeze(graded.name)].append(graded)
        self.organizations = organizations
        self.groups: dict[tuple[str, str], GradedOrganization | None] = {}

    def group(self, name: str, code: str) -> GradedOrganization | None:
        """土市乡 → 中共蓝山县土市乡委员会: the code, the exact name or short name, else the one level whose name holds it."""
        key = (name, code)
        if key not in self.groups:
            found = self.by_code.get(code) if code else None
            if found is None and name:
                exact = [g for g in self.organizations if squeeze(g.name) == name or squeeze(g.short_name) == name]
                if not exact:
                    exact = [g for g in self.organizations if g.children_count and (
                        name in squeeze(g.name) or name in squeeze(g.short_name))]
                found = exact[0] if len(exact) == 1 else None
            self.groups[key] = found
        return self.groups[key]

    def by_row_name(self, name: str, group: GradedOrganization | None) -> list[GradedOrganization]:
        candidates = self.by_name.get(name, [])
        if group is not None and len(candidates) > 1:
            inside = [g for g in candidates if g.path.startswith(group.path) and g is not group]
            if inside:
                return inside
        return candidates

    def match(self, reading: Reading, sheet_row: SheetRow) -> GradedOrganization | None:
        """The row's organization, or None with the problem recorded in ``reading``."""
        values, number = sheet_row.values, sheet_row.number
        code = str(values.get("code") or "")
        name = str(values.get("name") or "")
        if code:
            graded = self.by_code.get(code)
            if graded is None:
                reading.problem(_("No organization with the code %(code)s is graded in this cycle under %(level)s.") % {
                    "code": code, "level": self.level.name}, row=number, key="code")
            elif name and name != squeeze(graded.name) and any(other is not graded for other in self.by_name.get(name, ())):
                # The name is another organization's: names and codes sorted apart, or a code copied onto
                # another row; its values would go to the wrong organization. (Any other name, a short
                # form or a typing variant, is the code's organization's.)
                reading.problem(_("The name %(name)s is not that of the organization with the code %(code)s, which "
                                  "is %(official)s. Check that the names and the codes were not sorted apart; an "
                                  "organization's name is changed on its own page.") % {
                    "name": name, "code": code, "official": graded.name}, row=number, key="name")
                return None
            return graded
        if not name:
            reading.problem(_("The organization's name is empty."), row=number, key=name_key(reading))
            return None
        group = self.group(sheet_row.group, sheet_row.group_code) if sheet_row.group else None
        candidates = self.by_row_name(name, group)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            reading.problem(_("No organization named %(name)s is graded in this cycle under %(level)s.") % {
                "name": name, "level": (group or self.level).name}, row=number, key="name")
        elif group is not None:  # the group row is there already: only the code tells them apart
            reading.problem(_("%(count)d organizations under %(level)s are named %(name)s; add the column 组织代码 "
                              "to tell them apart.") % {"count": len(candidates), "level": group.name, "name": name},
                            row=number, key="name")
        else:
            reading.problem(_("%(count)d organizations under %(level)s are named %(name)s; add the column 组织代码 "
                              "or a group row to tell them apart.") % {"count": len(candidates),
                                                                      "level": self.level.name, "name": name},
                            row=number, key="name")
        return None


def name_key(reading: Reading) -> str:
    """The column a problem about the row's organization is shown at."""
    return "name" if "name" in reading.columns else "code"
