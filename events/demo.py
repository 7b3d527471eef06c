"""Demo calendar: the sourced conferences, follows, local events, attendance and a plan.

Called by `seed_demo` after the network, people, mentors, projects and training exist.
Everything is keyed on natural keys, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from events import services
from events.models import Attendance, Conference, Deadline, Event, Follow, ProjectTarget
from events.seed import conferences_load
from network.demo import DEMO_DOMAIN
from network.models import Site
from people.models import Term
from projects import services as project_services
from projects.models import Project

LONDON = zoneinfo.ZoneInfo("Europe/London")
TRAINEE_PROJECT = "Incidental thyroid nodules on staging CT: a re-audit against the RCR standard"
FOLLOWS = {
    "trainee": ["ecr", "asnr", "rcr"],  # RSNA is left for the journey: follow it and plan
    "mentor": ["rsna", "ismrm", "esnr"],
    "sitelead.a": ["ukio", "rcr"],
    "sitelead.b": ["esgar", "cirse"],
    "committee": ["rsna", "ecr", "rcr", "ukio"],
    "statistician": ["ismrm"],
}


def _demo(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate(timezone=LONDON) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON).replace(tzinfo=None)


EVENTS = [
    # kind, title, days from today, hour, hours long, site (None: network-wide), subspecialty
    (
        "journal_club",
        "Neuroradiology journal club: DWI in stroke mimics",
        -14,
        17,
        1,
        "St Thomas' Hospital",
        "Neuroradiology",
    ),
    (
        "journal_club",
        "Neuroradiology journal club: reading a STARD checklist",
        14,
        17,
        1,
        "St Thomas' Hospital",
        "Neuroradiology",
    ),
    (
        "research_meeting",
        "Manchester audit collaborative: data collection launch",
        9,
        12,
        1,
        "Manchester Royal Infirmary",
        None,
    ),
    ("research_day", "Network research day: trainee abstracts and posters", 35, 9, 8, None, None),
    ("course", "GCP introduction for radiology trainees (online)", 21, 13, 4, None, None),
]


def _events(committee: User) -> list[Event]:
    made = []
    for kind, title, days, hour, hours, site_name, term_name in EVENTS:
        found = Event.objects.filter(title=title).first()
        if found is not None:
            made.append(found)
            continue
        site = Site.objects.filter(name=site_name).first() if site_name else None
        terms = (
            Term.objects.filter(kind=Term.Kind.SUBSPECIALTY, name=term_name) if term_name else []
        )
        made.append(
            services.event_save(
                actor=committee,
                kind=kind,
                title=title,
                time_zone="Europe/London",
                starts_local=_at(days, hour),
                ends_local=_at(days, hour) + dt.timedelta(hours=hours),
                site=site,
                subspecialties=terms,
                location="Radiology seminar room" if site else "",
                description="Bring one paper or one question. New to research? Ask about GCP, "
                "the delegation log and how a PI runs a study at our site.",
            )
        )
    return made


def _trainee_project(trainee: User, mentor: User) -> Project:
    found = Project.objects.filter(title=TRAINEE_PROJECT).first()
    if found is not None:
        return found
    return project_services.project_create(
        actor=trainee,
        mentor=mentor,
        sites=list(Site.objects.filter(name="St Thomas' Hospital")),
        title=TRAINEE_PROJECT,
        summary="Re-audit of how incidental thyroid nodules on staging CT are reported and "
        "followed up, one year after a departmental teaching session.",
        research_type="qi",
        subspecialty=Term.objects.filter(kind=Term.Kind.SUBSPECIALTY, name="Head and neck").first(),
        modality=Term.objects.filter(kind=Term.Kind.MODALITY, name="CT").first(),
        primary_outcome="Share of reports following the RCR recommendation",
        ethics="not_needed",
        audit_registration="granted",
        data_protection="not_needed",
        cases=150,
        minutes_collection=6,
        minutes_reading=0,
    )


def _mentor_plan(mentor: User) -> None:
    project = Project.objects.filter(lead=mentor).order_by("created_at").first()
    rsna = (
        Deadline.objects.filter(
            edition__conference__slug="rsna", kind="abstract", due_at__gt=timezone.now()
        )
        .order_by("due_at")
        .first()
    )
    if project is None or rsna is None or ProjectTarget.objects.filter(project=project).exists():
        return
    try:
        services.plan_accept(
            actor=mentor, project=project, deadline=rsna, buffer_days=14, hours_per_week=6
        )
    except ValidationError:  # a demo plan whose deadline has passed is simply left out
        return


@transaction.atomic
def seed() -> None:
    conferences_load()
    for local, slugs in FOLLOWS.items():
        person = _demo(local)
        for conference in Conference.objects.filter(slug__in=slugs):
            if not Follow.objects.filter(person=person, conference=conference).exists():
                services.conference_follow(person=person, conference=conference)
    trainee, mentor, committee = _demo("trainee"), _demo("mentor"), _demo("committee")
    events = _events(committee)
    past = events[0]
    if not Attendance.objects.filter(event=past, person=trainee).exists():
        services.attendance_mark(person=trainee, event=past)
    _trainee_project(trainee, mentor)
    _mentor_plan(mentor)
