"""The organization tree of a level as .xlsx, in the columns the import reads (export → edit → import)."""

from django.utils.translation import gettext as _

from core.xlsx import new_workbook, text
from orgs.importing.columns import COLUMNS_BY_KEY, EXPORT_KEYS, FACT_KEYS, KIND_EXPORT, SECTOR_EXPORT
from orgs.models import Organization, OrganizationFacts


def tree_export_filename(level: Organization) -> str:
    return f"{level.display_name}-组织树.xlsx"


def tree_export_write(*, level: Organization, target, year: int | None = None, progress=lambda done, total: None) -> int:
    """Write the level's active organizations, the level first, each after its parent (tree order), to
    ``target``; with ``year``, their basic facts of that year. Returns the rows written."""
    keys = [key for key in EXPORT_KEYS if year is not None or (key != "year" and key not in FACT_KEYS)]
    workbook = new_workbook(target)
    sheet = workbook.add_worksheet(_("Organizations"))
    bold = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    title = workbook.add_format({"bold": True, "font_size": 14})
    sheet.write_string(0, 0, text(_("%(name)s: organizations") % {"name": level.name}), title)
    for column, key in enumerate(keys):
        sheet.write_string(1, column, COLUMNS_BY_KEY[key].header, bold)
        sheet.set_column(column, column, 28 if key == "name" else 14)
    facts = {}
    if year is not None:
        facts = {row["organization_id"]: row for row in OrganizationFacts.objects.filter(
            year=year, organization__path__startswith=level.path).values("organization_id", *FACT_KEYS).iterator()}
    organizations = Organization.objects.subtree(level.path).active().order_by("path")
    total = level.descendants_count + 1
    codes: dict[int, str] = {}
    if level.parent_id:
        codes[level.parent_id] = Organization.objects.filter(pk=level.parent_id).values_list("code", flat=True).first()
    written = 0
    for row_number, org in enumerate(organizations.values(
            "id", "code", "name", "short_name", "kind", "sector", "parent_id", "established_on", "secretary",
            "first_secretary").iterator(chunk_size=5000), start=2):
        codes[org["id"]] = org["code"]
        values = {**org, "kind": KIND_EXPORT.get(org["kind"], org["kind"]),
                  "sector": SECTOR_EXPORT.get(org["sector"], org["sector"]),
                  "parent_code": codes.get(org["parent_id"]) or "",
                  "established_on": org["established_on"].isoformat() if org["established_on"] else ""}
        if year is not None and org["id"] in facts:
            values |= {"year": year, **{key: facts[org["id"]][key] for key in FACT_KEYS}}
        for column, key in enumerate(keys):
            value = values.get(key, "")
            if isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(row_number, column, value)
            elif value not in ("", None):
                sheet.write_string(row_number, column, text(str(value)))
        written += 1
        if written % 5000 == 0:
            progress(written, total)
    workbook.close()
    progress(written, max(total, written))
    return written
