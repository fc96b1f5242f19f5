from django.urls import path

from ballots import views

app_name = "ballots"

urlpatterns = [
    # Voters' pages: short addresses, typed from a slip, by the session's random public key (never its id).
    path("v/<str:key>/", views.vote, name="vote"),
    path("v/<str:key>/receipts/", views.receipts, name="receipts"),
    # Staff pages.
    path("ballots/orgs/<int:org_pk>/", views.session_list, name="list"),
    path("ballots/orgs/<int:org_pk>/below/", views.sessions_below, name="below"),
    path("ballots/<int:pk>/", views.session_detail, name="detail"),
    path("ballots/<int:pk>/codes/", views.codes_generate, name="codes"),
    path("ballots/<int:pk>/open/", views.session_open, name="open"),
    path("ballots/<int:pk>/close/", views.session_close, name="close"),
    path("ballots/<int:pk>/paper/", views.paper_tally_enter, name="paper"),
    path("ballots/paper/<int:pk>/confirm/", views.paper_tally_confirm, name="paper_confirm"),
    path("ballots/paper/<int:pk>/discard/", views.paper_tally_discard, name="paper_discard"),
]
