"""The app shell: sections by role, the user menu, the product's name, mark and favicon."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.context_processors import initials
from core.extensions import nav_links_for

pytestmark = pytest.mark.django_db


def labels(user) -> list[str]:
    return [link.label for link in nav_links_for(user)]


def grant_study_role(personas, person, role: str) -> None:
    from capture import services
    from capture.tests.factories import make_study

    study, site_a, _ = make_study(personas)
    site = site_a if role in {"site_lead", "collaborator"} else None
    services.study_grant_role(
        actor=personas.committee, study=study, person=person, role=role, study_site=site
    )


def test_a_trainee_sees_no_studies_or_statistics_without_a_study_role(personas):
    sections = labels(personas.trainee)
    assert {"Network", "Mentors", "Projects", "Calendar", "Opportunities"} <= set(sections)
    assert not {"Studies", "Statistics", "Credit"} & set(sections)


def test_a_study_role_brings_studies_and_an_analysts_role_statistics(two_factor):
    grant_study_role(two_factor, two_factor.trainee, "collaborator")
    assert {"Studies", "Credit"} <= set(labels(two_factor.trainee))
    assert "Statistics" not in labels(two_factor.trainee)
    grant_study_role(two_factor, two_factor.mentor, "statistician")
    assert {"Studies", "Statistics"} <= set(labels(two_factor.mentor))


def test_the_committee_may_start_a_study_and_the_networks_statistician_analyses(personas):
    assert "Studies" in labels(personas.committee)
    assert "Statistics" in labels(personas.statistician)
    assert labels(personas.outsider) == [
        label for label in labels(personas.outsider) if label not in {"Studies", "Statistics"}
    ]


def test_the_layout_has_the_mark_the_sections_a_phone_menu_and_the_user_menu(client, personas):
    client.force_login(personas.trainee)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'class="logo-mark"' in html
    assert "<span>RadCollab</span>" in html
    assert html.count('href="/mentors/directory/"') == 2, "the bar and the phone Menu"
    assert 'href="/studies/"' not in html
    for url in ("people:me", "mfa_index", "accounts:tokens", "account_logout"):
        assert f'href="{reverse(url)}"' in html, url
    assert 'rel="icon"' in html
    assert '<span class="avatar" aria-hidden="true">T</span>' in html, (
        "the account button shows the person's initials"
    )


def test_the_product_name_comes_from_settings(client, personas, settings):
    settings.RADCOLLAB_PRODUCT_NAME = "NorthRad"
    client.force_login(personas.trainee)
    html = client.get(reverse("dashboard")).content.decode()
    assert "<span>NorthRad</span>" in html
    assert "· NorthRad</title>" in html


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_sign_in_sign_up_and_password_reset_use_the_sites_layout(client, path):
    html = client.get(path).content.decode()
    assert 'class="site-header"' in html
    assert 'class="logo-mark"' in html
    assert "radcollab.css" in html


def test_the_two_factor_pages_use_the_sites_layout(personas):
    client = Client()
    client.force_login(personas.trainee)
    html = client.get(reverse("mfa_index")).content.decode()
    assert 'class="site-header"' in html
    assert 'class="user-menu"' in html


def test_favicon_ico_sends_browsers_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.ico")


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Dr Amara Okafor", "AO"),
        ("Prof. Li", "L"),
        ("Ada", "A"),
        ("", "?"),
        ("ada.lovelace@y.org", "AL"),
    ],
)
def test_initials(name, letters):
    assert initials(name) == letters
