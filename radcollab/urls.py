from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from radcollab.api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dashboard/", core_views.dashboard, name="dashboard"),
    path("dashboard/confirm/", core_views.confirm_links, name="confirm_links"),
    path("healthz", core_views.healthz, name="healthz"),
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
    path("mentoring/", include("matching.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
