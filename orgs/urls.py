from django.urls import path

from orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("users/new/", views.user_create, name="user_create"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/children/", views.tree_children, name="children"),
    path("<int:parent_pk>/new/", views.organization_create, name="create"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/move/", views.organization_move, name="move"),
    path("<int:pk>/dissolve/", views.organization_dissolve, name="dissolve"),
    path("<int:pk>/merge/", views.organization_merge, name="merge"),
    path("<int:pk>/facts/new/", views.facts_edit, name="facts_new"),
    path("<int:pk>/facts/<int:year>/", views.facts_edit, name="facts_edit"),
    path("<int:pk>/audit/", views.audit, name="audit"),
    path("<int:pk>/roles/", views.roles, name="roles"),
    path("<int:pk>/accounts/", views.account_list, name="accounts"),
    path("<int:pk>/accounts/<int:user_pk>/<slug:change>/", views.account_change, name="account_change"),
    path("<int:pk>/import/", views.tree_import, name="import"),
    path("<int:pk>/export/", views.tree_export, name="export"),
    path("jobs/<int:pk>/", views.tree_job, name="job"),
    path("jobs/<int:pk>/progress/", views.tree_job_progress, name="job_progress"),
    path("jobs/<int:pk>/confirm/", views.tree_import_confirm, name="import_confirm"),
    path("jobs/<int:pk>/download/", views.tree_job_download, name="job_download"),
    path("<int:pk>/people/", views.people, name="people"),
    path("<int:pk>/people/import/", views.people_import, name="people_import"),
    path("people-jobs/<int:pk>/", views.people_job, name="people_job"),
    path("people-jobs/<int:pk>/progress/", views.people_job_progress, name="people_job_progress"),
    path("people-jobs/<int:pk>/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path("people-jobs/<int:pk>/slips/", views.people_job_slips, name="people_job_slips"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
