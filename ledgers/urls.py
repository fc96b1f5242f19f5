from django.urls import path

from ledgers import views

app_name = "ledgers"

urlpatterns = [
    path("<int:cycle_pk>/<int:org_pk>/", views.ledger, name="ledger"),
    path("<int:cycle_pk>/<int:org_pk>/import/", views.import_start, name="import"),
    path("<int:cycle_pk>/<int:org_pk>/print/<slug:form>/", views.print_form, name="print_form"),
    path("<int:cycle_pk>/<int:org_pk>/print/<slug:form>.xlsx", views.download_form, name="download_form"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("jobs/<int:pk>/problems.xlsx", views.job_problems, name="job_problems"),
]
