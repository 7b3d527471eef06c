from django.contrib import admin
from django.urls import include, path

from capture.redcap_api.views import redcap_api
from core import views as core_views
from radcollab.api import api

handler403 = "core.views.permission_denied"
# allauth's sign-in and sign-up limits answer through this (core.views.too_many_sign_ins).
handler429 = "core.views.too_many_sign_ins"
handler500 = "core.views.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    path("dashboard/confirm/", core_views.confirm_links, name="confirm_links"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("network/", include("network.urls")),
    path("audit/", include("audit.urls")),
    path("people/", include("people.urls")),
    path("mentors/", include("mentors.urls")),
    path("outputs/", include("outputs.urls")),
    path("projects/", include("projects.urls")),
    path("training/", include("training.urls")),
    path("studies/", include("capture.urls")),
    path("stats/", include("stats.urls")),
    path("events/", include("events.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("glossary/", include("glossary.urls")),
    path("credit/", include("credit.urls")),
    path("mentoring/", include("matching.urls")),
    path("for-you/", include("recommend.urls")),
    path("api/v1/", api.urls),
    # REDCap's API for existing PyCap and REDCapR scripts; PyCap wants an address ending /api/.
    path("api/redcap/", redcap_api, name="redcap_api"),
    path("redcap/api/", redcap_api, name="redcap_api_alias"),
    path("admin/", admin.site.urls),
]
