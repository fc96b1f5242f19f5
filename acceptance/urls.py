from django.urls import path

from acceptance import views

app_name = "acceptance"

urlpatterns = [
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/", views.level_page, name="level"),
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/cell/", views.cell_page, name="cell"),
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/targets/", views.target_set, name="target_set"),
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/submit/", views.level_submit, name="level_submit"),
    path("cycles/<int:cycle_pk>/open/", views.round_open, name="open"),
    path("cycles/<int:cycle_pk>/targets/seed/", views.targets_seed, name="targets_seed"),
    path("<int:pk>/", views.acceptance_page, name="detail"),
    path("<int:pk>/report/", views.report_save, name="report"),
    path("<int:pk>/sheet/<str:kind>/", views.sheet_open, name="sheet"),
    path("<int:pk>/survey/", views.survey_schedule, name="survey"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/decide/", views.decide, name="decide"),
]
