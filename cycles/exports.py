"""The status survey of a level's subtree as an .xlsx workbook: the answers counted per question and
sector, then one row per organization with its answers and report.

Written by XlsxWriter in constant-memory mode (row by row, whatever the subtree's size). Every text is
written as text: an answer typed as "=1+1" or "@x" is a string in the file, never a formula.
"""

import tempfile

import xlsxwriter
from django.utils.translation import gettext as _

from cycles.choices import SURVEY_QUESTIONS, SurveyRating
from cycles.models import SurveyAnswer
from cycles.selectors.survey import survey_answers_of, survey_counts, survey_organizations

BATCH = 500  # organizations read per query while writing


def _label(name: str) -> str:
    return str(SurveyAnswer._meta.get_field(name).verbose_name)


def survey_workbook(*, user, cycle, level, survey_filter):
    """The workbook as an open temporary file, positioned at its start (deleted once closed)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    answer_labels = [str(SurveyRating(r).label) for r in SurveyRating.values] + [_("Not answered")]  # selectors.SURVEY_ANSWERS

    counts = workbook.add_worksheet(_("Counts"))
    counts.write_string(0, 0, _("Status survey of %(name)s · %(cycle)s") % {"name": level.name, "cycle": cycle.name}, bold)
    row = 2
    for question in survey_counts(user=user, cycle=cycle, level=level):
        counts.write_string(row, 0, question.label, bold)
        row += 1
        for column, header in enumerate([_("Sector"), *answer_labels, _("In all")]):
            counts.write_string(row, column, header, bold)
        row += 1
        for _sector, sector_label, cells, total in question.rows:
            counts.write_string(row, 0, sector_label)
            for column, value in enumerate([*(count for _answer, count in cells), total], start=1):
                counts.write_number(row, column, value)
            row += 1
        counts.write_string(row, 0, _("In all"), bold)
        for column, value in enumerate([*question.totals, question.total], start=1):
            counts.write_number(row, column, value, bold)
        row += 2
    counts.set_column(0, 0, 24)

    sheet = workbook.add_worksheet(_("Organizations"))
    headers = [_("Organization"), _("Official code"), _("Sector")]
    for question in SURVEY_QUESTIONS:
        headers += [_label(f"{question}_rating"), _label(question)]
    headers += [_label("report")]
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 28)
    sheet.set_column(3, len(headers) - 1, 18)
    organizations = survey_organizations(user=user, cycle=cycle, level=level, survey_filter=survey_filter)
    row, last_path = 1, ""
    while True:  # in pages along the tree's path index, so memory stays flat on a large subtree
        page = list(organizations.filter(path__gt=last_path)[:BATCH])
        if not page:
            break
        answers = survey_answers_of(cycle=cycle, organizations=page)
        for organization in page:
            answer = answers.get(organization.pk)
            values = [organization.name, organization.code, organization.get_sector_display()]
            for question in SURVEY_QUESTIONS:
                rating = getattr(answer, f"{question}_rating") if answer else ""
                values += [str(SurveyRating(rating).label) if rating else "", getattr(answer, question) if answer else ""]
            values.append(answer.report if answer else "")
            for column, value in enumerate(values):
                sheet.write_string(row, column, str(value), wrap if column > 2 else None)
            row += 1
        last_path = page[-1].path
    workbook.close()
    target.seek(0)
    return target

