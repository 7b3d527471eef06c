from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/trainee/", views.trainee_edit, name="trainee_edit"),
    path("me/mentor/", views.mentor_edit, name="mentor_edit"),
    path("<int:pk>/", views.person, name="person"),
]
