from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from core.htmx import render_page
from glossary.models import Entry


def search(query: str) -> QuerySet[Entry]:
    entries = Entry.objects.all()
    query = query.strip()
    if query:
        entries = entries.filter(
            Q(term__icontains=query)
            | Q(expansion__icontains=query)
            | Q(definition__icontains=query)
            | Q(aliases__icontains=query)
        )
    return entries


def index(request: HttpRequest) -> HttpResponse:
    """The glossary, searchable; open to everyone, signed in or not (it is for newcomers)."""
    query = request.GET.get("q", "")[:100]
    context = {"entries": search(query), "q": query}
    return render_page(request, "glossary/index.html", context, fragment="results")
