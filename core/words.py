"""Free text long enough to be useful: a mentor or a project lead cannot answer a line.

Requests and applications ask "why you"; a reply needs a few sentences to go on. The
rule is counted in words, not characters, so that a pasted run of dots or one long
word does not pass for an answer.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MIN_WORDS = 20
WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits; "it's" and "ST3" are one."""
    return len(WORD.findall(text or ""))


def require_words(text: str, *, field: str, hint: str, minimum: int = MIN_WORDS) -> None:
    """Refuse `text` on `field` when it has fewer than `minimum` words, saying what helps."""
    count = word_count(text)
    if count < minimum:
        raise ValidationError(
            {field: f"Write at least {minimum} words here (you wrote {count}): {hint}"}
        )
