from django.urls import path

from projects.views import applications, board, workspace

app_name = "projects"

urlpatterns = [
    path("", board.board, name="board"),
    path("new/", board.project_new, name="new"),
    path("mine/", applications.mine, name="mine"),
    path("<int:pk>/", board.project_detail, name="project"),
    path("<int:pk>/edit/", board.project_edit, name="edit"),
    path("<int:pk>/status/", board.project_status, name="status"),
    path("<int:pk>/mentor/confirm/", board.mentor_confirm, name="mentor_confirm"),
    path("<int:pk>/mentor/decline/", board.mentor_decline, name="mentor_decline"),
    path("<int:pk>/roles/", board.role_add, name="role_add"),
    path("<int:pk>/team/", workspace.team, name="team"),
    path("<int:pk>/team/declare/", workspace.declare, name="declare"),
    path("<int:pk>/team/agreement/", workspace.agreement, name="agreement"),
    path("<int:pk>/team/confirm/", workspace.confirm, name="confirm"),
    path("<int:pk>/tasks/", workspace.tasks, name="tasks"),
    path("<int:pk>/milestones/", workspace.milestone_add, name="milestone_add"),
    path("<int:pk>/meetings/", workspace.meetings, name="meetings"),
    path("<int:pk>/documents/", workspace.documents, name="documents"),
    path("roles/<int:pk>/apply/", applications.apply, name="apply"),
    path("roles/<int:pk>/withdraw/", board.role_withdraw, name="role_withdraw"),
    path("applications/<int:pk>/<str:action>/", applications.application_move, name="application"),
    path("milestones/<int:pk>/", workspace.milestone_edit, name="milestone"),
    path("milestones/<int:pk>/done/", workspace.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/delete/", workspace.milestone_delete, name="milestone_delete"),
    path("tasks/<int:pk>/", workspace.task_edit, name="task"),
    path("tasks/<int:pk>/move/", workspace.task_move, name="task_move"),
    path("tasks/<int:pk>/delete/", workspace.task_delete, name="task_delete"),
    path("meetings/<int:pk>/", workspace.meeting_edit, name="meeting"),
    path("meetings/<int:pk>/delete/", workspace.meeting_delete, name="meeting_delete"),
    path("documents/<int:pk>/", workspace.document_edit, name="document"),
    path("documents/<int:pk>/archive/", workspace.document_archive, name="document_archive"),
    path("versions/<int:pk>/download/", workspace.download, name="download"),
]
