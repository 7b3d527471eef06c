"""The real PyCap client against a live server: what a statistician's script does unchanged."""

from __future__ import annotations

import pandas as pd
import pytest
from redcap import Project, RedcapError
from redcap.request import _session as pycap_session

from capture.models import Entry
from capture.tests.test_redcap_api import token, world  # noqa: F401 - the same study

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project(live_server, personas, world):  # noqa: F811
    # PyCap insists the address ends in /api/: RadCollab answers there too.
    yield Project(f"{live_server.url}/redcap/api/", token(personas, world[0]))
    # PyCap keeps one requests session for every project: close its keep-alive
    # connections, so that no server thread outlives the test (see core.testing.browser).
    pycap_session.close()


def test_pycap_reads_the_project_and_its_metadata(project):
    assert str(project.export_version()) == "14.5.10"
    assert project.export_project_info()["project_title"] == "CT head audit"
    assert not project.is_longitudinal
    assert project.def_field == "record_id"
    assert project.field_names[:2] == ["record_id", "age"]
    assert sorted(project.forms) == ["baseline", "reading"]
    metadata = project.export_metadata(format_type="df")
    assert metadata.loc["modality", "field_type"] == "checkbox"
    assert [i["instrument_name"] for i in project.export_instruments()] == ["baseline", "reading"]
    assert {"original_field_name": "age", "choice_value": "", "export_field_name": "age"} in (
        project.export_field_names()
    )
    assert [g["unique_group_name"] for g in project.export_dags()] == ["aaa", "bbb"]
    assert project.export_repeating_instruments_events() == [
        {"form_name": "reading", "custom_form_label": ""}
    ]
    with pytest.raises(RedcapError, match="classic projects"):
        project.export_arms()


def test_pycap_exports_records_as_json_and_as_a_data_frame(project):
    rows = project.export_records()
    assert [r["record_id"] for r in rows] == ["AAA-1", "AAA-1", "AAA-1", "BBB-1"]
    frame = project.export_records(format_type="df")
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "record_id"
    base = frame[frame["redcap_repeat_instrument"].isna()]
    assert base.loc["BBB-1", "age"] == 70
    readings = frame[frame["redcap_repeat_instrument"] == "reading"]
    assert list(readings["reader_size"]) == [12, 30]
    chosen = project.export_records(fields=["age"], records=["BBB-1"], raw_or_label="label")
    assert chosen == [{"record_id": "BBB-1", "age": "70"}]
    filtered = project.export_records(fields=["age"], filter_logic="[age] > 60")
    assert [r["record_id"] for r in filtered] == ["BBB-1"]


def test_pycap_imports_records_and_reads_them_back(project):
    answer = project.import_records(
        [
            {"record_id": "AAA-7", "age": 33, "modality___3": "1"},
            {"record_id": "AAA-1", "age": "52"},
        ]
    )
    assert answer == {"count": 2}
    back = project.export_records(records=["AAA-7", "AAA-1"], fields=["age", "modality"])
    assert [(r["record_id"], r["age"], r["modality___3"]) for r in back] == [
        ("AAA-1", "52", "0"),
        ("AAA-7", "33", "1"),
    ]
    frame = project.export_records(format_type="df", fields=["age", "scan_date"])
    frame.loc["AAA-7", "scan_date"] = "2025-01-31"
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("redcap_repeat")])
    frame = frame[frame["age"].notna()].astype({"age": int})
    assert project.import_records(frame, import_format="df") == {"count": 3}
    assert Entry.objects.get(record__label="AAA-7", instrument="baseline").data["scan_date"] == (
        "2025-01-31"
    )
    ids = project.import_records(
        [{"record_id": "x", "redcap_data_access_group": "bbb", "age": 20}],
        force_auto_number=True,
        return_content="ids",
    )
    assert ids == ["BBB-2"]


def test_pycap_sees_a_refused_import_as_an_error_and_nothing_changes(project):
    with pytest.raises(RedcapError, match="age"):
        project.import_records([{"record_id": "AAA-8", "age": "old"}])
    assert not Entry.objects.filter(record__label="AAA-8").exists()
