"""Longitudinal pages: the record grid, entry at an event, the dashboard and the events page."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from capture import longitudinal, services
from capture.models import Entry, Event
from capture.tests.factories import make_study
from capture.tests.longitudinal_study import make_longitudinal_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, personas):
    enable_totp(personas.committee)
    client.force_login(personas.committee)
    return client


@pytest.fixture
def study(personas):
    found, site_a, _ = make_longitudinal_study(personas)
    record = services.record_create(actor=personas.committee, study=found, study_site=site_a)
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        event=Event.objects.get(study=found, unique_name="baseline_arm_1"),
        values={"age": "44"},
        status=2,
    )
    return found, record


def test_the_record_page_is_a_grid_of_events_and_forms_with_status(admin, study):
    found, record = study
    page = admin.get(reverse("capture:record", args=[found.pk, record.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "6-week follow-up" in text
    assert 'data-form="baseline" data-event="baseline_arm_1"' in text
    assert "baseline: Complete" in text
    assert "reading: No data" in text
    # baseline is not collected at the follow-up: no link there.
    assert 'data-form="baseline" data-event="week_6_arm_1"' not in text
    url = reverse("capture:event_entry", args=[found.pk, record.pk, "week_6_arm_1", "reading"])
    assert url in text


def test_a_form_is_entered_at_its_event(admin, study):
    found, record = study
    url = reverse("capture:event_entry", args=[found.pk, record.pk, "week_6_arm_1", "reading"])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"lesions": "3", "status": "1", "version": ""})
    assert response.status_code == 302
    entry = Entry.objects.get(record=record, instrument="reading")
    assert entry.event is not None
    assert entry.event.unique_name == "week_6_arm_1"
    assert entry.data["lesions"] == "3"
    grid = admin.get(reverse("capture:record", args=[found.pk, record.pk])).content.decode()
    assert "reading: Unverified" in grid


def test_a_form_not_designated_or_an_unknown_event_is_not_found(admin, study):
    found, record = study
    not_there = reverse(
        "capture:event_entry", args=[found.pk, record.pk, "week_6_arm_1", "baseline"]
    )
    assert admin.get(not_there).status_code == 404
    unknown = reverse("capture:event_entry", args=[found.pk, record.pk, "nope_arm_1", "baseline"])
    assert admin.get(unknown).status_code == 404
    classic = reverse("capture:entry", args=[found.pk, record.pk, "baseline"])
    assert admin.get(classic).url == reverse("capture:record", args=[found.pk, record.pk])


def test_the_dashboard_shows_each_records_forms_by_event(admin, study):
    found, record = study
    page = admin.get(reverse("capture:dashboard", args=[found.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{record.label} Baseline: Complete" in text
    assert f"{record.label} 6-week follow-up: No data" in text


def test_a_classic_study_keeps_its_entry_pages_and_gets_a_grid(admin, personas):
    found, site_a, _ = make_study(personas)
    record = services.record_create(actor=personas.committee, study=found, study_site=site_a)
    assert (
        admin.get(reverse("capture:entry", args=[found.pk, record.pk, "baseline"])).status_code
        == 200
    )
    grid = admin.get(reverse("capture:record", args=[found.pk, record.pk])).content.decode()
    assert "baseline: No data" in grid


EVENTS = (
    b"\xef\xbb\xbfevent_name,arm_num,day_offset,offset_min,offset_max,unique_event_name\r\n"
    b"Baseline,1,0,0,0,baseline_arm_1\r\nWeek 6,1,42,7,7,week_6_arm_1\r\n"
)
MAPPING = (
    b"arm_num,unique_event_name,form\r\n1,baseline_arm_1,baseline\r\n1,week_6_arm_1,reading\r\n"
)


def test_redcaps_files_are_previewed_then_applied(admin, personas):
    found, _, _ = make_study(personas, live=False)
    url = reverse("capture:events_upload", args=[found.pk])
    preview = admin.post(
        url,
        {
            "events": SimpleUploadedFile("events.csv", EVENTS),
            "designations": SimpleUploadedFile("map.csv", MAPPING),
        },
    )
    assert preview.status_code == 200
    assert "Preview of the uploaded events" in preview.content.decode()
    assert not longitudinal.is_longitudinal(found)
    confirm = preview.context["confirm_form"]
    applied = admin.post(
        url, {"design": confirm.initial["design"], "base": confirm.initial["base"]}
    )
    assert applied.status_code == 302
    design = longitudinal.design_of(found)
    assert [e.unique_name for e in design.events] == ["baseline_arm_1", "week_6_arm_1"]
    assert design.forms_of("week_6_arm_1") == ["reading"]


def test_a_bad_file_names_every_problem_and_changes_nothing(admin, personas):
    found, _, _ = make_study(personas, live=False)
    bad = b"arm_num,unique_event_name,form\n1,baseline_arm_1,nope\n"
    page = admin.post(
        reverse("capture:events_upload", args=[found.pk]),
        {
            "events": SimpleUploadedFile("events.csv", EVENTS),
            "designations": SimpleUploadedFile("map.csv", bad),
        },
    )
    assert page.status_code == 400
    assert "the study has no instrument &#x27;nope&#x27;" in page.content.decode()
    assert not longitudinal.is_longitudinal(found)


def test_a_tampered_confirmation_is_refused(admin, personas):
    found, _, _ = make_study(personas, live=False)
    url = reverse("capture:events_upload", args=[found.pk])
    page = admin.post(url, {"design": "{not json", "base": "x"})
    assert page.status_code == 400
    bad = json.dumps({"events": [{"label": "A", "arm": 1, "unique_name": "a_arm_1"}]})
    page = admin.post(url, {"design": bad, "base": "x"})
    assert page.status_code == 400
    assert not longitudinal.is_longitudinal(found)


def test_events_are_added_renamed_and_designated_on_the_page(admin, study):
    found, _ = study
    url = reverse("capture:events", args=[found.pk])
    page = admin.get(url)
    data = {
        "base": page.context["base"],
        "baseline_arm_1-label": "Baseline visit",
        "baseline_arm_1-arm": "1",
        "baseline_arm_1-form-baseline": "on",
        "baseline_arm_1-form-reading": "on",
        "week_6_arm_1-label": "6-week follow-up",
        "week_6_arm_1-arm": "1",
        "week_6_arm_1-day_offset": "42",
        "week_6_arm_1-form-reading": "on",
        "new-label": "Week 12",
        "new-arm": "1",
        "new-day_offset": "84",
        "new-form-reading": "on",
    }
    assert admin.post(url, data).status_code == 302
    design = longitudinal.design_of(found)
    events = {e.unique_name: e for e in design.events}
    assert events["baseline_arm_1"].label == "Baseline visit"
    assert events["week_12_arm_1"].day_offset == 84
    assert design.forms_of("week_12_arm_1") == ["reading"]
    # Undesignating baseline where it holds data is refused, naming why.
    data.pop("baseline_arm_1-form-baseline")
    data["base"] = admin.get(url).context["base"]
    refused = admin.post(url, data)
    assert refused.status_code == 400
    assert "must stay designated" in refused.content.decode()


def test_an_arm_is_renamed_and_a_new_arm_named_on_the_page(admin, study):
    found, _ = study
    url = reverse("capture:events", args=[found.pk])
    page = admin.get(url)
    assert 'name="arm-1-name"' in page.content.decode()
    data = {
        "base": page.context["base"],
        "arm-1-name": "Surveillance",
        "baseline_arm_1-label": "Baseline",
        "baseline_arm_1-form-baseline": "on",
        "baseline_arm_1-form-reading": "on",
        "week_6_arm_1-label": "Week 6",
        "week_6_arm_1-day_offset": "42",
        "week_6_arm_1-form-reading": "on",
        "new-label": "Baseline",
        "new-arm": "2",
        "new-arm_name": "Resection",
        "new-form-reading": "on",
    }
    saved = admin.post(url, data, follow=True)
    assert "Arms renamed: Arm 1 → Surveillance" in saved.content.decode()
    design = longitudinal.design_of(found)
    assert [(a.number, a.name) for a in design.arms] == [(1, "Surveillance"), (2, "Resection")]
    # The unique event names, which exports and REDCap's scripts use, stay as they were.
    assert {e.unique_name for e in design.events} == {
        "baseline_arm_1",
        "week_6_arm_1",
        "baseline_arm_2",
    }
    event = AuditEvent.objects.filter(action="study.events").latest("pk")
    assert event.changes["arms_renamed"][1] == ["Arm 1 → Surveillance"]

    data = {**data, "base": admin.get(url).context["base"], "arm-1-name": "x" * 201}
    data.pop("new-label")
    refused = admin.post(url, data)
    assert refused.status_code == 400
    assert "Arm 1: a name of at most 200 characters." in refused.content.decode()
    assert longitudinal.design_of(found).arms[0].name == "Surveillance"


def test_the_grids_addresses_are_the_urlconfs():
    from capture.status import _fast_entry_url, entry_url

    prefix = reverse("capture:records", args=[7])
    for event, instance in (("week_6_arm_1", 1), ("week_6_arm_1", 3), ("", 1), ("", 2)):
        assert _fast_entry_url(prefix, 9, "reading", event, instance) == entry_url(
            7, 9, "reading", event, instance
        )


def test_the_dashboard_escapes_what_it_draws(admin, study):
    found, record = study
    Record = type(record)
    Record.objects.filter(pk=record.pk).update(label='<b onmouseover="x">1')
    page = admin.get(reverse("capture:dashboard", args=[found.pk])).content.decode()
    assert "<b onmouseover" not in page
    assert "&lt;b onmouseover=&quot;x&quot;&gt;1" in page


def test_the_json_api_reads_and_saves_a_form_at_its_event(admin, study):
    found, record = study
    base = f"/api/v1/studies/{found.pk}/records/{record.pk}"
    saved = admin.put(
        f"{base}/reading?event=week_6_arm_1",
        data=json.dumps({"values": {"lesions": "5"}, "status": 2}),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["event"] == "week_6_arm_1"
    read = admin.get(f"{base}/reading?event=week_6_arm_1").json()
    assert (read["data"]["lesions"], read["status"]) == ("5", 2)
    assert admin.get(f"{base}/baseline?event=week_6_arm_1").status_code in (404, 422)
    assert admin.get(f"{base}/reading?event=nope_arm_1").status_code == 404
    no_event = admin.put(
        f"{base}/reading", data=json.dumps({"values": {"lesions": "5"}}),
        content_type="application/json",
    )  # fmt: skip
    assert no_event.status_code == 422
    assert "Choose the event" in no_event.content.decode()
