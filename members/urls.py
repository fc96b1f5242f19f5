from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("orgs/<int:org_pk>/", views.roster, name="roster"),
    path("orgs/<int:org_pk>/facts/", views.facts_from_roster, name="facts_from_roster"),
    path("orgs/<int:org_pk>/export/", views.roster_export, name="export"),
    path("orgs/<int:org_pk>/import/", views.roster_import, name="import"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("<int:pk>/", views.member_detail, name="detail"),
]
