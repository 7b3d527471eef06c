from django.urls import path

from mentors import views

app_name = "mentors"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path(
        "requests/<int:pk>/<str:action>/",
        views.request_move,
        name="request_move",
    ),
    path("<int:person_id>/", views.mentor_page, name="mentor"),
    path("<int:person_id>/contact/", views.contact, name="contact"),
]
