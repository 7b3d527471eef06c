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
# Text inside these elements is never marked: links, existing marks, code, headings' anchors.
SKIP = ("a", "abbr", "code", "pre", "script", "style", "textarea", "button", "option", "dfn")
TAG = re.compile(r"(<[^>]+>)")


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
        return mark_safe(html)  # noqa: S308 - escaped above
    seen = seen if seen is not None else Seen()
    parts, skipping = [], 0
    for part in TAG.split(html):
        if part.startswith("<") and part.endswith(">"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in SKIP:
                skipping += -1 if part.startswith("</") else (0 if part.endswith("/>") else 1)
                skipping = max(skipping, 0)
            parts.append(part)
        elif skipping:
            parts.append(part)
        else:
            parts.append(_mark(part, found, seen))
    return mark_safe("".join(parts))  # noqa: S308 - only escaped text and our own markup
