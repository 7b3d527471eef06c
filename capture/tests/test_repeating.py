"""Repeating instruments in the entry form and the API: instances numbered without gaps."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.services import api_token_create
from capture import services
from capture.models import Entry
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    """`reading` repeats (one per reader); the trainee collaborates at site A."""
    study, site_a, _ = make_study(personas, live=False)
    services.study_update_settings(
        actor=personas.committee,
        study=study,
        repeating_instruments=["reading"],
        protocol_summary="",
        pseudonymisation_rules=study.pseudonymisation_rules,
        require_gcp=False,
        allow_file_fields=False,
    )
    services.study_go_live(actor=personas.committee, study=study)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site_a,
    )
    enable_totp(personas.trainee)
    record = services.record_create(actor=personas.trainee, study=study, study_site=site_a)
    return study, record


def save(personas, record, instrument, instance, lesions):
    return services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument=instrument,
        instance=instance,
        values={"lesions": lesions},
    )


def test_instances_are_saved_apart_and_numbered_without_gaps(personas, world):
    _study, record = world
    save(personas, record, "reading", 1, "2")
    save(personas, record, "reading", 2, "3")
    assert services.instance_numbers(record, "reading") == [1, 2]
    data = dict(
        Entry.objects.filter(record=record, instrument="reading").values_list("instance", "data")
    )
    assert data[1]["lesions"] == "2"
    assert data[2]["lesions"] == "3"
    with pytest.raises(ValidationError) as gap:
        save(personas, record, "reading", 4, "1")
    assert "the next is 3" in str(gap.value)


def test_a_non_repeating_instrument_has_instance_one_only(personas, world):
    study, record = world
    assert services.instance_problem(study, record, "baseline", 1) == ""
    assert "does not repeat" in services.instance_problem(study, record, "baseline", 2)
    assert "numbered from 1" in services.instance_problem(study, record, "reading", 0)
    with pytest.raises(ValidationError):
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            instance=2,
            values={"age": "40"},
        )
    assert not Entry.objects.filter(instrument="baseline").exists()


def test_the_form_shows_instance_tabs_and_saves_the_next_instance(client, personas, world):
    study, record = world
    save(personas, record, "reading", 1, "2")
    client.force_login(personas.trainee)
    url = reverse("capture:entry", args=[study.pk, record.pk, "reading"])
    page = client.get(url).content.decode()
    assert "reading #1" in page
    assert 'href="?instance=2">Add reading #2' in page
    saved = client.post(f"{url}?instance=2", {"instance": "2", "lesions": "5", "status": "0"})
    assert saved.status_code == 302
    assert saved["Location"].endswith("?instance=2")
    second = Entry.objects.get(record=record, instrument="reading", instance=2)
    assert second.data["lesions"] == "5"
    # The first instance is untouched and shown by default.
    assert 'value="2"' in client.get(url).content.decode()
    assert client.get(f"{url}?instance=4").status_code == 404
    baseline = reverse("capture:entry", args=[study.pk, record.pk, "baseline"])
    assert client.get(f"{baseline}?instance=2").status_code == 404
    assert "Add baseline" not in client.get(baseline).content.decode()


def test_the_api_reads_and_saves_an_instance(personas, world):
    study, record = world
    client = Client(
        headers={
            "Authorization": f"Bearer {api_token_create(user=personas.trainee, name='s').secret}"
        }
    )
    url = f"/api/v1/studies/{study.pk}/records/{record.pk}/reading"
    put = client.put(
        f"{url}?instance=1", data={"values": {"lesions": "1"}}, content_type="application/json"
    )
    assert put.status_code == 200
    put = client.put(
        f"{url}?instance=2", data={"values": {"lesions": "4"}}, content_type="application/json"
    )
    assert put.json()["instance"] == 2
    assert client.get(f"{url}?instance=2").json()["data"]["lesions"] == "4"
    assert client.get(f"{url}?instance=3").json()["version"] == 0
    assert client.get(f"{url}?instance=7").status_code == 404
    refused = client.put(
        f"{url}?instance=7", data={"values": {"lesions": "4"}}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "instance"]
