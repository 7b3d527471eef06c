from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mentors.models import MentorStats, Supervision
from mentors.stats import mentor_stats_refresh
from mentors.tests.factories import ANSWERS, make_mentor
from outputs.models import Output
from outputs.services import AuthorIn, authorship_confirm, output_create
from people.tests.test_services import save_trainee

pytestmark = pytest.mark.django_db
TODAY = timezone.now().date()


def publish(*authors, years_ago: float = 1, kind=Output.Kind.ARTICLE, **extra) -> Output:
    return output_create(
        actor=None,
        kind=kind,
        title=extra.pop("title", f"Paper {Output.objects.count() + 1}"),
        authors=[a if isinstance(a, AuthorIn) else AuthorIn(str(a), a) for a in authors],
        date=TODAY - dt.timedelta(days=int(365 * years_ago)),
        **extra,
    )


@pytest.fixture
def mentor(personas):
    profile = make_mentor(personas.mentor, site=personas.site_a)
    return profile


def stats_of(profile) -> MentorStats:
    return MentorStats.objects.get(profile=profile)


def test_outputs_of_the_last_five_years_and_those_with_a_trainee_are_counted(personas, mentor):
    save_trainee(personas.trainee)
    publish(personas.mentor, personas.trainee)
    publish(personas.mentor, AuthorIn("J. Outside"))
    publish(personas.mentor, years_ago=7)
    stats = stats_of(mentor)
    assert stats.outputs_5y == 2
    assert stats.outputs_5y_with_trainee == 1


def test_collaborators_are_distinct_people_and_names_across_all_outputs(personas, mentor):
    publish(personas.mentor, personas.site_lead_a, AuthorIn("J. Outside"))
    publish(personas.mentor, personas.site_lead_a, AuthorIn("j. outside"), years_ago=9)
    assert stats_of(mentor).collaborators == 2


def test_only_grants_still_running_count(personas, mentor):
    common: dict[str, Any] = {"kind": Output.Kind.GRANT, "amount": Decimal(1000), "currency": "GBP"}
    publish(personas.mentor, ends_on=TODAY + dt.timedelta(days=30), **common)
    publish(personas.mentor, ends_on=TODAY - dt.timedelta(days=30), **common)
    stats = stats_of(mentor)
    assert stats.grants_current == 1
    assert stats.outputs_5y == 0  # grants are not publications


def test_the_track_record_counts_only_links_the_mentor_confirmed(personas, mentor):
    """A trainee naming the mentor on a paper and a grant adds nothing until they confirm."""
    save_trainee(personas.trainee)
    grant: dict[str, Any] = {"kind": Output.Kind.GRANT, "amount": Decimal(1000), "currency": "GBP"}
    named = [
        output_create(
            actor=personas.trainee,
            title=f"Named {n}",
            authors=[AuthorIn("Trainee", personas.trainee), AuthorIn("Mentor", personas.mentor)],
            date=TODAY,
            **values,
        )
        for n, values in enumerate(
            [{"kind": Output.Kind.ARTICLE}, {**grant, "ends_on": TODAY + dt.timedelta(days=30)}]
        )
    ]
    mentor_stats_refresh([mentor.pk])
    waiting = stats_of(mentor)
    assert (waiting.outputs_5y, waiting.outputs_5y_with_trainee) == (0, 0)
    assert (waiting.grants_current, waiting.collaborators) == (0, 0)
    for output in named:
        authorship_confirm(actor=personas.mentor, output=output)
    confirmed = stats_of(mentor)
    assert (confirmed.outputs_5y, confirmed.outputs_5y_with_trainee) == (1, 1)
    assert (confirmed.grants_current, confirmed.collaborators) == (1, 1)


def test_supervisions_and_their_completion_are_counted(personas, mentor):
    for state in ("completed", "completed", "stopped", "ongoing"):
        Supervision.objects.create(
            mentor=personas.mentor,
            trainee=UserFactory.create(),
            topic="t",
            started_on=TODAY,
            state=state,
        )
    mentor_stats_refresh([mentor.pk])
    stats = stats_of(mentor)
    assert (stats.supervisions, stats.supervisions_completed) == (4, 2)


def test_a_request_sent_updates_the_reply_figures(personas, mentor):
    from mentors.services import contact_request_move, contact_request_send

    request = contact_request_send(trainee=personas.trainee, mentor=personas.mentor, **ANSWERS)
    assert stats_of(mentor).requests == 1
    contact_request_move(actor=personas.mentor, request=request, action="accept")
    assert stats_of(mentor).median_reply_hours == pytest.approx(0, abs=0.01)


def test_the_score_weighs_trainee_work_and_finished_supervisions(personas, mentor):
    save_trainee(personas.trainee)
    publish(personas.mentor, personas.trainee)
    assert stats_of(mentor).score == 1 + 2


def test_refreshing_twice_changes_nothing_but_the_time(personas, mentor):
    publish(personas.mentor)
    first = stats_of(mentor)
    mentor_stats_refresh()
    second = stats_of(mentor)
    assert (first.outputs_5y, first.score, first.document) == (
        second.outputs_5y,
        second.score,
        second.document,
    )
    assert MentorStats.objects.count() == 1


def test_the_search_text_holds_name_expertise_statement_and_titles(personas, mentor):
    publish(personas.mentor, title="Perfusion MRI in glioma")
    document = stats_of(mentor).document
    assert "Mentor" in document
    assert "Neuroradiology" in document
    assert "Perfusion MRI in glioma" in document
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM mentors_search WHERE mentors_search MATCH 'glioma'")
            assert cursor.fetchall() == [(mentor.pk,)]
