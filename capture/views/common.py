"""What the capture pages share: a list's page and the page that says why an address
or a form was refused."""

from __future__ import annotations

from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from core.types import AuthedRequest

M = TypeVar("M", bound=Model)

# Rows per page of the records, queries and audit lists.
PAGE_SIZE = 100


def page_of(request: AuthedRequest, rows: QuerySet[M]) -> Page[M]:
    """`?page=n` of `rows` (the first for a page that is not a number, the last past the end)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def refused(request: AuthedRequest, status: int, problem: str) -> HttpResponse:
    """The error page for `status`, saying what was wrong with the address or the form."""
    return render(request, f"{status}.html", {"problem": problem}, status=status)
