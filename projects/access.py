"""Who may see and change a project: the one place that decides it.

- The board and a project's public page (summary, roles, effort, quick win) are for
  members of the network (`VIEW_DIRECTORY`), like the mentor directory; outsiders get 403.
  A project that is not open for help is shown only to its team.
- The workspace (team, authorship, tasks, meetings, documents and their downloads) is
  for the team only. Everyone else gets 404, administrators included, so that neither
  the content nor the existence of a project's files leaks; support staff are added to
  the team by the lead when a team asks for help.
- Only the lead changes the project, its roles wanted, its status and its authorship
  agreement, and decides applications; a team member who tries gets 403.
- The mentor the lead named as supervising mentor may read the public page while they
  are asked, and only they may confirm or decline; anyone else gets 404.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from network import access
from projects.models import Application, Document, Meeting, Member, Milestone, Project, Task

# The workspace's items: each belongs to one project and is reached through it.
Item = TypeVar("Item", Milestone, Task, Meeting, Document)

if TYPE_CHECKING:
    from accounts.models import User


class Need(StrEnum):
    VIEW = "view"  # the public page: network members, for projects open for help
    TEAM = "team"  # the workspace
    LEAD = "lead"  # changes only the lead makes


def require_member_of_network(user: User) -> None:
    access.require(user, access.Action.VIEW_DIRECTORY)


def is_team(user: User, project: Project) -> bool:
    if not user.is_authenticated:
        return False
    return Member.objects.filter(project=project, person=user).exists()


def is_lead(user: User, project: Project) -> bool:
    return bool(user.is_authenticated and project.lead_id == user.pk)


def get_project_for_user(user: User, pk: int, need: Need = Need.VIEW) -> Project:
    """The project if `user` may do `need` with it: 404 when they may not know it, 403
    when they are on the team but the action is the lead's."""
    project = Project.objects.select_related("lead", "mentor").filter(pk=pk).first()
    if project is None or not user.is_authenticated:
        raise Http404("No such project.")
    team = is_team(user, project)
    if need == Need.VIEW:
        listed = project.min_open_hours is not None
        if (
            team
            or project.pending_mentor_id == user.pk
            or (listed and access.can(user, access.Action.VIEW_DIRECTORY))
        ):
            return project
        if listed:
            raise PermissionDenied("Projects are for members of the network.")
        raise Http404("No such project.")
    if not team:
        raise Http404("No such project.")
    if need == Need.LEAD and not is_lead(user, project):
        raise PermissionDenied(f"Only the project lead, {project.lead}, may do this.")
    return project


def get_workspace_item_for_user(
    user: User, model: type[Item], pk: int, need: Need = Need.TEAM
) -> Item:
    """A milestone, task, meeting or document (its `project` loaded), if `user` may
    `need` its project: 404 or 403 as for the project itself."""
    found = get_object_or_404(model, pk=pk)
    found.project = get_project_for_user(user, found.project_id, need)
    return found


def get_project_asking(user: User, pk: int) -> Project:
    """The project whose lead asked `user` to be its supervising mentor; 404 otherwise."""
    project = (
        Project.objects.select_related("lead").filter(pk=pk, pending_mentor=user).first()
        if user.is_authenticated
        else None
    )
    if project is None:
        raise Http404("No request to supervise this project is waiting for you.")
    return project


def require_lead(user: User, project: Project) -> None:
    if not is_lead(user, project):
        raise PermissionDenied(f"Only the project lead, {project.lead}, may do this.")


def get_application_for_user(user: User, pk: int) -> Application:
    """An application seen by its applicant and its project's lead; 404 for anyone else."""
    found = (
        Application.objects.select_related("role__project__lead", "applicant")
        .filter(pk=pk)
        .filter(Q(applicant=user) | Q(role__project__lead=user))
        .first()
        if user.is_authenticated
        else None
    )
    if found is None:
        raise Http404("No such application.")
    return found
