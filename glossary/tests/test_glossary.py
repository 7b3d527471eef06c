"""The glossary page, its search, its API, and the filter that marks a term's first use."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from core.testing.matrix import Route, check_matrix, expect
from glossary.marking import Seen, forget, mark_terms
from glossary.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_terms():
    forget()


def test_the_shipped_terms_are_loaded():
    terms = set(Entry.objects.values_list("term", flat=True))
    assert {
        "GCP",
        "PI",
        "CI",
        "IRAS",
        "CTIMP",
        "STARD",
        "CRediT",
        "ACF",
        "CCT",
        "Pump priming",
    } <= terms


def test_only_the_first_use_on_a_page_is_marked():
    seen = Seen()
    first = mark_terms("GCP first, then GCP again.", seen)
    second = mark_terms("And GCP in another paragraph.", seen)
    assert first.count('class="glossary-term"') == 1
    assert 'aria-describedby="glossary-tip-1"' in first
    assert 'role="tooltip"' in first
    assert "Good Clinical Practice" in first
    assert "glossary-term" not in second


def test_short_acronyms_match_only_in_capitals_and_text_is_escaped():
    html = mark_terms("A pi chart <script>x</script> and the PI.")
    assert html.count("glossary-term") == 1
    assert ">PI<" in html
    assert "&lt;script&gt;" in html


def test_links_and_safe_markup_are_left_alone():
    from django.utils.safestring import mark_safe

    html = mark_terms(mark_safe('<a href="/x">GCP course</a> then IRAS'))
    assert '<a href="/x">GCP course</a>' in html
    assert "IRAS<span" in html


def test_the_longest_spelling_wins():
    html = mark_terms("Submit a late-breaking abstract.")
    assert "Late-breaking abstract" in html  # the tooltip of the longer term
    assert html.count("glossary-term") == 1


def test_the_filter_shares_its_memory_across_a_page_through_the_request(rf):
    request = rf.get("/")
    template = Template("{% load glossary %}{{ a|glossary:request }}|{{ b|glossary:request }}")
    html = template.render(
        Context({"request": request, "a": "the sponsor", "b": "the Sponsor again"})
    )
    assert html.count("glossary-term") == 1


def test_the_page_searches(client):
    html = client.get(reverse("glossary:index"), {"q": "ethics"}).content.decode()
    assert 'id="ethics-committee"' in html
    assert 'id="ctimp"' not in html
    assert client.get("/api/v1/glossary?q=IRAS").json()[0]["term"] == "IRAS"


ROUTES = [
    (
        Route("glossary", lambda p, w, pl: reverse("glossary:index")),
        expect((200, 200), anonymous=(200, 200)),
    ),
    (
        Route("API glossary", lambda p, w, pl: "/api/v1/glossary", api=True),
        expect((200, 200), anonymous=(200, 200)),
    ),
]


@pytest.mark.parametrize(("route", "expected"), ROUTES, ids=lambda x: getattr(x, "label", ""))
def test_glossary_access_matrix(personas, route, expected):
    check_matrix(personas, route, expected)
