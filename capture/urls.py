from django.urls import path

from capture.views import (
    dictionary,
    entry,
    longitudinal,
    projectxml,
    records,
    studies,
    tokens,
    transfers,
)

app_name = "capture"

urlpatterns = [
    path("", studies.studies, name="studies"),
    path("new/", studies.study_create, name="study_create"),
    path("<int:pk>/", studies.study, name="study"),
    path("<int:pk>/manage/", studies.study_admin, name="study_admin"),
    path("<int:pk>/manage/<str:action>/", studies.study_manage, name="study_manage"),
    path("<int:pk>/dictionary/", dictionary.dictionary, name="dictionary"),
    path(
        "<int:pk>/dictionary/upload/",
        dictionary.dictionary_upload,
        name="dictionary_upload",
    ),
    path(
        "<int:pk>/dictionary/proposal/",
        dictionary.dictionary_proposal,
        name="dictionary_proposal",
    ),
    path(
        "<int:pk>/dictionary/fields/new/",
        dictionary.dictionary_field,
        name="dictionary_field_new",
    ),
    path(
        "<int:pk>/dictionary/fields/<str:name>/",
        dictionary.dictionary_field,
        name="dictionary_field",
    ),
    path(
        "<int:pk>/dictionary/fields/<str:name>/<str:action>/",
        dictionary.dictionary_field_action,
        name="dictionary_field_action",
    ),
    path("<int:pk>/events/", longitudinal.events, name="events"),
    path("<int:pk>/events/upload/", longitudinal.events_upload, name="events_upload"),
    path("<int:pk>/status/", longitudinal.dashboard, name="dashboard"),
    path("<int:pk>/records/", records.records, name="records"),
    path("<int:pk>/records/<int:record>/", longitudinal.record, name="record"),
    path("<int:pk>/records/new/", records.record_create, name="record_create"),
    path(
        "<int:pk>/records/<int:record>/<str:action>/",
        records.record_lock,
        name="record_lock",
    ),
    path(
        "<int:pk>/records/<int:record>/forms/<str:instrument>/",
        entry.entry,
        name="entry",
    ),
    path(
        "<int:pk>/records/<int:record>/events/<str:event>/forms/<str:instrument>/",
        entry.entry,
        name="event_entry",
    ),
    path("<int:pk>/entries/<int:entry>/queries/", records.query_raise, name="query_raise"),
    path("<int:pk>/queries/", records.queries, name="queries"),
    path("<int:pk>/queries/<int:query>/<str:action>/", records.query_move, name="query_move"),
    path("<int:pk>/audit/", records.audit_log, name="audit"),
    path("<int:pk>/tokens/", tokens.study_tokens, name="tokens"),
    path("<int:pk>/exports/", transfers.exports, name="exports"),
    path("<int:pk>/import/", transfers.import_records, name="import"),
    path("<int:pk>/import/project/", projectxml.project_import, name="project_import"),
    path("<int:pk>/export/project.xml", projectxml.project_export, name="project_export"),
    path("<int:pk>/import/<int:upload>/retry/", transfers.import_retry, name="import_retry"),
    path("<int:pk>/exports/<int:export>/", transfers.export_download, name="export_download"),
    path("<int:pk>/exports/<int:export>/retry/", transfers.export_retry, name="export_retry"),
]
