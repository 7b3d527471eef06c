"""Marking the first use of each glossary term on a page with an accessible tooltip.

The marked term is focusable (`tabindex="0"`) and points to its explanation with
`aria-describedby`, so keyboard and screen-reader users get the same text that a
pointer gets on hover; the explanation is a visually hidden `role="tooltip"` span
that the CSS (glossary/static/glossary/glossary.css) shows on hover and focus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

CACHE_KEY = "glossary:spellings:v1"
CACHE_SECONDS = 300
# Text inside these elements is never marked: links and controls (a focusable term
# inside them would nest interactive content), code, existing marks, headings and
# labels (the first use in running text is the one explained), and SVG, whose <title>
# holds plain text only.
SKIP = (
    *("a", "abbr", "code", "pre", "script", "style", "textarea", "button", "option", "dfn"),
    *("select", "label", "legend", "summary", "svg", "title"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
)
TAG = re.compile(r"(<[^>]+>)")
# Our own mark: text marked once (a value filtered inside a block that is filtered
# again) is never marked a second time, tooltip included.
OWN_MARK = '<span class="glossary-term"'
# An element carrying this attribute is left as it is, with all it holds: text meant to
# be copied word for word (a results sentence, a results table) takes no tooltip text.
QUIET = "data-glossary-skip"
VOID = ("br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base")


@dataclass
class Seen:
    """What one page has marked already: terms by slug, and a counter for unique ids."""

    slugs: set[str] = field(default_factory=set)
    count: int = 0


@dataclass(frozen=True)
class Known:
    pattern: re.Pattern[str] | None
    entries: dict[str, tuple[str, str, str]]  # lower-cased -> (slug, tooltip, as written)


def _load() -> Known:
    from glossary.models import Entry

    entries: dict[str, tuple[str, str, str]] = {}
    for entry in Entry.objects.all():
        for spelling in entry.spellings:
            entries.setdefault(spelling.lower(), (entry.slug, entry.tooltip, spelling))
    if not entries:
        return Known(None, {})
    # Longest first, so "late-breaking abstract" wins over "abstract".
    alternatives = sorted(entries, key=len, reverse=True)
    body = "|".join(re.escape(escape(spelling)) for spelling in alternatives)
    return Known(re.compile(rf"(?<![\w&-])({body})(?![\w-])", re.IGNORECASE), entries)


def known() -> Known:
    found = cache.get(CACHE_KEY)
    if found is None:
        found = _load()
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def forget() -> None:
    cache.delete(CACHE_KEY)


def _acronym_matches(written: str, spelling: str) -> bool:
    # Short all-capital terms (PI, CI, IMG) match only in capitals, so "pi" or "ci" in
    # ordinary words and "img" in a file name are left alone.
    return not (spelling.isupper() and len(spelling) <= 6) or written == spelling


def _mark(text: str, found: Known, seen: Seen) -> str:
    assert found.pattern is not None

    def replace(match: re.Match[str]) -> str:
        written = match.group(0)
        slug, tooltip, original = found.entries.get(written.lower(), ("", "", ""))
        if not slug or slug in seen.slugs or not _acronym_matches(written, original):
            return written
        seen.slugs.add(slug)
        seen.count += 1
        tip_id = f"glossary-tip-{seen.count}"
        return (
            f'<span class="glossary-term" tabindex="0" role="note" aria-describedby="{tip_id}">'
            f'{written}<span class="glossary-tip" role="tooltip" id="{tip_id}">'
            f"{escape(tooltip)}</span></span>"
        )

    return found.pattern.sub(replace, text)


def mark_terms(value: Any, seen: Seen | None = None) -> SafeString:
    """`value` (escaped unless already safe) with the first use of each term marked."""
    html = str(conditional_escape(value))
    found = known()
    if found.pattern is None:
        return mark_safe(html)  # noqa: S308 - escaped above # nosec B308 B703
    seen = seen if seen is not None else Seen()
    parts: list[str] = []
    skipping = 0  # depth inside elements of SKIP
    marked = 0  # span depth inside one of our own marks
    quiet_name, quiet = "", 0  # depth inside an element that asked to be left alone
    for part in TAG.split(html):
        if part.startswith("<") and part.endswith(">"):
            name, closing, empty = _tag(part)
            if quiet:
                quiet += 0 if empty or name != quiet_name else -1 if closing else 1
            elif QUIET in part and not closing and not empty:
                quiet_name, quiet = name, 1
            else:
                skipping, marked = _step(part, skipping, marked)
            parts.append(part)
        elif skipping or marked or quiet:
            parts.append(part)
        else:
            parts.append(_mark(part, found, seen))
    return mark_safe("".join(parts))  # noqa: S308 - only escaped text and our own markup # nosec B308 B703


def _tag(tag: str) -> tuple[str, bool, bool]:
    """A tag's element name, whether it closes one, and whether it has no content."""
    inner = tag.strip("</>").split()
    name = inner[0].lower() if inner else ""
    return name, tag.startswith("</"), tag.endswith("/>") or name in VOID


def _step(tag: str, skipping: int, marked: int) -> tuple[int, int]:
    """The skip depths after `tag`: elements of SKIP, and spans within our own marks."""
    name, closing, empty = _tag(tag)
    if marked and name == "span" and not empty:
        return skipping, marked + (-1 if closing else 1)
    if not marked and tag.startswith(OWN_MARK):
        return skipping, 1
    if name in SKIP and not empty:
        skipping = max(skipping + (-1 if closing else 1), 0)
    return skipping, marked


MARKED = re.compile(
    r'<span class="glossary-term"[^>]*>(.*?)<span class="glossary-tip"[^>]*>.*?</span></span>',
    re.DOTALL,
)


def unmarked(html: str) -> str:
    """`html` with every mark taken off, the term's own text kept: what a page says."""
    return MARKED.sub(r"\1", html)
