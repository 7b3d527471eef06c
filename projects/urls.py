from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.project_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/status/", views.project_status, name="status"),
    path("<int:pk>/mentor/confirm/", views.mentor_confirm, name="mentor_confirm"),
    path("<int:pk>/mentor/decline/", views.mentor_decline, name="mentor_decline"),
    path("<int:pk>/roles/", views.role_add, name="role_add"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/declare/", views.declare, name="declare"),
    path("<int:pk>/team/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/team/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/tasks/", views.tasks, name="tasks"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/meetings/", views.meetings, name="meetings"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("roles/<int:pk>/apply/", views.apply, name="apply"),
    path("roles/<int:pk>/withdraw/", views.role_withdraw, name="role_withdraw"),
    path("applications/<int:pk>/<str:action>/", views.application_move, name="application"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path("tasks/<int:pk>/", views.task_edit, name="task"),
    path("tasks/<int:pk>/move/", views.task_move, name="task_move"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("meetings/<int:pk>/", views.meeting_edit, name="meeting"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("documents/<int:pk>/", views.document_edit, name="document"),
    path("documents/<int:pk>/archive/", views.document_archive, name="document_archive"),
    path("versions/<int:pk>/download/", views.download, name="download"),
]
