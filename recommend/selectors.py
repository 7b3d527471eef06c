"""The "for you" inputs read from the other apps: the trainee as a `Seeker` and every
mentor, project, opportunity, conference and local event as a `Candidate`.

Each kind is read in a few queries whatever its size (no query per row): the texts the
similarity reads, the facts the rules read, and what is already the trainee's own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Q
from django.utils import formats

from events.models import Attendance, Deadline, Event, Follow
from mentors.models import ContactRequest, Supervision
from network.models import Site
from opportunities.eligibility import Facts, verdict
from opportunities.models import Opportunity
from outputs.models import Output
from people.models import MentorProfile, TraineeProfile
from people.selectors import home_site
from projects.estimates import TYPE_METHOD_NAMES
from projects.models import Application, Member, Project, ProjectRole, ResearchType
from recommend.core import Candidate, Seeker
from recommend.models import Dismissal, StoredList

if TYPE_CHECKING:
    from accounts.models import User

# Requests in these states mean the trainee already reached this mentor.
ASKED = (
    ContactRequest.State.PENDING,
    ContactRequest.State.ACCEPTED,
    ContactRequest.State.COMPLETED,
)
TITLES_PER_PERSON = 12  # the latest outputs that describe a person's work


def trainee_profile(person: User) -> TraineeProfile | None:
    if not getattr(person, "is_authenticated", False):
        return None
    return (
        TraineeProfile.objects.filter(person=person).prefetch_related("interests", "skills").first()
    )


def _output_titles(person_ids: list[int]) -> dict[int, list[str]]:
    rows = (
        Output.objects.filter(authors__person_id__in=person_ids)
        .order_by("-date", "-pk")
        .values_list("authors__person_id", "title")
    )
    titles: dict[int, list[str]] = defaultdict(list)
    for person_id, title in rows:
        if len(titles[person_id]) < TITLES_PER_PERSON:
            titles[person_id].append(title)
    return titles


class _Place(TypedDict, total=False):
    """Where a seeker or a candidate is, as `Seeker` and `Candidate` take it (none: unknown)."""

    latitude: float | None
    longitude: float | None
    place: str
    region: str


def _place(site: Site | None) -> _Place:
    if site is None:
        return {}
    return {
        "latitude": float(site.latitude) if site.latitude is not None else None,
        "longitude": float(site.longitude) if site.longitude is not None else None,
        "place": site.name,
        "region": site.region.name if site.region_id else "",
    }


def seeker_of(person: User, profile: TraineeProfile | None = None) -> Seeker | None:
    """The trainee as the ranking reads them, or None without a trainee profile."""
    profile = profile or trainee_profile(person)
    if profile is None:
        return None
    interests = [term.name for term in profile.interests.all()]
    skills = [term.name for term in profile.skills.all()]
    projects = Project.objects.filter(Q(lead=person) | Q(members__person=person)).distinct()
    topics = Supervision.objects.filter(trainee=person).values_list("topic", flat=True)
    words = [
        *interests,
        *interests,  # what they chose to name weighs more than what they happen to have done
        *skills,
        profile.career_goals,
        *_output_titles([person.pk]).get(person.pk, []),
        *(f"{p.title}. {p.summary}" for p in projects),
        *topics,
    ]
    site = home_site(person)
    if site is not None:
        site = Site.objects.select_related("region").get(pk=site.pk)
    return Seeker(
        key=f"person:{person.pk}",
        text="\n".join(w for w in words if w),
        terms=frozenset(interests),
        hours_per_week=profile.hours_per_week,
        **_place(site),
    )


def _mentors(person: User) -> list[Candidate]:
    profiles = list(
        MentorProfile.objects.exclude(person=person)
        .filter(person__is_active=True)
        .select_related("person", "site__region", "stats")
        .prefetch_related("expertise")
        .order_by("pk")
    )
    ids = [p.person_id for p in profiles]
    titles = _output_titles(ids)
    topics: dict[int, list[str]] = defaultdict(list)
    for mentor_id, topic in Supervision.objects.filter(mentor_id__in=ids).values_list(
        "mentor_id", "topic"
    ):
        topics[mentor_id].append(topic)
    supervised: dict[int, list[str]] = defaultdict(list)
    for mentor_id, title in Project.objects.filter(mentor_id__in=ids).values_list(
        "mentor_id", "title"
    ):
        supervised[mentor_id].append(title)
    asked = set(
        ContactRequest.objects.filter(trainee=person, state__in=ASKED).values_list(
            "mentor_id", flat=True
        )
    )
    asked |= set(
        Supervision.objects.filter(trainee=person, state=Supervision.State.ONGOING).values_list(
            "mentor_id", flat=True
        )
    )
    return [_mentor(p, titles, topics, supervised, asked) for p in profiles]


def _mentor(
    profile: MentorProfile,
    titles: dict[int, list[str]],
    topics: dict[int, list[str]],
    supervised: dict[int, list[str]],
    asked: set[int],
) -> Candidate:
    expertise = [term.name for term in profile.expertise.all()]
    stats = getattr(profile, "stats", None)
    hours = stats.median_reply_hours if stats is not None else None
    text = [*expertise, profile.statement]
    text += titles.get(profile.person_id, []) + topics.get(profile.person_id, [])
    text += supervised.get(profile.person_id, [])
    where = f" · {profile.site.name}" if profile.site else ""
    return Candidate(
        key=f"mentor:{profile.person_id}",
        kind="mentor",
        title=str(profile.person),
        url=profile.get_absolute_url(),
        text="\n".join(t for t in text if t),
        detail=f"{profile.get_title_display()}{where}",
        terms=frozenset(expertise),
        open=profile.accepting_trainees,
        own=profile.person_id in asked,
        reply_days=hours / 24 if hours is not None else None,
        replies=stats.requests if stats is not None else 0,
        **_place(profile.site),
    )


def _nearest(sites: list[Site], seeker: Seeker) -> Site | None:
    placed = [s for s in sites if s.latitude is not None and s.longitude is not None]
    latitude, longitude = seeker.latitude, seeker.longitude
    if not placed or latitude is None or longitude is None:
        return sites[0] if sites else None

    def away(site: Site) -> float:
        return (float(site.latitude) - latitude) ** 2 + (float(site.longitude) - longitude) ** 2

    return min(placed, key=away)


def _projects(person: User, seeker: Seeker) -> list[Candidate]:
    projects = list(
        Project.objects.current()
        .select_related("subspecialty", "modality")
        .prefetch_related("sites__region")
        .order_by("pk")
    )
    ids = [p.pk for p in projects]
    roles: dict[int, list[str]] = defaultdict(list)
    for project_id, description in ProjectRole.objects.filter(
        project_id__in=ids, state=ProjectRole.State.OPEN
    ).values_list("project_id", "description"):
        roles[project_id].append(description)
    own = set(Member.objects.filter(person=person).values_list("project_id", flat=True))
    own |= {p.pk for p in projects if p.lead_id == person.pk}
    own |= set(
        Application.objects.filter(applicant=person, state=Application.State.PENDING).values_list(
            "role__project_id", flat=True
        )
    )
    return [_project(p, roles.get(p.pk, []), p.pk in own, seeker) for p in projects]


def _project(project: Project, roles: list[str], own: bool, seeker: Seeker) -> Candidate:
    terms = {TYPE_METHOD_NAMES[project.research_type]}
    terms |= {t.name for t in (project.subspecialty, project.modality) if t is not None}
    site = _nearest(list(project.sites.all()), seeker)
    text = [project.title, project.summary, project.primary_outcome, *sorted(terms), *roles]
    detail = project.get_research_type_display()
    if site is not None:
        detail += f" · {site.name}"
    return Candidate(
        key=f"project:{project.pk}",
        kind="project",
        title=project.title,
        url=project.get_absolute_url(),
        text="\n".join(t for t in text if t),
        detail=detail,
        terms=frozenset(terms),
        hours_needed=project.min_open_hours,
        open=project.min_open_hours is not None,
        own=own,
        anywhere=project.research_type == ResearchType.REVIEW,
        **_place(site),
    )


def _opportunities(person: User) -> list[Candidate]:
    facts = Facts.of(person)
    found = []
    for item in Opportunity.objects.published().prefetch_related("subspecialties").order_by("pk"):
        judged = verdict(item, facts)
        ruled = judged is not None and judged.reasons != ("Open to everyone",)
        rules = "; ".join(r.lstrip("✓✗ ") for r in judged.reasons) if judged and ruled else ""
        subspecialties = [term.name for term in item.subspecialties.all()]
        closes = (
            f" · closes {formats.date_format(item.deadline_at, 'j M Y')}"
            if item.deadline_at
            else ""
        )
        text = [item.title, item.funder, item.get_kind_display(), item.summary, *subspecialties]
        found.append(
            Candidate(
                key=f"opportunity:{item.pk}",
                kind="opportunity",
                title=item.title,
                url=item.get_absolute_url(),
                text="\n".join(t for t in text if t),
                detail=f"{item.get_kind_display()} · {item.funder}{closes}",
                terms=frozenset(subspecialties),
                eligible=judged.eligible if judged is not None and ruled else None,
                eligibility=rules,
                closes_at=item.deadline_at,
                own=item.suggested_by_id == person.pk,
                anywhere=True,
            )
        )
    return found


def _conferences(person: User, now: dt.datetime) -> list[Candidate]:
    """Each conference with its next deadline still to come; those with none are closed."""
    deadlines = (
        Deadline.objects.filter(due_at__gt=now)
        .with_conference()
        .prefetch_related("edition__conference__subspecialties")
        .order_by("due_at", "pk")
    )
    followed = set(Follow.objects.filter(person=person).values_list("conference_id", flat=True))
    found: dict[int, Candidate] = {}
    for deadline in deadlines:
        conference = deadline.edition.conference
        if conference.pk in found:
            continue
        subspecialties = [term.name for term in conference.subspecialties.all()]
        edition = deadline.edition
        where = f" · {edition.city}" if edition.city else ""
        due = formats.date_format(deadline.due_at, "j M Y")
        text = [conference.name, conference.society_name, edition.name, *subspecialties]
        found[conference.pk] = Candidate(
            key=f"conference:{conference.pk}",
            kind="conference",
            title=conference.name,
            url=conference.get_absolute_url(),
            text="\n".join(t for t in text if t),
            detail=f"{deadline.get_kind_display()} due {due}{where}",
            terms=frozenset(subspecialties),
            closes_at=deadline.due_at,
            own=conference.pk in followed,
        )
    return list(found.values())


def _events(person: User, now: dt.datetime) -> list[Candidate]:
    events = (
        Event.objects.filter(starts_at__gt=now)
        .select_related("site__region")
        .prefetch_related("subspecialties")
        .order_by("starts_at", "pk")
    )
    attending = set(Attendance.objects.filter(person=person).values_list("event_id", flat=True))
    found = []
    for event in events:
        subspecialties = [term.name for term in event.subspecialties.all()]
        when = formats.date_format(event.starts_at, "j M Y")
        where = f" · {event.location}" if event.location else ""
        text = [event.title, event.get_kind_display(), event.description, *subspecialties]
        found.append(
            Candidate(
                key=f"event:{event.pk}",
                kind="conference",
                title=event.title,
                url=event.get_absolute_url(),
                text="\n".join(t for t in text if t),
                detail=f"{event.get_kind_display()} on {when}{where}",
                terms=frozenset(subspecialties),
                closes_at=event.starts_at,
                own=event.pk in attending,
                **_place(event.site),
            )
        )
    return found


def candidates_for(person: User, seeker: Seeker, *, now: dt.datetime) -> list[Candidate]:
    """Everything that might be recommended to `person`; the rules decide what stays."""
    return [
        *_mentors(person),
        *_projects(person, seeker),
        *_opportunities(person),
        *_conferences(person, now),
        *_events(person, now),
    ]


def dismissed_keys(person: User) -> frozenset[str]:
    return frozenset(Dismissal.objects.filter(person=person).values_list("item_key", flat=True))


def dismissals_of(person: User) -> list[Dismissal]:
    return list(Dismissal.objects.filter(person=person).order_by("-created_at", "-pk"))


def stored_list(person: User) -> StoredList | None:
    return StoredList.objects.filter(person=person).first()
