from django.urls import path

from credit import views

app_name = "credit"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("studies/<int:pk>/", views.study, name="study"),
    path("studies/<int:pk>/rules/", views.rules, name="rules"),
    path("studies/<int:pk>/writing-committee/", views.committee_add, name="committee_add"),
    path(
        "studies/<int:pk>/writing-committee/<int:member>/remove/",
        views.committee_remove,
        name="committee_remove",
    ),
    path("studies/<int:pk>/ask/", views.ask, name="ask"),
    path("studies/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("studies/<int:pk>/confirm/as-shown/", views.confirm_as_shown, name="confirm_as_shown"),
    path("studies/<int:pk>/confirm/decline/", views.decline, name="decline"),
    path("studies/<int:pk>/names/<int:name>/", views.correct, name="correct"),
    path("studies/<int:pk>/lock/", views.lock, name="lock"),
    path("studies/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("studies/<int:pk>/export/<str:fmt>/", views.export, name="export"),
]
