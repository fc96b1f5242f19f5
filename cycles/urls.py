from django.urls import path

from cycles import views

app_name = "cycles"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("open/", views.cycle_open, name="open"),
    path("<int:pk>/", views.cycle_detail, name="detail"),
    path("<int:pk>/edit/", views.cycle_edit, name="edit"),
    path("<int:pk>/levels/<int:level_pk>/submit/", views.level_list_submit, name="list_submit"),
    path("<int:pk>/lists/<int:level_pk>/", views.level_list_detail, name="level_list"),
    path("<int:pk>/lists/<int:level_pk>/approve/", views.level_list_approve, name="list_approve"),
    path("<int:pk>/lists/<int:level_pk>/return/", views.level_list_return, name="list_return"),
    path("<int:pk>/survey/", views.survey_summary, name="survey_summary"),
    path("<int:pk>/survey/export/", views.survey_export, name="survey_export"),
    path("<int:pk>/survey/<int:org_pk>/", views.survey, name="survey"),
    path("attachments/<int:pk>/", views.notice_attachment, name="notice_attachment"),
    path("gradings/<int:pk>/", views.grading_detail, name="grading"),
    path("gradings/<int:pk>/steps/<str:step>/", views.step_record, name="step_record"),
    path("gradings/<int:pk>/steps/<str:step>/attachment/", views.step_attachment, name="step_attachment"),
    path("gradings/<int:pk>/submit/", views.grading_submit, name="submit"),
    path("gradings/<int:pk>/decide/", views.grading_decide, name="decide"),
    path("gradings/<int:pk>/return/", views.grading_return, name="return"),
    path("gradings/<int:pk>/inputs/", views.department_input, name="department_input"),
    path("gradings/<int:pk>/reopen/", views.grading_reopen, name="reopen"),
    path("gradings/<int:pk>/extend/", views.deadline_extend, name="extend"),
]
