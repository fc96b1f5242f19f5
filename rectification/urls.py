from django.urls import path

from rectification import views

app_name = "rectification"

urlpatterns = [
    path("cycles/<int:cycle_pk>/orgs/<int:org_pk>/", views.plan_page, name="plan"),
    path("cycles/<int:cycle_pk>/orgs/<int:org_pk>/problems/", views.problem_file, name="problem_file"),
    path("cycles/<int:cycle_pk>/deductions/<int:deduction_pk>/problem/", views.problem_from_deduction,
         name="from_deduction"),
    path("cycles/<int:cycle_pk>/vetoes/<int:veto_pk>/problem/", views.problem_from_veto, name="from_veto"),
    path("cycles/<int:cycle_pk>/settings/", views.settings_page, name="settings"),
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/", views.level_page, name="level"),
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/approve/", views.level_approve, name="level_approve"),
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/midyear/", views.midyear_page, name="midyear"),
    path("cycles/<int:cycle_pk>/levels/<int:level_pk>/export/<str:kind>/", views.level_export, name="export"),
    path("plans/<int:pk>/targets/", views.plan_targets, name="targets"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="submit"),
    path("plans/<int:pk>/review/", views.plan_review, name="review"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="revise"),
    path("plans/<int:pk>/letter/", views.letter_print, name="letter"),
    path("plans/<int:pk>/letter/pdf/", views.letter_pdf, name="letter_pdf"),
    path("plans/<int:pk>/letter/sign/", views.letter_sign, name="letter_sign"),
    path("problems/<int:pk>/measures/", views.measure_add, name="measure_add"),
    path("problems/<int:pk>/delete/", views.problem_delete, name="problem_delete"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("measures/<int:pk>/progress/", views.measure_progress, name="progress"),
    path("measures/<int:pk>/<str:move>/", views.measure_move, name="measure_move"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
