from django.urls import path

from outputs import views

app_name = "outputs"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("export/", views.export, name="export"),
    path("import/", views.import_start, name="import"),
    path("import/identifiers/", views.import_identifiers, name="import_identifiers"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/authorship/confirm/", views.authorship_confirm, name="authorship_confirm"),
    path("<int:pk>/authorship/decline/", views.authorship_decline, name="authorship_decline"),
]
