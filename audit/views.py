from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from audit.selectors import events_visible_to
from core.htmx import render_page
from core.types import AuthedRequest


@login_required
@require_GET
def events(request: AuthedRequest) -> HttpResponse:
    """The audit trail, newest first, read-only: no view edits or deletes a row."""
    listed = events_visible_to(request.user)
    if action := request.GET.get("action", "").strip():
        listed = listed.filter(action__startswith=action)
    if object_type := request.GET.get("object_type", "").strip():
        listed = listed.filter(object_type=object_type)
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    context = {"page": page, "action": action, "object_type": object_type}
    return render_page(request, "audit/events.html", context, fragment="event-rows")
