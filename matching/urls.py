from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/mentor/", views.offer, name="offer"),
    path("rounds/<int:pk>/mentee/", views.mentee_request, name="request"),
    path("rounds/<int:pk>/run/", views.run, name="run"),
    path("rounds/<int:pk>/decide/", views.decide, name="decide"),
    path("rounds/<int:pk>/publish/", views.publish, name="publish"),
    path("matches/<int:pk>/", views.my_match, name="my_match"),
    path("matches/<int:pk>/accept/", views.accept, name="accept"),
    path("matches/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("matches/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("matches/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("matches/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
