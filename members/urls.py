from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("orgs/<int:org_pk>/", views.roster, name="roster"),
    path("orgs/<int:org_pk>/facts/", views.facts_from_roster, name="facts_from_roster"),
    path("<int:pk>/", views.member_detail, name="detail"),
]
