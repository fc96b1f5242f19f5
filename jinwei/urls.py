from django.urls import include, path

from jinwei import views
from jinwei.api import api
from orgs.views import PasswordChangeView

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("core.urls")),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("orgs/", include("orgs.urls")),
    path("standards/", include("standards.urls")),
    path("cycles/", include("cycles.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("members/", include("members.urls")),
    path("pledges/", include("pledges.urls")),
    path("rectification/", include("rectification.urls")),
    path("spotchecks/", include("spotchecks.urls")),
    path("acceptance/", include("acceptance.urls")),
    path("yearend/", include("yearend.urls")),
    path("", include("ballots.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
