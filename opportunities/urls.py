from django.urls import path

from opportunities import views
from opportunities.shortlist import views as shortlist_views

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
    path("shortlist/", shortlist_views.shortlist, name="shortlist"),
    path("shortlist/estimate/<int:pk>/", shortlist_views.estimate, name="shortlist_estimate"),
    path("shortlist/export.csv", shortlist_views.export, name="shortlist_export"),
]
