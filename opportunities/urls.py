from django.urls import path

from opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.listing, name="list"),
    path("suggest/", views.suggest, name="suggest"),
    path("review/", views.review_queue, name="review"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.suggest, name="edit"),
    path("<int:pk>/review/", views.review, name="review_one"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_form, name="programme_new"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_form, name="programme_edit"),
]
