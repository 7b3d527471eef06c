from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.home, name="home"),
    path("credentials/new/", views.credential_new, name="credential_new"),
    path("credentials/<int:pk>/", views.credential_edit, name="credential_edit"),
    path("credentials/<int:pk>/delete/", views.credential_delete, name="credential_delete"),
    path("credentials/<int:pk>/certificate/", views.credential_file, name="credential_file"),
    path("intervals/", views.intervals, name="intervals"),
    path("people/<int:person_id>/", views.person_records, name="person"),
    path("sites/", views.gcp_sites, name="gcp_sites"),
    path("sites/<int:site_id>/", views.gcp_site, name="gcp_site"),
    path("trackers/start/", views.tracker_start, name="tracker_start"),
    path("trackers/<int:pk>/", views.tracker_detail, name="tracker"),
    path("trackers/<int:pk>/evidence-pack.pdf", views.tracker_pack, name="tracker_pack"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("checklists/new/", views.checklist_new, name="checklist_new"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("checklists/<int:pk>/complete/", views.checklist_complete, name="checklist_complete"),
    path("checklists/<int:pk>/items/<int:item_pk>/sign/", views.item_sign, name="item_sign"),
    path("checklists/<int:pk>/items/<int:item_pk>/", views.item_update, name="item_update"),
    path("goals/", views.goals, name="goals"),
    path("goals/<int:pk>/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("cv.<str:fmt>", views.cv, name="cv"),
]
