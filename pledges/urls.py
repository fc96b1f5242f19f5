from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("<int:cycle_pk>/<int:org_pk>/", views.organization_pledges, name="organization"),
    path("<int:cycle_pk>/<int:org_pk>/poster/", views.poster, name="poster"),
    path("<int:cycle_pk>/<int:org_pk>/board/toggle/", views.board_toggle, name="board_toggle"),
    # The public board, by its random key: counting ids finds no board.
    path("board/<str:key>/", views.board, name="board"),
    path("<int:cycle_pk>/<int:org_pk>/letters.pdf", views.letters_pdf, name="letters_pdf"),
    path("<int:pk>/", views.pledge_detail, name="detail"),
    path("<int:pk>/print/", views.pledge_print, name="print"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
