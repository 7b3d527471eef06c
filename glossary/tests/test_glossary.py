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


def test_the_terms_of_the_board_results_and_training_pages_are_shipped():
    terms = set(Entry.objects.values_list("term", flat=True))
    assert {
        "PPI",
        "Ethics approval",
        "IRB",
        "Deauville score",
        "Confidence interval",
        "ROC curve",
        "AUC",
        "DeLong",
        "ICC",
        "Bland\u2013Altman",
        "Fleiss' kappa",
        "Delegation log",
        "Associate PI",
        "CRediT",
    } <= terms


def test_headings_labels_and_svg_titles_are_left_for_the_running_text():
    from django.utils.safestring import mark_safe

    html = mark_terms(
        mark_safe(
            "<h2>PPI plan</h2><label>PPI</label><svg><title>PPI</title></svg>"
            "<p>Our PPI group meets monthly.</p>"
        )
    )
    assert html.count("glossary-term") == 1
    assert "<h2>PPI plan</h2>" in html
    assert "<p>Our <span" in html


def test_text_marked_once_is_not_marked_again_when_a_block_is_filtered():
    seen = Seen()
    inner = mark_terms("Deauville scores are read by four readers.", seen)
    outer = mark_terms(inner, Seen())
    assert outer == inner
    assert outer.count("glossary-term") == 1


def test_a_confidence_interval_is_not_taken_for_a_chief_investigator():
    html = mark_terms("Sensitivity was 87.5% (95% CI 80.1-92.4%). The CI signs off.")
    assert "Confidence interval: The range of values" in html
    assert "Chief Investigator" in html
    assert html.index("Confidence interval") < html.index("Chief Investigator")


def test_the_associate_principal_investigator_scheme_is_explained_as_itself():
    html = mark_terms("Associate principal investigator scheme")
    assert "Associate PI (Associate Principal Investigator)" in html
    assert "Chief" not in html


def test_unmarked_gives_back_what_the_page_says():
    from glossary.marking import unmarked

    assert unmarked(mark_terms("The ICC was 0.91 and GCP is due.")) == (
        "The ICC was 0.91 and GCP is due."
    )


def test_a_block_filter_marks_the_first_use_once_across_the_page(rf):
    request = rf.get("/")
    template = Template(
        "{% load glossary %}{% filter glossary:request %}<p>PPI and IRB.</p>{% endfilter %}"
        "{% filter glossary:request %}<p>PPI again.</p>{% endfilter %}"
    )
    html = template.render(Context({"request": request}))
    assert html.count('class="glossary-term"') == 2
    assert "<p>PPI again.</p>" in html


def test_text_meant_to_be_copied_is_left_without_tooltips():
    from django.utils.safestring import mark_safe

    html = mark_terms(
        mark_safe(
            "<ul data-glossary-skip><li>Sensitivity was 87.5% (95% CI 80.1-92.4%).</li>"
            "<li>Kappa was 0.8.</li></ul><p>Sensitivity and kappa, explained here.</p>"
        )
    )
    assert "<li>Sensitivity was 87.5% (95% CI 80.1-92.4%).</li>" in html
    assert html.count("glossary-term") == 2


def test_marking_the_same_text_again_gives_the_same_page_from_the_memo():
    text = "GCP and STARD, then GCP again."
    first_page, second_page = Seen(), Seen()
    first = mark_terms(text, first_page)
    state = (set(first_page.slugs), first_page.count)
    after = mark_terms("STARD once more, and CRediT.", first_page)
    assert mark_terms(text, second_page) == first
    assert (second_page.slugs, second_page.count) == state == (state[0], 2)
    # The state the memo hands back goes on as if marked afresh.
    assert mark_terms("STARD once more, and CRediT.", second_page) == after
    assert second_page.slugs == first_page.slugs
    assert second_page.count == 3


def test_a_changed_explanation_is_shown_at_once_not_the_remembered_marking():
    before = mark_terms("GCP matters.", Seen())
    Entry.objects.filter(term="GCP").update(definition="A new plain explanation.")
    forget()  # what the admin does on save
    after = mark_terms("GCP matters.", Seen())
    assert before != after
    assert "A new plain explanation." in after
