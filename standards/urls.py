from django.urls import path

from standards import views

app_name = "standards"

urlpatterns = [
    path("", views.standard_list, name="list"),
    path("<int:pk>/", views.standard_detail, name="detail"),
    path("<int:pk>/derive/", views.standard_derive, name="derive"),
    path("<int:pk>/items/<str:code>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/export.xlsx", views.standard_export, name="export"),
    path("<int:pk>/import/", views.standard_import, name="import"),
    path("imports/<int:pk>/", views.standard_import_job, name="import_job"),
    path("imports/<int:pk>/progress/", views.standard_import_progress, name="import_progress"),
    path("sheet/<int:org_pk>/<int:standard_pk>/<str:assessor_kind>/", views.sheet_page, name="sheet"),
    path("sheets/<int:sheet_pk>/items/<int:item_pk>/deduct/", views.deduction_add, name="deduct"),
    path("deductions/<int:pk>/remove/", views.deduction_remove, name="undeduct"),
    path("sheets/<int:sheet_pk>/vetoes/<int:clause_pk>/mark/", views.veto_mark, name="veto"),
    path("veto-marks/<int:pk>/remove/", views.veto_unmark, name="unveto"),
    path("deductions/<int:pk>/evidence/", views.deduction_evidence, name="deduction_evidence"),
    path("veto-marks/<int:pk>/evidence/", views.veto_evidence, name="veto_evidence"),
]
