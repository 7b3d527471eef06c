from django.urls import path

from capture import views, views_dictionary, views_longitudinal, views_projectxml, views_tokens

app_name = "capture"

urlpatterns = [
    path("", views.studies, name="studies"),
    path("new/", views.study_create, name="study_create"),
    path("<int:pk>/", views.study, name="study"),
    path("<int:pk>/manage/", views.study_admin, name="study_admin"),
    path("<int:pk>/manage/<str:action>/", views.study_manage, name="study_manage"),
    path("<int:pk>/dictionary/", views_dictionary.dictionary, name="dictionary"),
    path(
        "<int:pk>/dictionary/upload/",
        views_dictionary.dictionary_upload,
        name="dictionary_upload",
    ),
    path(
        "<int:pk>/dictionary/proposal/",
        views_dictionary.dictionary_proposal,
        name="dictionary_proposal",
    ),
    path(
        "<int:pk>/dictionary/fields/new/",
        views_dictionary.dictionary_field,
        name="dictionary_field_new",
    ),
    path(
        "<int:pk>/dictionary/fields/<str:name>/",
        views_dictionary.dictionary_field,
        name="dictionary_field",
    ),
    path(
        "<int:pk>/dictionary/fields/<str:name>/<str:action>/",
        views_dictionary.dictionary_field_action,
        name="dictionary_field_action",
    ),
    path("<int:pk>/events/", views_longitudinal.events, name="events"),
    path("<int:pk>/events/upload/", views_longitudinal.events_upload, name="events_upload"),
    path("<int:pk>/status/", views_longitudinal.dashboard, name="dashboard"),
    path("<int:pk>/records/", views.records, name="records"),
    path("<int:pk>/records/<int:record>/", views_longitudinal.record, name="record"),
    path("<int:pk>/records/new/", views.record_create, name="record_create"),
    path(
        "<int:pk>/records/<int:record>/<str:action>/",
        views.record_lock,
        name="record_lock",
    ),
    path(
        "<int:pk>/records/<int:record>/forms/<str:instrument>/",
        views.entry,
        name="entry",
    ),
    path(
        "<int:pk>/records/<int:record>/events/<str:event>/forms/<str:instrument>/",
        views.entry,
        name="event_entry",
    ),
    path("<int:pk>/entries/<int:entry>/queries/", views.query_raise, name="query_raise"),
    path("<int:pk>/queries/", views.queries, name="queries"),
    path("<int:pk>/queries/<int:query>/<str:action>/", views.query_move, name="query_move"),
    path("<int:pk>/audit/", views.audit_log, name="audit"),
    path("<int:pk>/tokens/", views_tokens.study_tokens, name="tokens"),
    path("<int:pk>/exports/", views.exports, name="exports"),
    path("<int:pk>/import/", views.import_records, name="import"),
    path("<int:pk>/import/project/", views_projectxml.project_import, name="project_import"),
    path("<int:pk>/export/project.xml", views_projectxml.project_export, name="project_export"),
    path("<int:pk>/import/<int:upload>/retry/", views.import_retry, name="import_retry"),
    path("<int:pk>/exports/<int:export>/", views.export_download, name="export_download"),
    path("<int:pk>/exports/<int:export>/retry/", views.export_retry, name="export_retry"),
]
