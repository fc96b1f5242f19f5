from django.urls import path

from spotchecks import views

app_name = "spotchecks"

urlpatterns = [
    path("", views.check_list, name="list"),
    path("levels/<int:level_pk>/new/", views.check_create, name="create"),
    path("<int:pk>/", views.check_detail, name="detail"),
    path("<int:pk>/freeze/", views.check_freeze, name="freeze"),
    path("<int:pk>/entropy/", views.check_entropy, name="entropy"),
    path("<int:pk>/draw/", views.check_draw, name="draw"),
    path("<int:pk>/close/", views.check_close, name="close"),
    path("<int:pk>/draw-sheet/", views.draw_print, name="draw_print"),
    path("<int:pk>/report/", views.report_print, name="report_print"),
    path("<int:pk>/export.xlsx", views.check_export, name="export"),
    path("sampled/<int:pk>/", views.sampled_page, name="sampled"),
    path("sampled/<int:pk>/items/<int:item_pk>/", views.finding_save, name="finding"),
    path("sampled/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
