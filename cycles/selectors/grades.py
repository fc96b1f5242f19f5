"""The grades a cycle gives: by sector from its standards, the summary tables of a level's results."""

from cycles import tallies
from cycles.choices import (
    GradingState,
)
from cycles.models import Cycle, CycleStandard, Grading
from orgs import access as org_access
from orgs.choices import Sector
from standards import defaults as standard_defaults
from standards.choices import GRADE_ORDER, Grade
from standards.models import Standard


def level_summary(*, user, cycle: Cycle, level) -> dict[str, dict[str, int]]:
    """A level's kept-current counts (by state, sector × grade, stars, own step): a read of a few rows."""
    org_access.check(user, level, org_access.VIEW)
    return tallies.level_counts(cycle=cycle, organization=level)


def summary_tables(*, cycle: Cycle, counts: dict[str, dict[str, int]]) -> dict:
    """A level's counts as the summary tables show them: states, sector × grade, stars (the steps: step_progress)."""
    return {
        "state_counts": [(GradingState(key).label, key, count) for key, count in counts["state"].items()],
        "grade_table": _grade_table(counts["grade"]),
        "star_counts": sorted(((int(key), count) for key, count in counts["stars"].items()), reverse=True),
    }


DEFAULT_GRADES = tuple(band.grade for band in standard_defaults.THREE_GRADES.bands)  # a sector without a standard


def scheme_grades(cycle: Cycle) -> dict[str, tuple[str, ...]]:
    """sector → the grades of the standard the cycle uses for it; any other sector's are DEFAULT_GRADES."""
    return {link.sector: tuple(band["grade"] for band in link.standard.bands)
            for link in CycleStandard.objects.filter(cycle=cycle).select_related("standard")}


def cycle_grades(cycle: Cycle) -> list[str]:
    """The grades of the standards the cycle uses (the default three when it uses none), from the best down."""
    grades = {grade for sector_grades in scheme_grades(cycle).values() for grade in sector_grades}
    return sorted(grades or DEFAULT_GRADES, key=_grade_rank)


def _grade_rank(grade: str) -> int:
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def _grade_table(grade_counts: dict[str, int]) -> dict:
    """Sector × grade counts ("village:advanced": 3) as rows of a small table."""
    sectors, grades, cells = [], [], {}
    for key, count in grade_counts.items():
        sector, grade = key.split(":", 1)
        if sector not in sectors:
            sectors.append(sector)
        if grade not in grades:
            grades.append(grade)
        cells[(sector, grade)] = count
    grades.sort(key=_grade_rank)
    rows = [(Sector(sector).label if sector in Sector.values else sector,
             [cells.get((sector, grade), 0) for grade in grades]) for sector in sorted(sectors)]
    return {"grades": [Grade(grade).label for grade in grades], "rows": rows}


def cycle_standard(*, cycle: Cycle, organization) -> Standard | None:
    """The standard the cycle uses for the organization's sector; None when it names none (default grades)."""
    link = CycleStandard.objects.filter(cycle=cycle, sector=organization.sector).select_related("standard").first()
    return link.standard if link else None


def organization_grades(*, cycle: Cycle, organization) -> list[str]:
    """The grades a step or the superior may give the organization: its standard's, else the default three."""
    standard = cycle_standard(cycle=cycle, organization=organization)
    if standard is not None:
        return [band["grade"] for band in standard.bands]
    return [band.grade for band in standard_defaults.THREE_GRADES.bands]


def grading_standard(*, grading: Grading) -> Standard | None:
    """The standard the cycle uses for the grading's sector; None when it names none (default grades)."""
    return cycle_standard(cycle=grading.cycle, organization=grading.organization)


def grading_grades(*, grading: Grading) -> list[str]:
    """The grades a step or the superior may give this organization: its standard's, else the default three."""
    return organization_grades(cycle=grading.cycle, organization=grading.organization)
