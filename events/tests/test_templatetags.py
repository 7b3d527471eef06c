"""The calendar's template tags and filters: what the date filter wrote, escaped."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from events.selectors import ConferenceLink
from events.templatetags.calendar import conference_links, deadline_rows, iso, kind_label, when
from events.tests.factories import make_conference, make_deadline

ZONES = ["Europe/London", "America/Chicago", "Asia/Kolkata", "Etc/GMT+12", "UTC"]


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001 - made aware by hypothesis
        max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(dt.UTC),
    ),
    st.sampled_from(ZONES),
)
def test_when_and_iso_write_what_the_date_filter_writes(instant, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        # A template hands the date filter the instant in the current zone.
        local = timezone.localtime(instant)
        assert when(instant) == date_filter(local, "D j M Y, H:i T")
        assert iso(instant) == date_filter(local, "c")


def test_kind_labels_are_the_choices_labels():
    assert kind_label("late_breaking") == "Late-breaking abstracts"
    assert kind_label("journal_club") == "Journal club"


def test_the_conference_index_escapes_every_value():
    html = conference_links(
        [
            ConferenceLink(1, "a-b", "<S&S>", 'Meeting "one"', True),
            ConferenceLink(2, "c", "C", "C", False),
        ],
        "/events/conferences/",
    )
    assert html == (
        '<li><a href="/events/conferences/a-b/">&lt;S&amp;S&gt;</a> — Meeting &quot;one&quot;'
        ' <span class="tag">Following</span></li>'
        '<li><a href="/events/conferences/c/">C</a> — C</li>'
    )


@pytest.mark.django_db
def test_a_deadline_row_escapes_and_labels_an_estimate():
    deadline = make_deadline(
        make_conference("esc", society="<b>ESC</b>"),
        due_at=dt.datetime(2027, 5, 6, 17, tzinfo=dt.UTC),
        time_zone="America/Chicago",
        is_estimate=True,
        basis='May, as "last" year <script>',
        time_stated=False,
    )
    with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
        html = deadline_rows([deadline], "/events/conferences/")
    assert "<b>" not in html
    assert "&lt;b&gt;ESC&lt;/b&gt; 2027" in html
    assert 'title="May, as &quot;last&quot; year &lt;script&gt;">Estimate</span>' in html
    assert '<time datetime="2027-05-06T18:00:00+01:00">Thu 6 May 2027, 18:00 BST</time>' in html
    assert "6 May 2027, 12:00 CDT (US Central time (CT))" in html
    assert "(no time stated: end of day)" in html
