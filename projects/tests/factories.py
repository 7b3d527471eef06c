from __future__ import annotations

from django.core.files.base import ContentFile

from projects import services
from projects.models import Project, ProjectRole

ROLES = [
    {"kind": "collection", "hours_per_week": 3, "duration_weeks": 12, "description": ""},
    {"kind": "reading", "hours_per_week": 2, "duration_weeks": 8, "description": ""},
]


def make_project(
    lead, *, mentor=None, sites=(), roles=ROLES, mentor_confirms=True, **fields
) -> Project:
    """A project posted by `lead`; a supervising mentor named confirms unless told not to."""
    values = {
        "title": "Diffusion MRI in stroke mimics",
        "summary": "Re-reading emergency MRI to separate stroke from its mimics.",
        "research_type": "diagnostic",
        "timing": "retrospective",
        "primary_outcome": "Sensitivity of DWI",
        "cases": 120,
        "minutes_collection": 10,
        "minutes_reading": 5,
        **fields,
    }
    project = services.project_create(
        actor=lead, mentor=mentor, sites=list(sites), roles=list(roles), **values
    )
    if mentor is not None and project.pending_mentor_id == mentor.pk and mentor_confirms:
        project = services.mentor_confirm(actor=mentor, project=project)
    return project


# An application note long enough to be read (the service asks for 20 words or more).
NOTE = (
    "ST3 with a neuroradiology interest and four hours a week from next month; I have "
    "collected data for an audit before and can start at once."
)


def join(project: Project, person, kind: str = "collection"):
    """Put `person` on the team through an accepted application."""
    role = ProjectRole.objects.filter(project=project, kind=kind).first()
    if role is None or role.state != "open":
        role = services.role_add(
            actor=project.lead, project=project, kind=kind, hours_per_week=2, duration_weeks=4
        )
    application = services.application_submit(
        applicant=person, role=role, note=NOTE, accept_load=True
    )
    return services.application_decide(actor=project.lead, application=application, action="accept")


def text_file(name: str = "protocol.txt", content: bytes = b"protocol v1") -> ContentFile:
    return ContentFile(content, name=name)
