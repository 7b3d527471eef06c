"""Django's {% querystring %} writes the leading "?" itself (Django 5.1+).

A template that writes `href="?{% querystring page=2 %}"` links to `??page=2`, whose
first parameter is named "?page", so the next page is never read (the directory and the
board showed page 1 for ever).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

DOUBLED = re.compile(r"\?\{%\s*querystring")


def test_no_template_writes_a_question_mark_before_querystring():
    base = Path(settings.BASE_DIR)
    found = [
        str(path.relative_to(base))
        for path in base.glob("*/templates/**/*.html")
        if DOUBLED.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
