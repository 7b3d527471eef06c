"""The fellowship programmes directory: the committee adds and corrects programmes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from core.exceptions import EditConflict
from opportunities import services
from opportunities.models import Programme
from people.models import Term

# Curating needs two-factor: the personas have it on here (the access matrix checks
# the refusal without it).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor")]
OPENS, CLOSES = dt.date(2027, 1, 10), dt.date(2027, 3, 31)


def neuro() -> Term:
    return Term.objects.get(kind="subspecialty", name="Neuroradiology")


def a_programme(personas, **fields) -> Programme:
    values = {"name": "Neuroradiology fellowship", "institution": "St Elsewhere", **fields}
    return services.programme_save(actor=personas.committee, **values)


def form_data(**fields):
    return {
        "name": "Neuroradiology fellowship",
        "institution": "St Elsewhere",
        "subspecialty": neuro().pk,
        "positions_per_year": "2",
        "opens_on": "2027-01-10",
        "closes_on": "2027-03-31",
        "research": "required",
        "typical_outputs": "One paper a year",
        "visa_sponsorship": ["J-1", "H-1B"],
        "notes": "Interviews in April.",
        "url": "https://example.org/fellowship",
        **fields,
    }


# The service ---------------------------------------------------------------------------


def test_a_curator_adds_a_programme_with_its_visas_in_the_choices_order(personas):
    made = a_programme(
        personas,
        subspecialty=neuro(),
        positions_per_year=0,
        opens_on=OPENS,
        closes_on=CLOSES,
        visa_sponsorship=["Skilled Worker", "h-1b", "J-1"],
    )
    assert made.visa_sponsorship == "J-1, H-1B, Skilled Worker"
    assert made.positions_per_year == 0, "no places this year is a fact, not unknown"
    event = AuditEvent.objects.get(action="programme.create", object_id=str(made.pk))
    assert event.actor_id == personas.committee.pk
    assert event.changes["name"] == [None, "Neuroradiology fellowship"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"opens_on": CLOSES, "closes_on": OPENS}, "closes_on", "close .* before they open"),
        ({"positions_per_year": -1}, "positions_per_year", "cannot be negative"),
        ({"visa_sponsorship": "J-1, Tier 9"}, "visa_sponsorship", "Unknown visa: Tier 9"),
        ({"visa_sponsorship": ["None", "J-1"]}, "visa_sponsorship", "cannot go with a visa"),
    ],
)
def test_bad_programmes_are_refused_naming_the_field_and_nothing_is_saved(
    personas, fields, field, message
):
    with pytest.raises(ValidationError) as refused:
        a_programme(personas, **fields)
    assert field in refused.value.message_dict
    assert re.search(message, refused.value.message_dict[field][0])
    assert not Programme.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="programme.").exists()


def test_the_same_name_at_the_same_institution_is_refused(personas):
    a_programme(personas)
    with pytest.raises(ValidationError, match="already has a programme"):
        a_programme(personas, name="NEURORADIOLOGY fellowship")
    assert Programme.objects.count() == 1


def test_only_curators_add_or_change_programmes(personas):
    with pytest.raises(PermissionDenied):
        services.programme_save(actor=personas.site_lead_a, name="Body", institution="Y")
    made = a_programme(personas)
    with pytest.raises(PermissionDenied):
        services.programme_save(
            actor=personas.mentor, programme=made, version=made.version, name="Taken over"
        )
    made.refresh_from_db()
    assert made.name == "Neuroradiology fellowship"


def test_a_stale_correction_is_a_conflict_showing_what_was_saved(personas):
    made = a_programme(personas, positions_per_year=2)
    services.programme_save(actor=personas.admin, programme=made, version=1, positions_per_year=3)
    with pytest.raises(EditConflict) as clash:
        services.programme_save(
            actor=personas.committee, programme=made, version=1, positions_per_year=4
        )
    assert clash.value.current == {"positions per year": "3"}
    assert clash.value.version == 2
    made.refresh_from_db()
    assert made.positions_per_year == 3
    update = AuditEvent.objects.get(action="programme.update", object_id=str(made.pk))
    assert update.changes == {"positions_per_year": [2, 3]}


# The pages -----------------------------------------------------------------------------


def test_the_committee_adds_a_programme_through_the_form(client, personas):
    client.force_login(personas.committee)
    assert "Add a programme" in client.get(reverse("opportunities:programmes")).content.decode()
    response = client.post(reverse("opportunities:programme_new"), form_data())
    made = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == made.get_absolute_url()
    assert (made.visa_sponsorship, made.research, made.positions_per_year) == (
        "J-1, H-1B",
        "required",
        2,
    )
    page = client.get(made.get_absolute_url()).content.decode()
    assert "J-1, H-1B" in page
    assert reverse("opportunities:programme_edit", args=[made.pk]) in page


def test_the_form_refuses_a_window_that_closes_before_it_opens(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("opportunities:programme_new"), form_data(opens_on="2027-04-01"))
    assert response.status_code == 400
    assert "Applications close (2027-03-31) before they open (2027-04-01)." in (
        response.content.decode()
    )
    assert not Programme.objects.exists()


def test_the_form_refuses_negative_positions_and_none_beside_a_visa(client, personas):
    client.force_login(personas.committee)
    response = client.post(
        reverse("opportunities:programme_new"),
        form_data(positions_per_year="-2", visa_sponsorship=["None", "J-1"]),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "greater than or equal to 0" in html
    assert not Programme.objects.exists()
    response = client.post(
        reverse("opportunities:programme_new"), form_data(visa_sponsorship=["None", "J-1"])
    )
    assert "cannot go with a visa" in response.content.decode()


def test_editing_shows_the_saved_values_and_a_stale_save_is_a_conflict(client, personas):
    made = a_programme(personas, visa_sponsorship="J-1", positions_per_year=2)
    client.force_login(personas.committee)
    url = reverse("opportunities:programme_edit", args=[made.pk])
    page = client.get(url).content.decode()
    assert 'value="J-1" id="id_visa_sponsorship_0" checked>' in page
    assert 'value="H-1B" id="id_visa_sponsorship_1">' in page
    services.programme_save(actor=personas.admin, programme=made, version=1, positions_per_year=5)
    response = client.post(url, form_data(version="1", positions_per_year="3"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Saved elsewhere while you were editing" in html
    assert 'name="version" value="2"' in html, "saving again after merging replaces it"
    saved = client.post(url, form_data(version="2", positions_per_year="3"))
    assert saved.status_code == 302
    made.refresh_from_db()
    assert (made.positions_per_year, made.version) == (3, 3)


def test_people_who_do_not_curate_see_no_way_to_add_or_edit(client, personas):
    made = a_programme(personas)
    client.force_login(personas.trainee)
    assert "Add a programme" not in client.get(reverse("opportunities:programmes")).content.decode()
    assert "/edit/" not in client.get(made.get_absolute_url()).content.decode()
    assert client.post(reverse("opportunities:programme_new"), form_data()).status_code == 403
    assert Programme.objects.count() == 1


# The API -------------------------------------------------------------------------------


def test_the_api_adds_and_corrects_a_programme_with_the_version_read(client, personas):
    client.force_login(personas.committee)
    payload = {
        "name": "Body imaging fellowship",
        "institution": "Demo centre",
        "subspecialty_id": neuro().pk,
        "positions_per_year": 4,
        "opens_on": "2027-01-10",
        "closes_on": "2027-03-31",
        "visa_sponsorship": ["J-1"],
    }
    made = client.post("/api/v1/opportunities/programmes", payload, content_type="application/json")
    assert made.status_code == 201
    body = made.json()
    assert (body["visa_sponsorship"], body["version"]) == ("J-1", 1)
    url = f"/api/v1/opportunities/programmes/{body['id']}"
    changed = client.put(
        url, {**payload, "positions_per_year": 5, "version": 1}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["positions_per_year"] == 5
    stale = client.put(
        url, {**payload, "positions_per_year": 6, "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"] == {"positions per year": "5"}


def test_the_api_names_the_field_at_fault(client, personas):
    client.force_login(personas.admin)
    base = {"name": "X", "institution": "Y"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"opens_on": "2027-05-01", "closes_on": "2027-04-01"}, "closes_on"),
        ({"positions_per_year": -3}, "positions_per_year"),
        ({"visa_sponsorship": ["Tier 9"]}, "visa_sponsorship"),
        ({"site_id": 999_999}, "site_id"),
        ({"subspecialty_id": 999_999}, "subspecialty_id"),
    ]
    for extra, field in cases:
        response = client.post(
            "/api/v1/opportunities/programmes", {**base, **extra}, content_type="application/json"
        )
        assert response.status_code == 422, extra
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert not Programme.objects.exists()
