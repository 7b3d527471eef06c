"""What every write to a project shares, whether of its life cycle or of its workspace.

`projects.services` (the project, its roles, applications and authorship) and
`projects.workspace` (milestones, tasks, meetings, documents) both import from here,
and this module imports neither, so that neither depends on the other.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from core.identifiers import describe, find_identifiers
from core.tasks import deliver_email
from projects.models import Member, Project


def notify(people: Iterable[User], subject: str, body: str, link: str) -> None:
    to = sorted({person.email for person in people})
    if not to:
        return
    url = settings.SITE_URL + link
    transaction.on_commit(
        lambda: deliver_email.enqueue(
            subject=f"[RadCollab] {subject}",
            body=f"{body}\n\nOpen it in RadCollab: {url}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
    )


def locked_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("lead", "mentor", "pending_mentor")
        .get(pk=project.pk)
    )


def member_of(actor: User, project: Project) -> Member:
    member = Member.objects.filter(project=project, person=actor).first()
    if member is None:
        raise PermissionDenied("Only the project team may do this.")
    return member


def refuse_identifiers(**texts: str | None) -> None:
    """Refuse free text that looks like a patient identifier: none is stored (DESIGN.md).

    A project's title, summary, outcome and roles are public on the board; applications,
    replies and status notes are emailed or shown on the timeline; the workspace keeps
    notes, titles and upload notes and emails a meeting's summary. So each field is
    screened before anything is written. The error names every field at fault with what
    was found (masked) and why. A field given as None (not being set) is skipped.
    """
    errors = {}
    for field, text in texts.items():
        findings = find_identifiers(text) if text else []
        if findings:
            errors[field] = describe(findings)
    if errors:
        raise ValidationError(errors)
