"""The entry form and its save: the record id, the identifier screen, the status kept on a
re-render, and bad input answered with a 4xx that names the box at fault (issue 13)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from capture import services
from capture.models import DataQuery, Entry
from capture.tests.factories import make_study
from core.testing.api import api_client
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db

NAME_AND_BIRTH = "Jane Smith 12/03/1961"
NHS_NUMBER = "9434765919"  # a valid modulus-11 check digit


@pytest.fixture
def setup(personas):
    study, site_a, _ = make_study(personas)
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


@pytest.fixture
def signed_in(client, personas, setup):
    client.force_login(personas.trainee)
    return client


def entry_url(study, record, instrument="baseline"):
    return reverse("capture:entry", args=[study.pk, record.pk, instrument])


# --- 7. The record id is shown, not typed; every value passes the identifier screen ----


def test_the_form_shows_the_record_id_and_has_no_box_for_it(signed_in, setup):
    study, record = setup
    page = signed_in.get(entry_url(study, record)).content.decode()
    assert not re.search(r"<(input|textarea|select)[^>]*name=\"record_id\"", page)
    assert re.search(r"Record ID</strong>\s*AAA-1", page)


def test_a_record_id_posted_to_the_form_is_not_saved(signed_in, setup):
    study, record = setup
    response = signed_in.post(entry_url(study, record), {"record_id": NAME_AND_BIRTH, "age": "40"})
    assert response.status_code == 302
    assert Entry.objects.get().data["record_id"] == "AAA-1"
    assert not AuditEvent.objects.filter(changes__icontains="Jane").exists()


def test_the_service_refuses_another_record_id_and_always_stores_the_records_own(personas, setup):
    _, record = setup
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"record_id": NAME_AND_BIRTH, "age": "40"},
        )
    assert set(error.value.message_dict) == {"record_id"}
    assert "AAA-1" in error.value.message_dict["record_id"][0]
    assert not Entry.objects.exists()
    saved = services.entry_save(
        actor=personas.trainee,
        record=record,
        instrument="baseline",
        values={"record_id": "AAA-1", "age": "40"},
    )
    assert saved.entry.data["record_id"] == "AAA-1"


def test_the_api_refuses_a_record_id_that_is_not_the_records_own(personas, setup):
    study, record = setup
    client = api_client(personas.trainee)
    url = f"/api/v1/studies/{study.pk}/records/{record.pk}/baseline"
    refused = client.put(
        url, data={"values": {"record_id": NAME_AND_BIRTH}}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "record_id"]
    assert NAME_AND_BIRTH not in str(AuditEvent.objects.values_list("changes", flat=True))
    client.put(url, data={"values": {"age": "40"}}, content_type="application/json")
    assert client.get(url).json()["data"]["record_id"] == "AAA-1"


def test_a_number_that_is_an_nhs_number_is_refused_even_when_confirmed(personas, setup):
    _, record = setup
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"age": NHS_NUMBER},
            confirmed=True,
        )
    assert "NHS number" in error.value.message_dict["age"][0]
    assert not Entry.objects.exists()


def test_a_reason_or_a_query_that_holds_an_identifier_is_refused(personas, setup):
    _, record = setup
    saved = services.entry_save(
        actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
    )
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"age": "41"},
            reason=f"mixed up with NHS {NHS_NUMBER}",
        )
    assert set(error.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError, match="NHS number"):
        services.query_raise(
            actor=personas.committee,
            entry=saved.entry,
            field_name="age",
            text=f"Is this {NHS_NUMBER}?",
        )
    assert Entry.objects.get().data["age"] == "40"
    assert not DataQuery.objects.exists()


def test_a_value_typed_into_a_hidden_field_is_screened_before_its_clearing_is_audited(
    personas, setup
):
    _, record = setup
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"modality": ["1"], "mri_field": "2", "comment": f"NHS {NHS_NUMBER}"},
        )
    assert set(error.value.message_dict) == {"comment"}


# --- 8. What the person entered survives a re-render ----------------------------------


def test_the_status_and_reason_survive_a_warning_and_the_confirmed_save_keeps_them(
    signed_in, setup
):
    study, record = setup
    url = entry_url(study, record)
    signed_in.post(url, {"age": "40", "status": "0"})
    warned = signed_in.post(url, {"age": "150", "status": "2", "reason": "Rechecked on PACS"})
    assert warned.status_code == 400
    page = warned.content.decode()
    assert re.search(r'<option value="2" selected>Complete</option>', page)
    assert not re.search(r'<option value="0" selected>', page)
    assert 'value="Rechecked on PACS"' in page
    confirmed = signed_in.post(
        url, {"age": "150", "status": "2", "reason": "Rechecked on PACS", "confirmed": "on"}
    )
    assert confirmed.status_code == 302
    saved = Entry.objects.get()
    assert (saved.status, saved.data["age"]) == (Entry.Status.COMPLETE, "150")
    event = AuditEvent.objects.filter(action="entry.update").get()
    assert event.changes["__status"] == ["Incomplete", "Complete"]
    assert event.reason == "Rechecked on PACS"


def test_the_status_survives_an_error_too(signed_in, setup):
    study, record = setup
    page = signed_in.post(entry_url(study, record), {"age": "old", "status": "1"})
    assert page.status_code == 400
    assert re.search(r'<option value="1" selected>Unverified</option>', page.content.decode())
    assert "Nothing was saved" in page.content.decode()


# --- 12. Bad input on the entry pages is a 4xx that names the box ----------------------


def test_an_unknown_form_in_the_address_is_not_found(signed_in, setup):
    study, record = setup
    response = signed_in.get(entry_url(study, record, "nonsense"))
    assert response.status_code == 404
    assert "no form called “nonsense”" in response.content.decode()


@pytest.mark.parametrize("instance", ["²", "abc", "1.5", "-1", "0", "99999999999999999999"])
def test_an_instance_that_is_not_a_whole_number_from_1_is_a_bad_request(signed_in, setup, instance):
    study, record = setup
    response = signed_in.get(entry_url(study, record), {"instance": instance})
    assert response.status_code == 400
    assert "Instance: " in response.content.decode()


@pytest.mark.parametrize(
    ("posted", "named"),
    [
        ({"version": "abc"}, "version"),
        ({"version": "-1"}, "version"),
        ({"status": "abc"}, "Form status"),
        ({"status": "99"}, "Form status"),
        ({"status": "-1"}, "Form status"),
    ],
)
def test_a_bad_version_or_status_is_refused_naming_it_and_nothing_is_saved(
    signed_in, setup, posted, named
):
    study, record = setup
    response = signed_in.post(entry_url(study, record), {"age": "40", **posted})
    assert response.status_code == 400
    page = response.content.decode()
    assert named in page
    assert 'value="40"' in page, "what the person typed is kept"
    assert not Entry.objects.exists()


def test_an_unknown_query_action_is_not_found(personas, setup):
    study, record = setup
    saved = services.entry_save(
        actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
    )
    query = services.query_raise(
        actor=personas.committee, entry=saved.entry, field_name="age", text="Sure?"
    )
    client = Client()
    client.force_login(personas.trainee)
    response = client.post(reverse("capture:query_move", args=[study.pk, query.pk, "shred"]))
    assert response.status_code == 404
    assert "answered, closed or reopened" in response.content.decode()


@pytest.mark.parametrize("status", [99, -1, "abc"])
def test_the_api_refuses_a_status_outside_0_1_2_naming_it(personas, setup, status):
    study, record = setup
    response = api_client(personas.trainee).put(
        f"/api/v1/studies/{study.pk}/records/{record.pk}/baseline",
        data={"values": {"age": "40"}, "status": status},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "status"
    assert not Entry.objects.exists()


def test_the_service_refuses_a_status_outside_0_1_2(personas, setup):
    _, record = setup
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            actor=personas.trainee,
            record=record,
            instrument="baseline",
            values={"age": "40"},
            status=99,
        )
    assert set(error.value.message_dict) == {"status"}


def test_the_migration_replaces_a_record_id_typed_before_without_repeating_it(personas, setup):
    from importlib import import_module

    from django.apps import apps

    _, record = setup
    saved = services.entry_save(
        actor=personas.trainee, record=record, instrument="baseline", values={"age": "40"}
    )
    typed = {**saved.entry.data, "record_id": NAME_AND_BIRTH}
    Entry.objects.filter(pk=saved.entry.pk).update(data=typed)  # as the old form saved it
    migration = import_module("capture.migrations.0004_record_id_values_are_the_record_label")
    migration.replace_typed_record_ids(apps, None)
    entry = Entry.objects.get()
    assert (entry.data["record_id"], entry.data["age"], entry.version) == ("AAA-1", "40", 2)
    event = AuditEvent.objects.filter(object_id=str(entry.pk)).order_by("-id").first()
    assert event is not None
    assert event.changes == {"record_id": ["(replaced)", "AAA-1"]}
    assert event.scope == f"study:{record.study_id}"
    assert "Jane" not in str(event.changes) + event.reason
