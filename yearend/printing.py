"""The year summary (年度工作总结) and a secretary's report (述职) as A4 print pages and PDFs. The titles are the
seeds' fixed Chinese; the same page serves the browser's print and WeasyPrint's PDF."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from yearend import selectors

PRINT_CSS = ("css/print.css", "yearend/print.css")


def summary_title(summary) -> str:
    return f"{summary.organization.name}{summary.cycle.year}年度基层党组织分类定级晋位升级工作总结"


def summary_html(summary, *, today, pdf: bool = False) -> str:
    figures = selectors.summary_figures(summary=summary, cycle=summary.cycle, level=summary.organization, today=today)
    return render_to_string("yearend/print/summary.html", {
        "summary": summary, "title": summary_title(summary), "pdf": pdf,
        "tables": selectors.summary_tables(summary.cycle, figures), "reports": selectors.reports_of(summary)})


def report_html(report, *, today) -> str:
    summary = report.summary
    figures = selectors.summary_figures(summary=summary, cycle=summary.cycle, level=summary.organization, today=today)
    return render_to_string("yearend/print/report.html", {
        "report": report, "summary": summary, "tables": selectors.summary_tables(summary.cycle, figures)})


def html_to_pdf(html: str) -> bytes:
    """The page as a PDF (A4, fonts embedded)."""
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(name)) for name in PRINT_CSS])
