"""One view serves a page or, for an htmx request, a named fragment of it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

# The request headers that decide between the page and its fragment. A response that
# depends on them must say so (Vary), or a browser's cache answers a later visit to the
# same address (Back, a reload) with the bare fragment it fetched for htmx.
FRAGMENT_HEADERS = ("HX-Request", "HX-History-Restore-Request")


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of a page; htmx restoring history wants the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template`, or only its `{% partialdef fragment %}` when htmx asks."""
    name = f"{template}#{fragment}" if fragment and wants_fragment(request) else template
    response = render(request, name, context or {}, status=status)
    if fragment:
        patch_vary_headers(response, FRAGMENT_HEADERS)
    return response
