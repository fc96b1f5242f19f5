"""The official forms' data for a cycle's level, and their A4 print pages and PDFs.

The forms' layouts are ledgers.layouts' ``Table``s; this module reads what goes into them (the
ledger rows, or the kept-current counts per unit) and turns a table into what the print template
walks through. PDFs are the same HTML rendered by WeasyPrint with the print stylesheet, which
names the CJK fonts (Noto Serif/Sans CJK SC, installed by scripts/test) so Chinese text is embedded.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.contrib.staticfiles import finders
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from weasyprint import CSS, HTML

from cycles.models import Grading
from cycles.tallies import level_counts
from ledgers.layouts.forms import (
    DIRECT,
    FORMS,
    Form,
    FormMeta,
    Group,
    HeaderCell,
    Spanned,
    Table,
    close_bodies,
    closing,
    roster_tables_by_sector,
)
from ledgers.selectors import LedgerFilters, ledger_queryset, ledger_rows
from orgs import paths
from orgs.choices import Sector
from orgs.models import Organization
from standards.defaults import SCHEMES

PRINT_CSS = "css/print.css"
# A print page (and its PDF) holds at most this many rows; a larger list is downloaded as .xlsx
# or narrowed with the filters. WeasyPrint lays out a few hundred rows a second on this machine.
PRINT_ROW_LIMIT = 3000


class TooManyRows(Exception):
    pass


def cycle_grades(cycle) -> tuple[str, ...]:
    """The grades of the cycle's scheme when its standards (sites aside) share one: Lanshan's cycle
    prints 好/较好/一般/较差 even on Chenghua's forms. Empty when they differ: each form keeps its own."""
    schemes = {scheme for sector, scheme in cycle.standards.values_list("sector", "standard__scheme")
               if sector != Sector.REMOTE_EDUCATION_SITE}
    if len(schemes) != 1 or schemes.copy().pop() not in SCHEMES:
        return ()
    return tuple(band.grade for band in SCHEMES[schemes.pop()].bands)


def form_meta(*, cycle, level, filled_on=None) -> FormMeta:
    return FormMeta(unit=level.name, filled_on=filled_on or timezone.localdate(), cycle_name=cycle.name,
                    year=cycle.year, grades=cycle_grades(cycle))


def level_ledger_rows(*, cycle, level, filters: LedgerFilters, counted: Callable[[], None] | None = None):
    """The ledger rows under ``level``, without the level's own group row: it is the 填报单位.
    ``counted`` is called once per row read (an export's progress)."""
    for row in closing(ledger_rows(cycle=cycle, organization=level, filters=filters)):
        if counted is not None:
            counted()
        if row.organization_id == level.pk and row.is_group:
            continue
        yield row


def form_rows_total(form: Form, *, cycle, level, filters: LedgerFilters) -> int:
    """How many ledger rows a form reads (0 for the count forms): the total of an export's progress."""
    if form.source == "counts":
        return 0
    return ledger_queryset(cycle=cycle, organization=level, filters=filters).count()


def unit_counts(*, cycle, level) -> list[tuple[str, dict]]:
    """The summaries' rows: each subordinate unit's counts, the level's directly subordinate
    organizations together (直属党组织), then the level's total (合计). A unit counts what is
    below it: its grades from the kept-current tallies (cycles.tallies), and every organization
    graded in the cycle or still to be, by sector ("organizations"); 直属党组织 is the total less
    the units."""
    total = level_counts(cycle=cycle, organization=level)
    units = Organization.objects.filter(parent=level, children_count__gt=0).active().order_by("path")
    organizations = organizations_by_unit(cycle=cycle, level=level)
    total["organizations"] = organizations.pop(level.path, {})
    counted = [(unit.name, level_counts(cycle=cycle, organization=unit) | {"organizations": organizations.get(unit.path, {})})
               for unit in units]
    rest_grades, rest_organizations = Counter(total.get("grade", {})), Counter(total["organizations"])
    for _name, counts in counted:
        rest_grades.subtract(counts.get("grade", {}))
        rest_organizations.subtract(counts["organizations"])
    rest = {"grade": {key: count for key, count in rest_grades.items() if count > 0},
            "organizations": {key: count for key, count in rest_organizations.items() if count > 0}}
    if rest["grade"] or rest["organizations"]:
        counted.append((DIRECT, rest))
    counted.append(("合计", total))
    return counted


def organizations_by_unit(*, cycle, level) -> dict[str, dict[str, int]]:
    """How many organizations the cycle grades under the level and under each organization directly
    below it (itself left out, as the tallies leave it out), by sector: {path: {sector: count}}, the
    level's own path holding the level's total. One grouped count over the level's range of paths."""
    unit_path = Substr("organization__path", 1, len(level.path) + paths.SEGMENT)
    rows = (Grading.objects.filter(cycle=cycle, organization__path__startswith=level.path)
            .exclude(organization=level).annotate(unit=unit_path).order_by()
            .values_list("unit", "organization__sector", "organization__depth").annotate(count=Count("id")))
    counts: dict[str, Counter] = {level.path: Counter()}
    for unit, sector, depth, count in rows:
        counts[level.path][sector] += count
        if depth > level.depth + 1:  # below the unit, not the unit itself
            counts.setdefault(unit, Counter())[sector] += count
    return {path: dict(counter) for path, counter in counts.items()}


def form_tables(form: Form, *, cycle, level, filters: LedgerFilters, meta: FormMeta,
                code_column: bool = False, counted: Callable[[], None] | None = None) -> list[Table]:
    """The form's tables for a level. Ledger forms honour every filter; count forms (from the
    kept-current tallies, which count by sector and grade only) honour the sector."""
    if form.source == "counts":
        units = unit_counts(cycle=cycle, level=level)
        if form.slug == "tally":
            return form.tables(units, meta, sector=filters.sector)
        return form.tables(units, meta)
    if form.slug == "roster":  # a sheet per sector, each read by its own query when it is written
        sectors = [filters.sector] if filters.sector else sectors_graded(cycle=cycle, level=level, filters=filters)
        return roster_tables_by_sector(
            lambda sector: level_ledger_rows(cycle=cycle, level=level, filters=replace(filters, sector=sector),
                                             counted=counted),
            sectors, meta)
    rows = level_ledger_rows(cycle=cycle, level=level, filters=filters, counted=counted)
    if form.slug == "hunan-ledger":
        return form.tables(rows, meta, code_column=code_column)
    return form.tables(rows, meta)


def sectors_graded(*, cycle, level, filters: LedgerFilters) -> list[str]:
    """The sectors of the organizations (group rows aside) a filtered ledger holds, in Sector order."""
    present = set(ledger_queryset(cycle=cycle, organization=level, filters=filters)
                  .filter(organization__children_count=0).order_by()
                  .values_list("organization__sector", flat=True).distinct())
    return [sector for sector in Sector.values if sector in present]


# ---------------------------------------------------------------------------------------------
# Tables as the print template walks them


@dataclass
class PrintCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    css: str = ""


@dataclass
class PrintRow:
    cells: list[PrintCell]
    height: int = 0  # points, for the lines of a form that are written in by hand


@dataclass
class PrintTable:
    table: Table
    widths: list[float]  # percent of the page's width
    header: list[list[HeaderCell]]
    body: list[PrintRow]
    landscape: bool


def _text(value) -> str:
    return "" if value is None else str(value)  # a Share prints as "66.7%"


def print_table(table: Table, limit: int | None = None) -> PrintTable:
    total = sum(table.widths) or 1
    header = [[cell for cell in table.header if cell.row == row] for row in range(table.header_rows)]
    body = []
    for values in table.body:
        if limit is not None and len(body) >= limit:
            raise TooManyRows
        if isinstance(values, Group):
            body.append(PrintRow([PrintCell(values.text, css="group")]
                                 + [PrintCell("") for _ in range(table.width - 1)]))
        elif isinstance(values, Spanned):
            body.append(PrintRow([PrintCell(text, colspan=span, css="label" if is_label else "value")
                                  for text, span, is_label in values.cells], height=values.height))
        else:
            body.append(PrintRow([PrintCell(_text(value), css="c" if i in table.centered else "")
                                  for i, value in enumerate(values)]))
    return PrintTable(table=table, widths=[round(width * 100 / total, 2) for width in table.widths],
                      header=header, body=body, landscape=total > 110)


def print_tables(tables: list[Table]) -> list[PrintTable]:
    """The tables as the template walks them; ``TooManyRows`` past ``PRINT_ROW_LIMIT`` rows in all."""
    printed, left = [], PRINT_ROW_LIMIT
    try:
        for table in tables:
            printed.append(print_table(table, limit=left))
            left -= len(printed[-1].body)
    finally:
        close_bodies(tables)
    return printed


def html_to_pdf(html: str, *, base_url: str = "") -> bytes:
    """The print page as a PDF (A4, fonts embedded)."""
    stylesheet = CSS(filename=finders.find(PRINT_CSS))
    return HTML(string=html, base_url=base_url or None).write_pdf(stylesheets=[stylesheet])


__all__ = ["FORMS", "form_meta", "form_tables", "html_to_pdf", "print_tables", "unit_counts"]
