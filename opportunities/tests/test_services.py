"""Suggestions, review, eligibility for me, and the programmes directory."""

# ruff: noqa: DTZ001 - wall-clock times typed in a named zone are naive on purpose.

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.exceptions import EditConflict
from opportunities import services
from opportunities.eligibility import Facts, verdict
from opportunities.models import Opportunity, Programme
from people.models import TraineeProfile

# Curating needs two-factor: the personas have it on here (the access matrix and the
# test of a curator without it check the refusal).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]
BASE: dict[str, Any] = {
    "kind": "funding",
    "title": "Starter money for trainees",
    "funder": "Network",
    "summary": "Small grant.",
}


def profile(person, **fields):
    values = {"grade": "st3", "academic_track": "none", "international_graduate": False, **fields}
    return TraineeProfile.objects.create(person=person, **values)


def test_a_suggestion_is_hidden_until_reviewed(client, personas):
    made = services.opportunity_suggest(actor=personas.trainee, **BASE)
    assert made.state == Opportunity.State.SUGGESTED
    client.force_login(personas.mentor)
    assert (
        "Starter money for trainees"
        not in client.get(reverse("opportunities:list")).content.decode()
    )
    assert client.get(reverse("opportunities:detail", args=[made.pk])).status_code == 404
    services.opportunity_review(actor=personas.committee, opportunity=made, publish=True)
    assert (
        "Starter money for trainees" in client.get(reverse("opportunities:list")).content.decode()
    )


def test_only_curators_review_and_only_once(personas):
    made = services.opportunity_suggest(actor=personas.trainee, **BASE)
    with pytest.raises(PermissionDenied):
        services.opportunity_review(actor=personas.mentor, opportunity=made, publish=True)
    services.opportunity_review(
        actor=personas.admin, opportunity=made, publish=False, note="Not a real call"
    )
    with pytest.raises(ValidationError, match="already reviewed"):
        services.opportunity_review(actor=personas.committee, opportunity=made, publish=True)


def test_a_curators_own_addition_is_published_at_once(personas):
    assert services.opportunity_suggest(actor=personas.committee, **BASE).state == "published"


def test_a_curator_without_two_factor_reviews_nothing_and_their_own_addition_waits(personas):
    from allauth.mfa.models import Authenticator

    from network.access import TwoFactorRequired

    Authenticator.objects.filter(user__in=[personas.committee, personas.admin]).delete()
    made = services.opportunity_suggest(actor=personas.committee, **BASE)
    assert made.state == Opportunity.State.SUGGESTED
    with pytest.raises(TwoFactorRequired):
        services.opportunity_review(actor=personas.admin, opportunity=made, publish=True)
    with pytest.raises(TwoFactorRequired):
        services.programme_save(actor=personas.committee, name="Fellowship", institution="H")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"deadline_local": dt.datetime(2027, 1, 1, 17), "time_zone": ""},
            "time_zone",
            "Give the time zone",
        ),
        ({"min_grade": "st5", "max_grade": "st2"}, "max_grade", "comes before"),
        ({"amount": Decimal("100")}, "currency", "currency"),
        ({"countries": "GB, United States"}, "countries", "two-letter"),
    ],
)
def test_bad_input_is_refused_naming_the_field(personas, fields, field, message):
    with pytest.raises(ValidationError) as error:
        services.opportunity_suggest(actor=personas.trainee, **{**BASE, **fields})
    assert message in " ".join(error.value.message_dict[field])
    assert not Opportunity.objects.exists()


def test_a_deadline_is_stored_in_utc_with_its_zone(personas):
    made = services.opportunity_suggest(
        actor=personas.committee,
        deadline_local=dt.datetime(2027, 1, 15, 17),
        time_zone="America/New_York",
        **BASE,
    )
    assert made.deadline_at == dt.datetime(2027, 1, 15, 22, tzinfo=dt.UTC)
    assert made.time_zone == "America/New_York"


def test_eligibility_reads_grade_track_and_graduate_status(personas):
    profile(personas.trainee, grade="pgy3", international_graduate=True)
    facts = Facts.of(personas.trainee)

    def eligible(**fields: Any) -> bool:
        found = verdict(Opportunity(**{**BASE, **fields}), facts)
        assert found is not None, "a trainee with a profile gets a verdict"
        return found.eligible

    assert eligible(min_grade="st3", max_grade="st6")  # PGY-3 counts as ST3
    assert not eligible(min_grade="st4")
    assert not eligible(academic_track="academic")
    assert eligible(graduates="img_only")
    assert not eligible(graduates="home_only")
    assert not eligible(countries="US")  # site A's region is in GB
    assert eligible(countries="GB,IE")
    assert verdict(Opportunity(**BASE), None) is None


def test_eligible_for_me_filters_the_list(client, personas):
    profile(personas.trainee, grade="st2")
    services.opportunity_suggest(
        actor=personas.committee, **{**BASE, "title": "Early years", "max_grade": "st3"}
    )
    services.opportunity_suggest(
        actor=personas.committee, **{**BASE, "title": "Senior only", "min_grade": "st5"}
    )
    client.force_login(personas.trainee)
    html = client.get(reverse("opportunities:list"), {"eligible": "on"}).content.decode()
    assert "Early years" in html
    assert "Senior only" not in html
    assert "Eligible for you" in html


def test_a_stale_edit_is_a_conflict(personas):
    made = services.opportunity_suggest(actor=personas.committee, **BASE)
    services.opportunity_update(
        actor=personas.committee, opportunity=made, version=1, **{**BASE, "title": "A"}
    )
    with pytest.raises(EditConflict):
        services.opportunity_update(
            actor=personas.admin, opportunity=made, version=1, **{**BASE, "title": "B"}
        )


def test_a_programme_window_that_closes_before_it_opens_is_refused(personas):
    with pytest.raises(ValidationError, match="close"):
        services.programme_save(
            actor=personas.committee,
            name="Neuro",
            institution="X",
            opens_on=dt.date(2027, 3, 1),
            closes_on=dt.date(2027, 2, 1),
        )
    assert not Programme.objects.exists()
    made = services.programme_save(
        actor=personas.committee,
        name="Neuro",
        institution="X",
        visa_sponsorship="J-1, H-1B",
        research="required",
    )
    assert made.get_research_display() == "Required"
    with pytest.raises(PermissionDenied):
        services.programme_save(actor=personas.trainee, name="Body", institution="Y")


def test_the_api_suggests_and_lists_with_eligibility(client, personas):
    profile(personas.trainee)
    client.force_login(personas.trainee)
    response = client.post(
        "/api/v1/opportunities", {**BASE, "time_zone": ""}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "suggested"
    bad = client.post(
        "/api/v1/opportunities",
        {**BASE, "deadline_local": "2027-01-01T10:00"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "time_zone"]
    services.opportunity_suggest(actor=personas.committee, **{**BASE, "title": "Published"})
    rows = client.get("/api/v1/opportunities?eligible=true").json()
    assert [(r["title"], r["eligible"]) for r in rows] == [("Published", True)]
