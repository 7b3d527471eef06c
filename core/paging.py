"""Bounds for every number a request names to pick rows: page, limit, offset and ids.

A number the database cannot hold (an offset of 2^63, a page of 10^22) used to reach
SQL and fail there as a 500. Every API route and every page that reads one of these
numbers declares it with a type or field from here, so an absurd value is refused as
invalid input naming the parameter, and the same bounds appear in the OpenAPI document.

    @router.get("/events", response=list[EventOut])
    @paginate(LimitOffsetPaging)                     # ?limit=&offset=, both bounded
    def events(request, site_id: ObjectId | None = None): ...

    class BoardForm(forms.Form):
        page = page_number_field()                   # the same bound for ?page= on a page
"""

from __future__ import annotations

from typing import Annotated

from django import forms
from ninja import Field
from ninja.pagination import LimitOffsetPagination

# The largest integer every supported database stores (a signed 64-bit BIGINT).
MAX_DB_INTEGER = 2**63 - 1
# More pages, rows or offset than any list holds; far inside what SQL accepts.
MAX_PAGE = 100_000
MAX_OFFSET = 10_000_000
DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000

PageNumber = Annotated[
    int, Field(ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE:,}.")
]
ObjectId = Annotated[
    int, Field(ge=1, le=MAX_DB_INTEGER, description="An id as another route returned it.")
]
Version = Annotated[
    int,
    Field(ge=0, le=MAX_DB_INTEGER, description="The `version` the change was based on."),
]


class LimitOffsetWindow(LimitOffsetPagination.Input):
    """`?limit=&offset=`: which rows of a long list to answer with."""

    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows to return, 1 to {MAX_LIMIT:,}."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Rows to skip, 0 to {MAX_OFFSET:,}.")


class LimitOffsetPaging(LimitOffsetPagination):
    """ninja's limit/offset paging (`{"items": [...], "count": N}`) with bounded numbers."""

    Input = LimitOffsetWindow


def page_number_field() -> forms.IntegerField:
    """A form's `?page=`: optional (the first page), refused outside 1 to MAX_PAGE."""
    return forms.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput
    )
