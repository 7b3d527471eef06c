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
    path("studies/<int:pk>/publication/", views.publication, name="publication"),
    path("studies/<int:pk>/contributions/", views.contributions_list, name="contributions"),
    path(
        "studies/<int:pk>/contributions/<int:person>/",
        views.contribution,
        name="contribution",
    ),
    path(
        "studies/<int:pk>/contributions/<int:person>/confirm/",
        views.contribution_confirm,
        name="contribution_confirm",
    ),
    path("works/", views.works, name="works"),
    path("works/<str:fmt>", views.works_export, name="works_export"),
    path("network/", views.network, name="network"),
    path("network/settings/", views.network_settings, name="network_settings"),
    path("network/<slug:key>.csv", views.network_csv, name="network_csv"),
    path("summary/", views.summary, name="summary"),
    path("summary/<slug:key>.csv", views.summary_csv, name="summary_csv"),
    path("portfolio/", views.portfolio_list, name="portfolio"),
    path("portfolio/new/", views.portfolio_new, name="portfolio_new"),
    path("portfolio/<int:pk>/", views.portfolio_study, name="portfolio_study"),
    path("portfolio/<int:pk>/edit/", views.portfolio_edit, name="portfolio_edit"),
    path("portfolio/<int:pk>/months/", views.portfolio_month, name="portfolio_month"),
    path("portfolio/<int:pk>/trainees/", views.portfolio_trainee, name="portfolio_trainee"),
    path(
        "portfolio/<int:pk>/trainees/<int:row>/remove/",
        views.portfolio_trainee_remove,
        name="portfolio_trainee_remove",
    ),
]
