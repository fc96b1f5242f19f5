from django.urls import path

from yearend import views

app_name = "yearend"

urlpatterns = [
    path("<int:cycle_pk>/<int:level_pk>/", views.dashboard, name="dashboard"),
    path("<int:cycle_pk>/<int:level_pk>/charts/<str:chart>.json", views.chart_option, name="chart"),
    path("<int:cycle_pk>/<int:level_pk>/charts/<str:chart>.<str:file_format>", views.chart_download,
         name="chart_download"),
    path("<int:cycle_pk>/<int:level_pk>/summary/", views.summary, name="summary"),
    path("<int:cycle_pk>/<int:level_pk>/summary/print/", views.summary_print, name="summary_print"),
    path("<int:cycle_pk>/<int:level_pk>/summary/tables.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("<int:cycle_pk>/<int:level_pk>/summary/pdf/", views.summary_pdf, name="summary_pdf"),
    path("<int:cycle_pk>/<int:level_pk>/summary/reopen/", views.summary_reopen, name="summary_reopen"),
    path("<int:cycle_pk>/<int:level_pk>/summary/reports/new/", views.report_edit, name="report_new"),
    path("reports/<int:pk>/", views.report_edit, name="report"),
    path("reports/<int:pk>/print/", views.report_print, name="report_print"),
    path("<int:cycle_pk>/<int:level_pk>/shortlist/", views.shortlist, name="shortlist"),
    path("<int:cycle_pk>/<int:level_pk>/shortlist.xlsx", views.shortlist_xlsx, name="shortlist_xlsx"),
    path("candidates/<int:pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
