from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from html import escape
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from events import times
from events.models import DeadlineKind, Event

register = template.Library()


@register.filter
def when(value: dt.datetime | None) -> str:
    """'Thu 6 May 2027, 18:00 BST': the instant in the viewer's zone."""
    return times.spoken(timezone.localtime(value)) if value else ""


@register.filter
def iso(value: dt.datetime | None) -> str:
    """The instant in the viewer's zone for a `<time datetime>` (ISO 8601)."""
    return timezone.localtime(value).isoformat() if value else ""


@functools.cache
def _labels() -> dict[str, str]:
    # Resolved once: each lazy choice label costs a translation lookup when shown.
    return {str(k): str(v) for k, v in [*DeadlineKind.choices, *Event.Kind.choices]}


@register.filter
def kind_label(kind: str) -> str:
    """The label of a deadline's or an event's kind."""
    return _labels().get(kind, kind)


_ROW = (
    '<tr id="deadline-{}"><td><a href="{}{}/">{}</a> · {}{}</td>'
    '<td><time datetime="{}">{}</time></td><td>{}{}</td><td>{}</td></tr>\n'
)
_NO_TIME = mark_safe(
    ' <small class="muted">(no time stated: end of day)</small>'
)  # a constant of our own markup # nosec B308


def _row(deadline: Any, base: str, now: dt.datetime) -> tuple[Any, ...]:
    edition = deadline.edition
    local = timezone.localtime(deadline.due_at)
    estimate = (
        format_html(' <span class="tag estimate" title="{}">Estimate</span>', deadline.basis)
        if deadline.is_estimate
        else ""
    )
    return (
        deadline.pk,
        base,
        edition.conference.slug,
        str(edition),
        kind_label(deadline.kind),
        estimate,
        local.isoformat(),
        times.spoken(local),
        times.stated(deadline.due_at, deadline.time_zone),
        "" if deadline.time_stated else _NO_TIME,
        times.countdown(deadline.due_at, now),
    )


@register.simple_tag
def deadline_rows(deadlines: Iterable[Any], base: str) -> SafeString:
    """The rows of a deadline table, in the viewer's zone with the source's own wording.

    Fifty rows of a dozen template nodes each were most of the calendar page's time;
    built here at once, every value escaped by `format_html_join`.
    """
    now = timezone.now()
    return format_html_join("", _ROW, (_row(d, base, now) for d in deadlines))


@register.simple_tag
def conference_links(conferences: Iterable[Any], base: str) -> SafeString:
    """The list items of the conference index, each with “Following” when followed.

    Two hundred conferences would be two hundred times six template nodes; built here
    at once instead, every value escaped.
    """
    base = escape(base)
    following = ' <span class="tag">Following</span>'
    return mark_safe(  # noqa: S308 - every value below is escaped # nosec B308 B703
        "".join(
            f'<li><a href="{base}{escape(c.slug)}/">{escape(c.society)}</a> — '
            f"{escape(c.name)}{following if c.following else ''}</li>"
            for c in conferences
        )
    )


@register.filter
def countdown(value: dt.datetime | None) -> str:
    """'12 days left', or 'passed'."""
    return times.countdown(value, timezone.now()) if value else ""


@register.filter
def as_stated(deadline: object) -> str:
    """A deadline in the zone its source states it in."""
    due_at, zone = getattr(deadline, "due_at", None), getattr(deadline, "time_zone", "")
    return times.stated(due_at, zone) if isinstance(due_at, dt.datetime) and zone else ""


@register.filter
def source_of(edition: object, field: str) -> str:
    sources = getattr(edition, "sources", None) or {}
    return str(sources.get(field, ""))
