from django.urls import path

from recommend import views

app_name = "recommend"

urlpatterns = [
    path("", views.for_you, name="for_you"),
    path("not-for-me/", views.not_for_me, name="not_for_me"),
    path("not-for-me/<int:pk>/undo/", views.undo, name="undo"),
]
