"""Measured facts about a mentor, from RadCollab's own records."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from mentors.models import ContactRequest, MentorStats

if TYPE_CHECKING:
    from mentors.models import Supervision
    from outputs.models import Output
    from people.models import MentorProfile

REPLY_WINDOW = dt.timedelta(days=14)
# Below this many requests a median or a share says more about chance than about the mentor.
ENOUGH_REQUESTS = 3


@dataclass(frozen=True)
class ReplyRecord:
    requests: int
    answered: int
    median_reply: dt.timedelta | None
    share_within_window: float | None

    @property
    def thin(self) -> bool:
        return self.requests < ENOUGH_REQUESTS


def _median(waits: list[dt.timedelta]) -> dt.timedelta | None:
    if not waits:
        return None
    seconds = statistics.median(wait.total_seconds() for wait in waits)
    return dt.timedelta(seconds=seconds)


def reply_record(mentor: User, *, now: dt.datetime | None = None) -> ReplyRecord:
    """How fast the mentor answers requests made through RadCollab."""
    rows = ContactRequest.objects.filter(mentor=mentor).values_list(
        "state", "sent_at", "replied_at"
    )
    return summarize_replies(list(rows), now=now or timezone.now())


RequestRow = tuple[str, dt.datetime, dt.datetime | None]


def summarize_replies(rows: list[RequestRow], *, now: dt.datetime) -> ReplyRecord:
    """Reply figures from (state, sent_at, replied_at) rows.

    Requests still pending for less than the window are left out of the share: they
    may yet be answered in time. Withdrawn requests count only if answered first.
    """
    waits: list[dt.timedelta] = []
    judged = in_time = 0
    for state, sent_at, replied_at in rows:
        if replied_at is not None:
            waits.append(replied_at - sent_at)
            judged += 1
            in_time += replied_at - sent_at <= REPLY_WINDOW
        elif state == ContactRequest.State.PENDING and now - sent_at > REPLY_WINDOW:
            judged += 1
    return ReplyRecord(
        requests=len(rows),
        answered=len(waits),
        median_reply=_median(waits),
        share_within_window=in_time / judged if judged else None,
    )


@dataclass(frozen=True)
class Coauthor:
    name: str
    joint: int
    trainee: bool
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class TrackRecord:
    stats: MentorStats | None
    recent: list[Output]
    grants: list[Output]
    supervisions: list[Supervision]
    coauthors: list[Coauthor]


GRAPH_SIZE = 12  # co-authors drawn around the mentor; the list below names them all


def track_record(profile: MentorProfile) -> TrackRecord:
    """What a mentor's page shows: the recounted figures and the rows behind them."""
    from mentors.models import MentorStats, Supervision
    from outputs.models import Output

    person = profile.person
    mine = Output.objects.filter(authors__person=person).distinct()
    today = timezone.now().date()
    return TrackRecord(
        stats=MentorStats.objects.filter(profile=profile).first(),
        recent=list(
            mine.exclude(kind=Output.Kind.GRANT).prefetch_related("authors").order_by("-date")[:10]
        ),
        grants=list(mine.filter(kind=Output.Kind.GRANT, ends_on__gte=today).order_by("ends_on")),
        supervisions=list(
            Supervision.objects.filter(mentor=person)
            .select_related("trainee")
            .prefetch_related("outputs")
        ),
        coauthors=_placed(_coauthors_of(person)),
    )


def author_key(person_id: int | None, name: str) -> tuple[int, str]:
    """Who an author is: the linked person whatever the spelling, else the name."""
    return (person_id or 0, "" if person_id else name.casefold())


def _coauthors_of(person: User) -> list[Coauthor]:
    from outputs.models import Author

    rows = (
        Author.objects.filter(output__authors__person=person)
        .exclude(person=person)
        .values_list("output_id", "person_id", "name", "person__trainee_profile__pk")
        .distinct()
    )
    joint: dict[tuple[int, str], set[int]] = {}
    names: dict[tuple[int, str], tuple[str, bool]] = {}
    for output_id, person_id, name, trainee in rows:
        key = author_key(person_id, name)
        joint.setdefault(key, set()).add(output_id)
        names[key] = (name, trainee is not None)
    found = [Coauthor(names[k][0], len(v), names[k][1]) for k, v in joint.items()]
    return sorted(found, key=lambda c: (-c.joint, c.name))


def _placed(coauthors: list[Coauthor]) -> list[Coauthor]:
    """Put the first GRAPH_SIZE co-authors on a circle around the mentor (0, 0)."""
    shown = coauthors[:GRAPH_SIZE]
    step = 2 * math.pi / max(len(shown), 1)
    placed = [
        Coauthor(c.name, c.joint, c.trainee, 100 * math.cos(i * step), 100 * math.sin(i * step))
        for i, c in enumerate(shown)
    ]
    return placed + coauthors[GRAPH_SIZE:]


@dataclass(frozen=True)
class Waiting:
    """A request still waiting for the mentor's reply, and for how long."""

    request: ContactRequest
    days: int

    @property
    def overdue(self) -> bool:
        return self.days > REPLY_WINDOW.days


def waiting_for_reply(mentor: User, *, now: dt.datetime | None = None) -> list[Waiting]:
    """Requests sent to `mentor` that they have not answered, oldest first."""
    now = now or timezone.now()
    rows = (
        ContactRequest.objects.filter(mentor=mentor, state=ContactRequest.State.PENDING)
        .select_related("trainee")
        .order_by("sent_at", "pk")
    )
    return [Waiting(row, (now - row.sent_at).days) for row in rows]


def sent_waiting(trainee: User) -> list[ContactRequest]:
    """Requests `trainee` sent that wait for a reply, newest first."""
    return list(
        ContactRequest.objects.filter(trainee=trainee, state=ContactRequest.State.PENDING)
        .select_related("mentor")
        .order_by("-sent_at", "-pk")
    )


def people_with_record(supervisions: int) -> QuerySet[MentorStats, int]:
    """The mentors (their person ids, for a subquery) who completed at least this many
    supervisions: the board's quick wins need a supervising mentor with a record."""
    with_record = MentorStats.objects.filter(supervisions_completed__gte=supervisions)
    return with_record.values_list("profile__person_id", flat=True)
