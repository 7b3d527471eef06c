"""Pure iCalendar (RFC 5545) writing and reading for RadCollab's feeds; no Django here.

`build_calendar` turns plain `Entry` values into a VCALENDAR with stable UIDs, every
time written in UTC (so no VTIMEZONE is needed and every client agrees on the instant),
all-day entries as DATE values, and the source time zone stated in the description.
"""

from formats.ical.calendar import Entry, build_calendar, read_calendar

__all__ = ["Entry", "build_calendar", "read_calendar"]
