"""`{{ text|glossary:request }}` marks the first use of each glossary term on the page.

Pass the request (or any object that lives for one page) so that a term explained in
one paragraph is not explained again in the next; without it, the first use within
that one value is marked.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from glossary.marking import Seen, mark_terms

register = template.Library()
ATTRIBUTE = "_glossary_seen"


def _seen_on(page: object) -> Seen | None:
    if page is None or page == "":
        return None
    seen = getattr(page, ATTRIBUTE, None)
    if seen is None:
        seen = Seen()
        try:
            setattr(page, ATTRIBUTE, seen)
        except AttributeError:
            return None
    return seen if isinstance(seen, Seen) else None


@register.filter(is_safe=True)
def glossary(value: Any, page: object = None) -> SafeString:
    return mark_terms(value, _seen_on(page))
