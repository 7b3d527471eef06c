from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("studies/<int:pk>/", views.study, name="study"),
    path("studies/<int:pk>/runs/<int:run>/", views.run, name="run"),
    path("studies/<int:pk>/runs/<int:run>/rerun/", views.rerun, name="rerun"),
    path("studies/<int:pk>/runs/<int:run>/files/<str:name>", views.download, name="download"),
]
