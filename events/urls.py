from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("conferences/<slug:slug>/", views.conference, name="conference"),
    path("conferences/<slug:slug>/follow/", views.follow, name="follow"),
    path("editions/<int:edition_pk>/deadlines/new/", views.deadline_new, name="deadline_new"),
    path("deadlines/<int:pk>/edit/", views.deadline_edit, name="deadline_edit"),
    path("plan/<int:project_pk>/", views.plan, name="plan"),
    path("new/", views.event_form, name="event_new"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/edit/", views.event_form, name="event_edit"),
    path("<int:pk>/attend/", views.attend, name="attend"),
    path("feeds/", views.feeds_page, name="feeds"),
    path("feeds/token/", views.feed_token, name="feed_token"),
    path("feeds/reminders/", views.preferences, name="preferences"),
    path("feeds/subspecialty/<slug:slug>.ics", views.public_feed, name="public_feed"),
    path("feeds/<str:secret>.ics", views.private_feed, name="private_feed"),
]
