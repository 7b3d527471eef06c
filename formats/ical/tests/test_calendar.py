# ruff: noqa: DTZ001 - wall-clock times typed in a named zone are naive on purpose.
from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from formats.ical import Entry, build_calendar, read_calendar
from formats.ical.calendar import CalendarError, _event, event_text, fold

STAMP = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.UTC)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def test_a_deadline_in_a_source_zone_is_written_in_utc():
    due = dt.datetime(2026, 5, 6, 12, 0, tzinfo=CHICAGO)  # RSNA 2026, noon CT (CDT, UTC-5)
    data = build_calendar(
        name="Mine",
        stamp=STAMP,
        entries=[Entry(uid="deadline-1@radcollab", summary="RSNA", start=due)],
    )
    assert b"DTSTART:20260506T170000Z" in data
    assert b"VTIMEZONE" not in data
    (entry,) = read_calendar(data)
    assert entry.start == dt.datetime(2026, 5, 6, 17, 0, tzinfo=dt.UTC)


def test_anywhere_on_earth_is_twelve_hours_behind_utc():
    aoe = zoneinfo.ZoneInfo("Etc/GMT+12")
    due = dt.datetime(2026, 3, 1, 23, 59, tzinfo=aoe)
    data = build_calendar(name="x", stamp=STAMP, entries=[Entry("d-1@radcollab", "AoE", due)])
    assert b"DTSTART:20260302T115900Z" in data


def test_all_day_entries_are_dates_lasting_one_day():
    data = build_calendar(
        name="x", stamp=STAMP, entries=[Entry("m-1@radcollab", "Milestone", dt.date(2026, 4, 1))]
    )
    assert b"DTSTART;VALUE=DATE:20260401" in data
    assert b"DTEND;VALUE=DATE:20260402" in data


def test_the_calendar_is_valid_rfc_5545_for_the_library():
    entries = [
        Entry(
            "e-1@radcollab",
            "Journal club, with; commas",
            dt.datetime(2026, 2, 1, 18, tzinfo=dt.UTC),
            dt.datetime(2026, 2, 1, 19, tzinfo=dt.UTC),
            description="Line one\nLine two",
            url="https://example.org/a",
            location="Room 1",
            categories=("Neuroradiology", "Journal club"),
            sequence=3,
            last_modified=STAMP,
        )
    ]
    calendar = icalendar.Calendar.from_ical(build_calendar(name="x", stamp=STAMP, entries=entries))
    assert calendar["VERSION"] == "2.0"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Journal club, with; commas"
    assert int(str(event["SEQUENCE"])) == 3
    (read,) = read_calendar(calendar.to_ical())
    assert read.categories == ("Neuroradiology", "Journal club")
    assert read.description == "Line one\nLine two"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (Entry("no-at", "x", dt.date(2026, 1, 1)), "uid"),
        (Entry("a@b", "x", dt.datetime(2026, 1, 1, 9)), "no time zone"),
        (
            Entry(
                "a@b",
                "x",
                dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            ),
            "end is before start",
        ),
        (Entry("a@b", "x", dt.date(2026, 1, 2), dt.datetime(2026, 1, 3, tzinfo=dt.UTC)), "both"),
    ],
)
def test_bad_entries_are_refused_with_the_entry_named(entry, message):
    with pytest.raises(CalendarError, match=message):
        build_calendar(name="x", stamp=STAMP, entries=[entry])


def test_a_uid_twice_is_refused():
    twice = [Entry("a@b", "x", dt.date(2026, 1, 1)), Entry("a@b", "y", dt.date(2026, 1, 2))]
    with pytest.raises(CalendarError, match="twice"):
        build_calendar(name="x", stamp=STAMP, entries=twice)


@given(
    st.datetimes(
        min_value=dt.datetime(1990, 1, 1),
        max_value=dt.datetime(2090, 1, 1),
        timezones=st.sampled_from([dt.UTC, CHICAGO, zoneinfo.ZoneInfo("Etc/GMT+12")]),
    ),
    st.text(min_size=1, max_size=80).filter(lambda s: s.strip() == s and "\r" not in s),
)
def test_any_instant_and_summary_survive_a_round_trip(start, summary):
    start = start.replace(microsecond=0)
    data = build_calendar(name="x", stamp=STAMP, entries=[Entry("p@radcollab", summary, start)])
    (entry,) = read_calendar(data)
    # Compared in UTC: Python calls a local time in a repeated hour (a DST fall-back)
    # unequal to every time in another zone (PEP 495), even the very same instant.
    assert entry.start == start.astimezone(dt.UTC)
    assert entry.summary == summary


def test_the_same_entries_give_the_same_bytes_later_and_any_change_shows():
    """What lets a feed's ETag stay the same until something in it changes."""
    entry = Entry(
        "c-1@radcollab", "Deadline", dt.datetime(2027, 1, 1, tzinfo=dt.UTC), last_modified=STAMP
    )
    first = build_calendar(name="x", stamp=STAMP, entries=[entry])
    later = STAMP + dt.timedelta(days=3)
    assert build_calendar(name="x", stamp=later, entries=[entry]) == first
    moved = Entry(
        "c-1@radcollab",
        "Deadline",
        dt.datetime(2027, 1, 8, tzinfo=dt.UTC),
        last_modified=later,
        sequence=1,
    )
    changed = build_calendar(name="x", stamp=later, entries=[moved])
    assert b"DTSTART:20270108T000000Z" in changed
    assert b"SEQUENCE:1" in changed
    assert changed != first
    icalendar.Calendar.from_ical(changed)


# The writer against the library: `event_text` must write exactly what icalendar writes.

ZONES = st.sampled_from([dt.UTC, CHICAGO, zoneinfo.ZoneInfo("Etc/GMT+12")])
# Any text a person may type, including escapes, separators, line ends, wide characters
# and long runs that need folding.
TEXT = st.lists(
    st.one_of(
        st.sampled_from([*'\\;,:"^\n\t €—é日本🙂', "\r\n", "\\n", "\\N"]),
        st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\r"),
    ),
    max_size=200,
).map("".join)
INSTANTS = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9998, 1, 1), timezones=ZONES
)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    start: dt.datetime | dt.date = draw(
        st.one_of(INSTANTS, st.dates(max_value=dt.date(9998, 1, 1)))
    )
    end: dt.datetime | dt.date | None = None
    if draw(st.booleans()):
        length = draw(st.integers(min_value=0, max_value=10_000))
        if isinstance(start, dt.datetime):
            end = start + dt.timedelta(minutes=length)
        else:
            end = start + dt.timedelta(days=length % 400)
    return Entry(
        uid=draw(st.text(min_size=1, max_size=90).filter(lambda s: "\n" not in s)) + "@radcollab",
        summary=draw(TEXT),
        start=start,
        end=end,
        description=draw(TEXT),
        url=draw(
            st.sampled_from(["", "https://example.org/a?b=c&d=e#f", "https://x.test/" + "p" * 90])
        ),
        location=draw(TEXT),
        categories=tuple(draw(st.lists(TEXT.filter(bool), max_size=3))),
        sequence=draw(st.integers(min_value=0, max_value=2**31 - 1)),
        last_modified=draw(st.one_of(st.none(), INSTANTS)),
    )


@given(entries(), INSTANTS)
def test_the_writer_writes_exactly_what_the_library_writes(entry, stamp):
    # Two deliberate differences, each tested below: the library writes a literal
    # backslash-N as an escaped newline, where RadCollab escapes the backslash; and it
    # drops a byte order mark (U+FEFF) that starts a value, where RadCollab keeps it.
    texts = (entry.summary, entry.description, entry.location, *entry.categories)
    assume(not any("\\N" in text for text in texts))
    assume(not any(text.startswith("\ufeff") for text in (entry.uid, *texts)))
    assert event_text(entry, stamp) == _event(entry, stamp).to_ical()


def test_a_value_that_starts_with_a_byte_order_mark_reads_back_as_written():
    """A title pasted from a file saved with a byte order mark keeps it (the library's
    writer would drop it from the start of a value): every text reads back as written."""
    summary = "\ufeffRSNA abstract deadline"
    data = build_calendar(name="x", stamp=STAMP, entries=[Entry("p@radcollab", summary, STAMP)])
    (entry,) = read_calendar(data)
    assert entry.summary == summary


def test_a_literal_backslash_n_reads_back_as_written():
    summary = "C:\\New\\Notes; see \\n, not a line break"
    data = build_calendar(name="x", stamp=STAMP, entries=[Entry("p@radcollab", summary, STAMP)])
    (entry,) = read_calendar(data)
    assert entry.summary == summary


@given(st.text(max_size=400).filter(lambda s: "\n" not in s and "\r" not in s))
def test_folded_lines_stay_within_75_octets_and_unfold_to_the_line(line):
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert (
        "".join(piece.removeprefix(" ") if i else piece for i, piece in enumerate(pieces)) == line
    )


def test_a_line_is_never_folded_inside_an_escape():
    line = "DESCRIPTION:" + "a" * 61 + "\\n" + "b" * 20  # the backslash is the 74th octet
    first, second = fold(line).split("\r\n ")
    assert first.endswith("a")
    assert second.startswith("\\n")


def test_a_whole_feed_parses_and_keeps_wide_characters_and_long_text():
    text = "Réunion — 日本 " * 20 + "; with, separators\nand a second line"
    entry = Entry("w-1@radcollab", text, dt.date(2026, 9, 1), description=text, location=text)
    data = build_calendar(name="Wide — 日本", stamp=STAMP, entries=[entry])
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (read,) = read_calendar(data)
    assert (read.summary, read.description, read.location) == (text, text, text)
