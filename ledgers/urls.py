from django.urls import path

from ledgers import views_ledger

app_name = "ledgers"

urlpatterns = [
    path("<int:cycle_pk>/<int:org_pk>/", views_ledger.ledger, name="ledger"),
    path("<int:cycle_pk>/<int:org_pk>/entry/", views_ledger.entry_edit, name="entry"),
]
