"""Recount mentors' track records from the source rows, many mentors at a time.

One pass reads outputs, grants, supervisions and contact requests for a chunk of
mentors in a handful of grouped queries and upserts their `MentorStats` rows, so the
same code serves one mentor after a change and 20,000 after an import.

Only links the mentor confirmed count: the recount reads `Author.person`, never
`Author.pending_person` (an author link someone else made that waits for the mentor's
answer), so a trainee naming a mentor adds nothing to their record until they confirm.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core import fragments
from mentors.models import ContactRequest, MentorStats, Supervision
from mentors.search import term_token
from mentors.selectors import RequestRow, author_key, summarize_replies
from outputs.models import Author, Output
from people.models import MentorProfile

CHUNK = 2000
YEARS = 5
# The figures a track record shows; STATS_FIELDS adds what the directory keeps beside.
COUNTED_FIELDS = [
    "outputs_5y",
    "outputs_5y_with_trainee",
    "grants_current",
    "supervisions",
    "supervisions_completed",
    "collaborators",
    "requests",
    "median_reply_hours",
    "share_replied_14d",
]
PLACE_FIELDS = [
    "person_active",
    "accepting_trainees",
    "site",
    "region",
    "latitude",
    "longitude",
]
STATS_FIELDS = [
    *COUNTED_FIELDS,
    *PLACE_FIELDS,
    "last_active",
    "score",
    "document",
    "refreshed_at",
]


def track_record_score(stats: MentorStats) -> float:
    """One number to sort the directory by: outputs, trainee co-authorship and finished
    supervisions weigh most, because they are what a trainee gets from a mentor."""
    return (
        stats.outputs_5y
        + 2.0 * stats.outputs_5y_with_trainee
        + 3.0 * stats.supervisions_completed
        + 2.0 * stats.grants_current
    )


@dataclass
class _Facts:
    recent: set[int] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    all_outputs: set[int] = field(default_factory=set)
    last_output: dt.date | None = None


def _five_years_ago(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - YEARS, day=28)


def _output_facts(person_ids: list[int], cutoff: dt.date) -> dict[int, _Facts]:
    facts: dict[int, _Facts] = defaultdict(_Facts)
    rows = Author.objects.filter(person_id__in=person_ids).exclude(output__kind=Output.Kind.GRANT)
    for person_id, output_id, title, date in rows.values_list(
        "person_id", "output_id", "output__title", "output__date"
    ):
        mine = facts[person_id]
        mine.all_outputs.add(output_id)
        if date is not None and date >= cutoff:
            mine.recent.add(output_id)
            mine.titles.append(title)
        if date is not None and (mine.last_output is None or date > mine.last_output):
            mine.last_output = date
    return facts


AuthorKey = tuple[int, str]


@dataclass
class _Coauthors:
    """Per output: every author, and the authors who are trainees."""

    everyone: dict[int, set[AuthorKey]] = field(default_factory=lambda: defaultdict(set))
    trainees: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def _coauthors(person_ids: list[int]) -> _Coauthors:
    found = _Coauthors()
    rows = Author.objects.filter(output__authors__person_id__in=person_ids).values_list(
        "output_id", "person_id", "name", "person__trainee_profile__pk"
    )
    for output_id, person_id, name, trainee_profile in rows.distinct():
        found.everyone[output_id].add(author_key(person_id, name))
        if trainee_profile is not None:
            found.trainees[output_id].add(person_id)
    return found


def _grants(person_ids: list[int], today: dt.date) -> dict[int, int]:
    current = Author.objects.filter(
        person_id__in=person_ids, output__kind=Output.Kind.GRANT, output__ends_on__gte=today
    )
    counted = current.values("person_id").annotate(n=Count("output_id", distinct=True))
    return {row["person_id"]: row["n"] for row in counted}


def _supervisions(person_ids: list[int]) -> dict[int, tuple[int, int]]:
    done = Q(state=Supervision.State.COMPLETED)
    counted = (
        Supervision.objects.filter(mentor_id__in=person_ids)
        .values("mentor_id")
        .annotate(total=Count("id"), completed=Count("id", filter=done))
    )
    return {row["mentor_id"]: (row["total"], row["completed"]) for row in counted}


def _requests(
    person_ids: list[int],
) -> dict[int, list[RequestRow]]:
    rows: dict[int, list[RequestRow]] = defaultdict(list)
    for mentor_id, state, sent_at, replied_at in ContactRequest.objects.filter(
        mentor_id__in=person_ids
    ).values_list("mentor_id", "state", "sent_at", "replied_at"):
        rows[mentor_id].append((state, sent_at, replied_at))
    return rows


def _document(profile: MentorProfile, titles: list[str]) -> str:
    """What the full-text search reads: who, where, expertise, statement, recent titles.

    Each expertise term also enters as a token of its own (`term_token`), so that the
    directory's term filters ride on the same full-text index as the words.
    """
    site = f"{profile.site.name} {profile.site.city}" if profile.site else ""
    terms = list(profile.expertise.all())
    expertise = " ".join(term.name for term in terms)
    tokens = " ".join(term_token(term.pk) for term in terms)
    parts = [str(profile.person), profile.get_title_display(), site, expertise, profile.statement]
    return "\n".join([*parts, tokens, *titles[:200]])


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def mentor_stats_refresh(profile_ids: Iterable[int] | None = None) -> int:
    """Recount the given mentors' track records (all mentors when None); returns how many."""
    ids = list(
        MentorProfile.objects.values_list("pk", flat=True)
        if profile_ids is None
        else MentorProfile.objects.filter(pk__in=list(profile_ids)).values_list("pk", flat=True)
    )
    for chunk in _chunks(ids):
        with transaction.atomic():
            _refresh_chunk(chunk)
    return len(ids)


def mentor_stats_refresh_for_people(person_ids: Iterable[int]) -> int:
    """Recount the track records of those of these people who are mentors."""
    profiles = MentorProfile.objects.filter(person_id__in=list(person_ids))
    return mentor_stats_refresh(profiles.values_list("pk", flat=True))


def _refresh_chunk(profile_ids: list[int]) -> None:
    profiles = list(
        MentorProfile.objects.filter(pk__in=profile_ids)
        .select_related("person", "site")
        .prefetch_related("expertise")
    )
    person_ids = [p.person_id for p in profiles]
    now = timezone.now()
    today = now.date()
    facts = _output_facts(person_ids, _five_years_ago(today))
    coauthors = _coauthors(person_ids)
    grants = _grants(person_ids, today)
    supervisions = _supervisions(person_ids)
    contact_requests = _requests(person_ids)
    rows = []
    for profile in profiles:
        mine = facts.get(profile.person_id, _Facts())
        rows.append(
            _stats_row(profile, mine, coauthors, grants, supervisions, contact_requests, now)
        )
    MentorStats.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["profile"], update_fields=STATS_FIELDS
    )
    _index_documents(rows)
    fragments.bump("mentors")  # bulk_create sends no signal: the directory draws afresh


def _stats_row(
    profile: MentorProfile,
    mine: _Facts,
    coauthors: _Coauthors,
    grants: dict[int, int],
    supervisions: dict[int, tuple[int, int]],
    contact_requests: dict[int, list[RequestRow]],
    now: dt.datetime,
) -> MentorStats:
    me = profile.person_id
    with_trainee = sum(1 for o in mine.recent if coauthors.trainees[o] - {me})
    collaborators = set().union(*(coauthors.everyone[o] for o in mine.all_outputs)) - {(me, "")}
    replies = summarize_replies(contact_requests.get(me, []), now=now)
    total, completed = supervisions.get(me, (0, 0))
    stats = MentorStats(
        profile=profile,
        outputs_5y=len(mine.recent),
        outputs_5y_with_trainee=with_trainee,
        grants_current=grants.get(me, 0),
        supervisions=total,
        supervisions_completed=completed,
        collaborators=len(collaborators),
        requests=replies.requests,
        median_reply_hours=(
            replies.median_reply.total_seconds() / 3600 if replies.median_reply else None
        ),
        share_replied_14d=replies.share_within_window,
        last_active=_last_active(profile, mine, contact_requests.get(me, [])),
        document=_document(profile, mine.titles),
        refreshed_at=now,
        person_active=profile.person.is_active,
        accepting_trainees=profile.accepting_trainees,
        site=profile.site,
        region_id=profile.site.region_id if profile.site else None,
        latitude=float(profile.site.latitude) if profile.site else None,
        longitude=float(profile.site.longitude) if profile.site else None,
    )
    stats.score = track_record_score(stats)
    return stats


def _last_active(
    profile: MentorProfile,
    mine: _Facts,
    requests: list[RequestRow],
) -> dt.datetime | None:
    moments = [profile.person.last_login, *(replied for _, _, replied in requests)]
    if mine.last_output is not None:
        moments.append(dt.datetime.combine(mine.last_output, dt.time(), tzinfo=dt.UTC))
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def _index_documents(rows: list[MentorStats]) -> None:
    """SQLite keeps the search text in its FTS5 table; PostgreSQL derives it in a column."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        ids = [(row.profile_id,) for row in rows]
        cursor.executemany("DELETE FROM mentors_search WHERE rowid = %s", ids)
        cursor.executemany(
            "INSERT INTO mentors_search (rowid, document) VALUES (%s, %s)",
            [(row.profile_id, row.document) for row in rows],
        )
