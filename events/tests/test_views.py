"""The calendar pages, feeds and the deadline form, through the test client."""

# ruff: noqa: DTZ001 - wall-clock times typed in a named zone are naive on purpose.

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from events import services
from events.models import AOE, Deadline, Follow
from events.seed import conferences_load
from events.tests.factories import make_conference, make_deadline
from formats.ical import read_calendar
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db
FUTURE = dt.datetime(2027, 5, 6, 17, tzinfo=dt.UTC)


def test_the_calendar_shows_deadlines_in_my_zone_with_the_source_zone_stated(client, personas):
    personas.trainee.time_zone = "Europe/London"
    personas.trainee.save()
    deadline = make_deadline(due_at=FUTURE, time_zone="America/Chicago")
    services.conference_follow(person=personas.trainee, conference=deadline.edition.conference)
    client.force_login(personas.trainee)
    html = client.get(reverse("events:calendar")).content.decode()
    assert "Thu 6 May 2027, 18:00 BST" in html  # noon CDT is 18:00 in London
    assert "6 May 2027, 12:00 CDT (US Central time (CT))" in html
    assert "days left" in html


def test_an_estimate_is_labelled_on_the_conference_page(client, personas):
    conferences_load(now=dt.datetime(2026, 11, 23, tzinfo=dt.UTC))
    client.force_login(personas.trainee)
    html = client.get(reverse("events:conference", args=["rsna"])).content.decode()
    assert "Estimate, not yet published" in html
    assert "[RSNA-1]" in html


def test_following_puts_the_deadline_in_my_private_feed_with_a_stable_uid(client, personas):
    deadline = make_deadline(due_at=FUTURE)
    client.force_login(personas.trainee)
    client.post(reverse("events:follow", args=[deadline.edition.conference.slug]))
    assert Follow.objects.filter(person=personas.trainee).exists()
    secret = services.feed_token_create(person=personas.trainee).secret
    feed = client.get(reverse("events:private_feed", args=[secret]))
    assert feed["Content-Type"].startswith("text/calendar")
    (entry,) = [e for e in read_calendar(feed.content) if e.uid.startswith("deadline-")]
    assert entry.uid == f"deadline-{deadline.pk}@radcollab"
    assert entry.start == FUTURE
    given = services.DeadlineInput(
        kind="abstract", local=dt.datetime(2027, 5, 13, 12), time_zone="America/Chicago"
    )
    services.deadline_save(actor=None, edition=deadline.edition, given=given)
    again = [
        e
        for e in read_calendar(client.get(reverse("events:private_feed", args=[secret])).content)
        if e.uid.startswith("deadline-")
    ]
    assert [(e.uid, e.start, e.sequence) for e in again] == [
        (entry.uid, dt.datetime(2027, 5, 13, 17, tzinfo=dt.UTC), 2)
    ], "an update changes the event, it never adds a second one"


def test_a_revoked_feed_token_is_a_404(client, personas):
    secret = services.feed_token_create(person=personas.trainee).secret
    services.feed_token_revoke(person=personas.trainee)
    assert client.get(reverse("events:private_feed", args=[secret])).status_code == 404


def test_a_new_feed_address_is_shown_once_as_webcal(client, personas):
    client.force_login(personas.trainee)
    page = client.post(reverse("events:feed_token"), follow=True).content.decode()
    assert "webcal://testserver/events/feeds/" in page
    assert (
        "webcal://"
        not in client.get(reverse("events:feeds")).content.decode().split("Public feeds")[0]
    )


def test_the_public_feed_lists_tagged_and_general_meetings_only(client, personas):
    from people.models import Term

    neuro = Term.objects.get(kind="subspecialty", name="Neuroradiology")
    breast = Term.objects.get(kind="subspecialty", name="Breast")
    tagged = make_deadline(make_conference("neuro"), due_at=FUTURE)
    tagged.edition.conference.subspecialties.add(neuro)
    general = make_deadline(make_conference("general"), due_at=FUTURE)
    other = make_deadline(make_conference("breast"), due_at=FUTURE)
    other.edition.conference.subspecialties.add(breast)
    feed = client.get(reverse("events:public_feed", args=[neuro.slug]))
    uids = {e.uid for e in read_calendar(feed.content)}
    assert {tagged.uid, general.uid} <= uids
    assert other.uid not in uids


def test_a_deadline_without_a_time_zone_is_refused_and_nothing_changes(client, two_factor):
    deadline = make_deadline(due_at=FUTURE)
    client.force_login(two_factor.committee)
    response = client.post(
        reverse("events:deadline_edit", args=[deadline.pk]),
        {
            "kind": "abstract",
            "local": "2027-05-20T12:00",
            "time_zone": "",
            "version": deadline.version,
        },
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(
        reverse("events:deadline_edit", args=[deadline.pk]),
        {
            "kind": "abstract",
            "local": "2027-05-20T12:00",
            "time_zone": "Mars/Olympus",
            "version": deadline.version,
        },
    )
    assert "“Mars/Olympus” is not a time zone name." in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.due_at == FUTURE


def test_confirming_an_estimate_keeps_the_row_and_clears_the_label(client, two_factor):
    conferences_load(now=dt.datetime(2026, 11, 23, tzinfo=dt.UTC))
    estimate = Deadline.objects.get(edition__conference__slug="rsna", is_estimate=True)
    client.force_login(two_factor.committee)
    response = client.post(
        reverse("events:deadline_edit", args=[estimate.pk]),
        {
            "kind": "abstract",
            "local": "2027-04-28T12:00",
            "time_zone": "America/Chicago",
            "time_stated": "on",
            "source": "rsna.org 2027 call",
            "version": estimate.version,
        },
    )
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert not estimate.is_estimate
    assert not estimate.edition.is_estimate
    assert estimate.due_at == dt.datetime(2027, 4, 28, 17, tzinfo=dt.UTC)


def test_a_stale_deadline_edit_is_a_conflict(client, two_factor):
    deadline = make_deadline(due_at=FUTURE)
    client.force_login(two_factor.committee)
    data = {
        "kind": "abstract",
        "local": "2027-05-20T12:00",
        "time_zone": AOE,
        "version": deadline.version,
    }
    assert client.post(reverse("events:deadline_edit", args=[deadline.pk]), data).status_code == 302
    response = client.post(
        reverse("events:deadline_edit", args=[deadline.pk]), {**data, "local": "2027-05-21T12:00"}
    )
    assert "Someone saved this deadline" in response.content.decode()


def test_the_plan_page_proposes_then_the_lead_accepts(client, personas):
    project = make_project(
        personas.trainee, ethics="not_needed", data_protection="not_needed", cases=40
    )
    deadline = make_deadline(due_at=FUTURE)
    client.force_login(personas.trainee)
    page = client.get(
        reverse("events:plan", args=[project.pk]) + f"?for={deadline.pk}"
    ).content.decode()
    assert "Proposed milestones" in page
    assert "Abstract submitted" in page
    response = client.post(
        reverse("events:plan", args=[project.pk]),
        {"deadline": deadline.pk, "buffer_days": 7, "hours_per_week": 4},
    )
    assert response.status_code == 302
    assert project.milestones.count() == 5


def test_an_event_that_ends_before_it_starts_is_refused(client, personas):
    client.force_login(personas.committee)
    response = client.post(
        reverse("events:event_new"),
        {
            "kind": "course",
            "title": "Backwards",
            "starts": "2027-01-02T10:00",
            "ends": "2027-01-02T09:00",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 400
    assert "The event ends before it starts." in response.content.decode()


def test_the_dashboard_shows_my_next_deadline_with_a_countdown(client, personas):
    deadline = make_deadline(due_at=FUTURE)
    services.conference_follow(person=personas.trainee, conference=deadline.edition.conference)
    client.force_login(personas.trainee)
    html = client.get(reverse("dashboard")).content.decode()
    assert "My next deadlines" in html
    assert "days left" in html


def test_an_unchanged_feed_answers_304_and_a_change_sends_it_again(client, personas):
    deadline = make_deadline(due_at=FUTURE)
    services.conference_follow(person=personas.trainee, conference=deadline.edition.conference)
    url = reverse(
        "events:private_feed", args=[services.feed_token_create(person=personas.trainee).secret]
    )
    first = client.get(url)
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    given = services.DeadlineInput(
        kind="abstract", local=dt.datetime(2027, 5, 13, 12), time_zone="America/Chicago"
    )
    services.deadline_save(actor=None, edition=deadline.edition, given=given)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    (entry,) = [e for e in read_calendar(changed.content) if e.uid == deadline.uid]
    assert entry.start == dt.datetime(2027, 5, 13, 17, tzinfo=dt.UTC)


def test_a_feed_that_loses_an_entry_is_not_answered_304(client, personas):
    """An unfollow leaves no newer change time in the feed; the ETag still moves."""
    deadline = make_deadline(due_at=FUTURE)
    conference = deadline.edition.conference
    services.conference_follow(person=personas.trainee, conference=conference)
    url = reverse(
        "events:private_feed", args=[services.feed_token_create(person=personas.trainee).secret]
    )
    etag = client.get(url)["ETag"]
    services.conference_unfollow(person=personas.trainee, conference=conference)
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert deadline.uid not in {e.uid for e in read_calendar(response.content)}


def test_a_revoked_feed_is_a_404_even_with_the_etag_it_had(client, personas):
    secret = services.feed_token_create(person=personas.trainee).secret
    url = reverse("events:private_feed", args=[secret])
    etag = client.get(url)["ETag"]
    services.feed_token_revoke(person=personas.trainee)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404


def test_the_feed_shows_events_milestones_and_credentials_in_utc(client, personas):
    from events.tests.factories import make_event
    from projects import workspace as project_workspace
    from training.models import Credential

    personas.trainee.time_zone = "America/New_York"
    personas.trainee.save()
    project = make_project(personas.trainee)
    milestone = project_workspace.milestone_create(
        actor=personas.trainee, project=project, title="Data locked", due_on=dt.date(2027, 1, 15)
    )
    event = make_event(starts_at=dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC), site=personas.site_a)
    Credential.objects.create(
        person=personas.trainee,
        kind="gcp_intro",
        completed_on=dt.date(2025, 6, 1),
        provider="NIHR",
    )
    url = reverse(
        "events:private_feed", args=[services.feed_token_create(person=personas.trainee).secret]
    )
    entries = {e.uid: e for e in read_calendar(client.get(url).content)}
    mine = entries[f"milestone-{milestone.pk}@radcollab"]
    # 17:00 in New York on the day it is due, written in UTC (EST is UTC-5).
    assert mine.start == dt.datetime(2027, 1, 15, 22, tzinfo=dt.UTC)
    assert mine.summary == f"Milestone: Data locked — {project.title}"
    assert entries[event.uid].start == event.starts_at
    assert entries[event.uid].url.endswith(f"/events/{event.pk}/")
    expiry = [e for uid, e in entries.items() if uid.startswith("credential-")]
    (credential,) = expiry
    assert isinstance(credential.start, dt.date)
