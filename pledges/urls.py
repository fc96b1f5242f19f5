from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("<int:cycle_pk>/<int:org_pk>/", views.organization_pledges, name="organization"),
    path("<int:cycle_pk>/<int:org_pk>/poster/", views.poster, name="poster"),
    path("<int:cycle_pk>/<int:org_pk>/board/toggle/", views.board_toggle, name="board_toggle"),
    path("board/<int:cycle_pk>/<int:org_pk>/", views.board, name="board"),
    path("<int:pk>/", views.pledge_detail, name="detail"),
]
