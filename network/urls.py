from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("sites/", views.sites, name="sites"),
    path("sites/new/", views.site_edit, name="site_new"),
    path("sites/<int:pk>/", views.site, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/memberships/", views.membership_grant, name="membership_grant"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("map/", views.research_map, name="map"),
    path("join/", views.join, name="join"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_decide, name="request_decide"),
]
