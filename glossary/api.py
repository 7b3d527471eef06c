from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from glossary.views import search

router = Router()


class GlossaryEntryOut(Schema):
    term: str
    expansion: str
    definition: str
    slug: str


@router.get("", response=list[GlossaryEntryOut], auth=None, summary="Search the research glossary")
def entries(request: HttpRequest, q: str = "") -> list[GlossaryEntryOut]:
    return [
        GlossaryEntryOut(term=e.term, expansion=e.expansion, definition=e.definition, slug=e.slug)
        for e in search(q[:100])
    ]
