from django.urls import path

from cycles.views import cycle, grading, lists, survey

app_name = "cycles"

urlpatterns = [
    path("", cycle.cycle_list, name="list"),
    path("open/", cycle.cycle_open, name="open"),
    path("<int:pk>/", cycle.cycle_detail, name="detail"),
    path("<int:pk>/edit/", cycle.cycle_edit, name="edit"),
    path("<int:pk>/levels/<int:level_pk>/submit/", cycle.level_list_submit, name="list_submit"),
    path("<int:pk>/lists/<int:level_pk>/", lists.level_list_detail, name="level_list"),
    path("<int:pk>/lists/<int:level_pk>/approve/", lists.level_list_approve, name="list_approve"),
    path("<int:pk>/lists/<int:level_pk>/return/", lists.level_list_return, name="list_return"),
    path("<int:pk>/survey/", survey.survey_summary, name="survey_summary"),
    path("<int:pk>/survey/export/", survey.survey_export, name="survey_export"),
    path("<int:pk>/survey/<int:org_pk>/", survey.survey, name="survey"),
    path("attachments/<int:pk>/", cycle.notice_attachment, name="notice_attachment"),
    path("gradings/<int:pk>/", grading.grading_detail, name="grading"),
    path("gradings/<int:pk>/steps/<str:step>/", grading.step_record, name="step_record"),
    path("gradings/<int:pk>/steps/<str:step>/attachment/", grading.step_attachment, name="step_attachment"),
    path("gradings/<int:pk>/submit/", grading.grading_submit, name="submit"),
    path("gradings/<int:pk>/decide/", grading.grading_decide, name="decide"),
    path("gradings/<int:pk>/return/", grading.grading_return, name="return"),
    path("gradings/<int:pk>/inputs/", grading.department_input, name="department_input"),
    path("gradings/<int:pk>/reopen/", grading.grading_reopen, name="reopen"),
    path("gradings/<int:pk>/extend/", grading.deadline_extend, name="extend"),
]
