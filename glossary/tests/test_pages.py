"""Jargon is explained where it appears: the pages of the board, the team, training and
the results mark the first use of each term, and only the first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from glossary.marking import forget
from projects.tests.factories import make_project
from training.tests.factories import checklist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_terms():
    forget()


def explained(page: str, tooltip_head: str) -> int:
    """How many times the page explains the term whose tooltip starts with `tooltip_head`."""
    return page.count('role="tooltip" id="glossary-tip-') and page.count(f">{tooltip_head}")


def test_the_board_explains_ppi_ethics_and_irb_once_each(client, personas):
    make_project(personas.mentor, ethics="to_apply")
    client.force_login(personas.trainee)
    page = client.get(reverse("projects:board")).content.decode()
    assert 'href="/static/glossary/glossary.css"' in page or "glossary/glossary.css" in page
    assert page.count(">PPI (Patient and public involvement):") == 1
    assert page.count(">Ethics approval: Permission") == 1
    assert page.count(">IRB (Institutional Review Board):") == 1


def test_the_board_results_fragment_explains_its_terms_too(client, personas):
    make_project(personas.mentor, ethics="to_apply", title="A study waiting for ethics")
    client.force_login(personas.trainee)
    fragment = client.get(reverse("projects:board"), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<h1>" not in html
    assert "glossary-term" in html


def test_the_team_page_explains_credit(client, personas):
    project = make_project(personas.mentor)
    client.force_login(personas.mentor)
    page = client.get(reverse("projects:team", args=[project.pk])).content.decode()
    assert page.count(">CRediT (Contributor Roles Taxonomy):") == 1


def test_the_training_checklist_explains_associate_pi_and_the_delegation_log(client):
    person, supervisor = UserFactory.create(), UserFactory.create()
    started = checklist(person, supervisor)
    client.force_login(person)
    page = client.get(reverse("training:checklist", args=[started.pk])).content.decode()
    assert page.count(">Associate PI (Associate Principal Investigator):") == 1
    assert page.count(">Delegation log:") == 1
    assert "glossary/glossary.css" in page
