"""The programme shortlist in Django: residency facts with sources, the applicant's own
profile and page, their own estimates, the CSV export, and bad input refused by name."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from opportunities import services
from opportunities.models import Programme, ShortlistProfile
from opportunities.shortlist import services as shortlist
from outputs.tests.factories import make_output
from people.models import Term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]
URL = "/opportunities/shortlist/"
TODAY = dt.datetime.now(tz=dt.UTC).date()
READ = (TODAY - dt.timedelta(days=10)).isoformat()


def sourced(*facts: str) -> dict:
    return {f: {"source": "https://example.org/programme", "as_of": READ} for f in facts}


def residency(institution: str, **facts) -> Programme:
    values = {
        "kind": "residency",
        "specialty": "diagnostic",
        "name": "Diagnostic Radiology Residency",
        "institution": institution,
        "country": "US",
        "research": "none",
        "sources": sourced("visa", "graduation", "step2", "interviews", "research"),
        **facts,
    }
    return services.programme_save(actor=None, **values)


@pytest.fixture
def directory():
    """Three residencies: one sponsors J-1, one no visa, one H-1B with a graduation limit."""
    return {
        "j1": residency(
            "Lakeshore",
            region="Midwest",
            visa_sponsorship="J-1, H-1B",
            step2_median=245,
            applications_received=800,
            interviews_offered=96,
        ),
        "none": residency("Bluebonnet", region="South", visa_sponsorship="None"),
        "h1b": residency(
            "Sierra", region="West", visa_sponsorship="H-1B", graduated_within_years=3
        ),
    }


def img_form(**fields) -> dict:
    return {
        "stage": "residency",
        "graduation_year": str(timezone.localdate().year - 2),
        "step2_score": "250",
        "visas": "J-1",
        "research_outputs": "1",
        "presentations": "0",
        "regions": ["Midwest"],
        "budget_kind": "count",
        "budget_programmes": "5",
        "fee_flat": "99",
        "fee_flat_count": "10",
        "fee_tiers": "17 up to 20, 21 up to 30, 28 after",
        **fields,
    }


def text_of(response) -> str:
    html = response.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# Programme facts and their sources ------------------------------------------------------


def test_a_residency_keeps_each_fact_with_its_source_and_date(directory):
    made = directory["j1"]
    assert made.kind == "residency"
    assert made.source_of("step2") == {"source": "https://example.org/programme", "as_of": READ}
    facts = shortlist.programme_facts(made)
    assert facts.visas == frozenset({"J-1", "H-1B"})
    assert facts.interviews == 96
    assert "https://example.org/programme, as of" in facts.sources["interviews"]


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        ({"step2_minimum": 230, "sources": {}}, "source_step2", "say where this fact comes from"),
        (
            {"step2_minimum": 230, "sources": {"step2": {"source": "x", "as_of": "2999-01-01"}}},
            "as_of_step2",
            "cannot be in the future",
        ),
        (
            {"step2_minimum": 230, "sources": {"step2": {"source": "x", "as_of": ""}}},
            "as_of_step2",
            "give the date the source was read",
        ),
        ({"step2_minimum": 250, "step2_median": 240}, "step2_median", "under the minimum"),
        (
            {"applications_received": 10, "interviews_offered": 20},
            "interviews_offered",
            "More interviews (20) than applications (10)",
        ),
        (
            {"applications_received": 10, "interviews_offered": None},
            "interviews_offered",
            "or neither",
        ),
        ({"specialty": ""}, "specialty", "Choose the specialty"),
        ({"country": "USA"}, "country", "two-letter country code"),
        ({"sources": {"rank": {"source": "x", "as_of": READ}}}, "sources", "Unknown facts: rank"),
    ],
)
def test_bad_residency_facts_are_refused_naming_the_field_and_nothing_is_saved(facts, field, words):
    with pytest.raises(ValidationError) as refused:
        residency("Nowhere", **facts)
    assert field in refused.value.message_dict
    assert words in " ".join(refused.value.message_dict[field])
    assert not Programme.objects.filter(institution="Nowhere").exists()


def test_the_committee_adds_a_residency_through_the_form_and_everyone_sees_the_sources(
    client, personas
):
    client.force_login(personas.committee)
    data = {
        "kind": "residency",
        "name": "Diagnostic Radiology Residency",
        "institution": "Harborview",
        "specialty": "diagnostic",
        "country": "us",
        "region": "Northeast",
        "research": "required",
        "visa_sponsorship": ["J-1"],
        "source_visa": "https://harborview.example/visa",
        "as_of_visa": READ,
        "step2_minimum": "240",
        "step2_median": "255",
        "source_step2": "Programme FAQ",
        "as_of_step2": READ,
    }
    response = client.post(reverse("opportunities:programme_new"), data)
    assert response.status_code == 302, text_of(response)
    made = Programme.objects.get(institution="Harborview")
    assert (made.country, made.step2_median) == ("US", 255)
    client.force_login(personas.trainee)
    page = text_of(client.get(made.get_absolute_url()))
    assert "minimum 240, median of those interviewed 255" in page
    assert "Source: Programme FAQ, as of" in page
    assert "Graduation-year limit Unknown No source recorded" in page


def test_the_form_refuses_a_score_fact_without_its_source_naming_the_field(client, personas):
    client.force_login(personas.committee)
    data = {
        "kind": "residency",
        "name": "R",
        "institution": "Harborview",
        "specialty": "diagnostic",
        "research": "none",
        "step2_minimum": "240",
    }
    response = client.post(reverse("opportunities:programme_new"), data)
    assert response.status_code == 400
    assert "Step 2 CK scores: say where this fact comes from, and when." in text_of(response)
    assert not Programme.objects.filter(institution="Harborview").exists()


# The applicant's profile and page -------------------------------------------------------


def test_an_img_sees_a_grouped_shortlist_with_reasons_and_the_visa_exclusion(
    client, personas, directory
):
    client.force_login(personas.trainee)
    response = client.post(URL, img_form())
    assert response.status_code == 302
    page = text_of(client.get(URL))
    assert "Your shortlist" in page
    assert "Lakeshore" in page
    assert "Published: 96 interviews offered to 800 applicants (12%)" in page
    assert "Visa: it sponsors no visa; you need J-1" in page
    assert "Visa: it sponsors H-1B; you need J-1" in page
    assert re.search(r"Target \(1\)|Reach \(1\)|Likely \(1\)", page)
    assert "chance" not in page.lower()
    assert "odds" not in page.lower().split()


def test_a_resident_sees_fellowships_of_their_subspecialty_only(client, personas, directory):
    neuro = Term.objects.get(kind="subspecialty", name="Neuroradiology")
    services.programme_save(
        actor=None, name="Neuro fellowship", institution="Lakeshore", subspecialty=neuro
    )
    ir = Term.objects.get(kind="subspecialty", name="Interventional")
    services.programme_save(
        actor=None, name="IR fellowship", institution="Lakeshore", subspecialty=ir
    )
    client.force_login(personas.trainee)
    client.post(URL, img_form(stage="fellowship", subspecialty=str(neuro.pk), visas=""))
    page = text_of(client.get(URL))
    assert "Neuro fellowship, Lakeshore" in page
    assert "It is a fellowship in Interventional; you chose Neuroradiology." in page
    assert "Diagnostic Radiology Residency" not in page.split("Change your profile")[0]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"step2_score": "400"}, "step2_score", "less than or equal to 300"),
        ({"budget_programmes": ""}, "budget_programmes", "Give the number of programmes"),
        (
            {"budget_kind": "money", "budget_money": ""},
            "budget_money",
            "Give the amount you can spend, in US$.",
        ),
        (
            {"budget_kind": "money", "budget_money": "300", "fee_tiers": "cheap"},
            "fee_tiers",
            "“cheap” is not “price up to N” or “price after”.",
        ),
        (
            {"budget_kind": "money", "budget_money": "300", "fee_tiers": "17 up to 20"},
            "fee_tiers",
            "End with the fee for every further programme",
        ),
        (
            {"budget_kind": "money", "budget_money": "300", "fee_tiers": "17 up to 5, 28 after"},
            "fee_tiers",
            "each tier must end above 10",
        ),
        ({"fee_tiers": "17 up to 5, 28 after"}, "fee_tiers", "each tier must end above 10"),
        ({"graduation_year": "1900"}, "graduation_year", "greater than or equal to 1950"),
        ({"visas": "tourist"}, "visas", "Select a valid choice"),
        ({"regions": ["Atlantis"]}, "regions", "Select a valid choice"),
        ({"research_outputs": "-1"}, "research_outputs", "greater than or equal to 0"),
    ],
)
def test_bad_profiles_are_refused_naming_the_field_and_nothing_is_saved(
    client, personas, directory, fields, field, words
):
    client.force_login(personas.trainee)
    response = client.post(URL, img_form(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert error, f"no error next to {field}"
    assert words in error.group(1)
    assert not ShortlistProfile.objects.exists()


def test_a_money_budget_shows_the_cost_and_the_fee_assumption(client, personas, directory):
    client.force_login(personas.trainee)
    client.post(URL, img_form(budget_kind="money", budget_money="120", visas=""))
    page = text_of(client.get(URL))
    assert "for a budget of $120 ($99 for up to 10 programmes; $17 each for 11 to 20" in page
    assert "costing $99.00" in page
    assert "Assumptions you can change" in page


def test_the_profile_is_saved_for_its_owner_and_shown_only_to_them(client, personas, directory):
    client.force_login(personas.trainee)
    client.post(URL, img_form(step2_score="251"))
    assert 'value="251"' in client.get(URL).content.decode()
    client.force_login(personas.mentor)
    page = client.get(URL).content.decode()
    assert 'value="251"' not in page
    assert "Your shortlist" not in page
    event = AuditEvent.objects.get(action="shortlist.profile_create")
    assert "251" not in str(event.changes)
    assert "J-1" not in str(event.changes)


# Own estimates and the export -----------------------------------------------------------


def test_an_own_estimate_replaces_the_computed_one_labelled_and_can_be_undone(
    client, personas, directory
):
    client.force_login(personas.trainee)
    client.post(URL, img_form())
    estimate_url = reverse("opportunities:shortlist_estimate", args=[directory["j1"].pk])
    assert client.post(estimate_url, {"percent": "70"}).status_code == 302
    page = text_of(client.get(URL))
    assert "Interview likelihood: 70% · Your own estimate" in page
    assert "Likely (1)" in page
    assert "You replaced it with your own estimate: 70%." in page
    client.post(estimate_url, {"clear": "1"})
    assert "Your own estimate Use" not in text_of(client.get(URL))
    assert ShortlistProfile.objects.get(person=personas.trainee).own_estimates == {}


@pytest.mark.parametrize("bad", ["", "abc", "101", "-1"])
def test_a_bad_own_estimate_changes_nothing_and_says_what_to_give(client, personas, directory, bad):
    client.force_login(personas.trainee)
    client.post(URL, img_form())
    estimate_url = reverse("opportunities:shortlist_estimate", args=[directory["j1"].pk])
    response = client.post(estimate_url, {"percent": bad}, follow=True)
    assert "give a whole number from 0 to 100. Nothing was changed." in text_of(response)
    assert ShortlistProfile.objects.get(person=personas.trainee).own_estimates == {}


def test_an_own_estimate_before_a_profile_is_refused_and_touches_no_one_else(
    client, personas, directory
):
    stranger = UserFactory.create()
    shortlist.shortlist_profile_save(actor=stranger, budget_programmes=3)
    client.force_login(personas.trainee)
    estimate_url = reverse("opportunities:shortlist_estimate", args=[directory["j1"].pk])
    response = client.post(estimate_url, {"percent": "50"}, follow=True)
    assert "Save your profile before changing an estimate." in text_of(response)
    assert ShortlistProfile.objects.get(person=stranger).own_estimates == {}


def test_the_export_lists_chosen_left_out_and_excluded_with_reasons(client, personas, directory):
    client.force_login(personas.trainee)
    graduated = str(timezone.localdate().year - 5)
    client.post(URL, img_form(budget_programmes="1", visas="", graduation_year=graduated))
    response = client.get(reverse("opportunities:shortlist_export"))
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "status",
        "group",
        "programme",
        "interview likelihood (%)",
        "basis",
        "reasons",
    ]
    statuses = [row[0] for row in rows[1:]]
    assert statuses == ["chosen", "left out", "excluded"]
    assert rows[1][2] == "Diagnostic Radiology Residency, Lakeshore"
    assert "Graduation year" in rows[3][5]


def test_the_export_before_a_profile_sends_the_person_to_make_one(client, personas):
    client.force_login(personas.trainee)
    response = client.get(reverse("opportunities:shortlist_export"))
    assert response.status_code == 302
    assert response["Location"] == URL


def test_the_api_gives_ones_own_shortlist_with_groups_reasons_and_exclusions(
    client, personas, directory
):
    client.force_login(personas.trainee)
    empty = client.get("/api/v1/opportunities/shortlist").json()
    assert empty["profile_saved"] is False
    assert empty["chosen"] == []
    graduated = str(timezone.localdate().year - 5)
    client.post(URL, img_form(budget_programmes="1", visas="", graduation_year=graduated))
    body = client.get("/api/v1/opportunities/shortlist").json()
    assert body["profile_saved"] is True
    [chosen] = body["chosen"]
    assert chosen["name"] == "Diagnostic Radiology Residency, Lakeshore"
    assert chosen["group"] in {"reach", "target", "likely"}
    assert chosen["basis"] == "published"
    assert chosen["reasons"]
    assert any("96 interviews offered to 800 applicants" in step for step in chosen["steps"])
    # The same figure as the page's CSV export.
    rows = list(csv.reader(io.StringIO(client.get(URL + "export.csv").content.decode())))
    assert str(chosen["interview_likelihood_percent"]) == rows[1][3]
    assert [e["name"] for e in body["excluded"]] == ["Diagnostic Radiology Residency, Sierra"]
    assert any("Graduation year" in r for r in body["excluded"][0]["reasons"])
    # Another person's profile is never read: theirs is empty until they save one.
    client.force_login(personas.mentor)
    assert client.get("/api/v1/opportunities/shortlist").json()["profile_saved"] is False


def test_the_api_lists_residencies_with_their_facts_and_sources(client, personas, directory):
    client.force_login(personas.trainee)
    rows = client.get("/api/v1/opportunities/programmes").json()
    lakeshore = next(r for r in rows if r["institution"] == "Lakeshore")
    assert lakeshore["kind"] == "residency"
    assert (lakeshore["applications_received"], lakeshore["interviews_offered"]) == (800, 96)
    assert lakeshore["sources"]["interviews"]["as_of"] == READ


def test_an_assumed_rate_of_ones_own_replaces_the_default_and_says_so(client, personas, directory):
    client.force_login(personas.trainee)
    client.post(URL, img_form(assumed_rate="20", visas=""))
    page = text_of(client.get(URL))
    assert "No interview numbers published: assumed 20% for a residency programme" in page


def test_the_edit_form_shows_each_fact_beside_its_source_and_date(client, personas, directory):
    client.force_login(personas.committee)
    page = client.get(reverse("opportunities:programme_edit", args=[directory["j1"].pk]))
    html = page.content.decode()
    assert "<legend>Step 2 CK scores</legend>" in html
    assert 'name="source_step2" value="https://example.org/programme"' in html
    assert f'name="as_of_step2" value="{READ}"' in html
    assert 'name="source_fee"' in html


def test_the_api_adds_a_residency_with_its_sources_and_names_a_missing_one(client, personas):
    client.force_login(personas.committee)
    payload = {
        "kind": "residency",
        "specialty": "diagnostic",
        "name": "Diagnostic Radiology Residency",
        "institution": "Harborview",
        "step2_median": 255,
    }
    api = "/api/v1/opportunities/programmes"
    refused = client.post(api, payload, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "source_step2"]
    assert not Programme.objects.exists()
    payload["sources"] = {"step2": {"source": "Programme FAQ", "as_of": READ}}
    made = client.post(api, payload, content_type="application/json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["kind"], body["step2_median"]) == ("residency", 255)
    # A correction that does not send the shortlist's facts leaves them as they are.
    url = f"{api}/{body['id']}"
    fixed = client.put(
        url,
        {"name": "Diagnostic Radiology Residency", "institution": "Harborview", "version": 1},
        content_type="application/json",
    )
    assert fixed.status_code == 200, fixed.json()
    assert (fixed.json()["kind"], fixed.json()["step2_median"]) == ("residency", 255)
    assert fixed.json()["sources"]["step2"]["source"] == "Programme FAQ"


def test_a_new_profile_starts_from_the_outputs_recorded_on_radcollab(client, personas):
    make_output(personas.trainee)
    make_output(personas.trainee, title="A second paper", kind="abstract")
    make_output(personas.trainee, title="A poster", kind="poster")
    client.force_login(personas.trainee)
    html = client.get(URL).content.decode()
    assert re.search(r'name="research_outputs" value="2"', html)
    assert re.search(r'name="presentations" value="1"', html)


def test_the_directory_filters_residencies_from_fellowships(client, personas, directory):
    services.programme_save(actor=None, name="Body fellowship", institution="Lakeshore")
    client.force_login(personas.trainee)
    page = text_of(client.get(reverse("opportunities:programmes"), {"kind": "residency"}))
    assert "Residency: Diagnostic radiology" in page
    assert "Body fellowship" not in page
    page = text_of(client.get(reverse("opportunities:programmes"), {"kind": "fellowship"}))
    assert "Body fellowship" in page
    assert "Bluebonnet" not in page
