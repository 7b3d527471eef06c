"""The real PyCap client against a live server, on a longitudinal study."""

from __future__ import annotations

import pytest
from redcap import Project
from redcap.request import _session as pycap_session

from capture.models import Entry
from capture.tests.test_redcap_api import token
from capture.tests.test_redcap_api_events import study  # noqa: F401 - the same study

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def project(live_server, personas, study):  # noqa: F811
    yield Project(f"{live_server.url}/redcap/api/", token(personas, study))
    pycap_session.close()


def test_pycap_sees_a_longitudinal_project(project):
    assert project.is_longitudinal
    assert [a["name"] for a in project.export_arms()] == ["Arm 1"]
    assert [e["unique_event_name"] for e in project.export_instrument_event_mappings()] == [
        "baseline_arm_1",
        "baseline_arm_1",
        "week_6_arm_1",
    ]
    events = project.export_events()
    assert [e["event_name"] for e in events] == ["Baseline", "6-week follow-up"]


def test_pycap_exports_records_by_event_and_imports_a_follow_up(project):
    frame = project.export_records(format_type="df")
    # PyCap indexes a longitudinal frame by record and event.
    assert list(frame.index.names) == ["record_id", "redcap_event_name"]
    assert frame.loc[("AAA-1", "week_6_arm_1"), "lesions"] == 3
    follow_up = project.export_records(events=["week_6_arm_1"], fields=["lesions"])
    assert follow_up == [
        {"record_id": "AAA-1", "redcap_event_name": "week_6_arm_1", "lesions": "3"}
    ]
    answer = project.import_records(
        [{"record_id": "BBB-1", "redcap_event_name": "week_6_arm_1", "lesions": "6"}]
    )
    assert answer == {"count": 1}
    entry = Entry.objects.get(record__label="BBB-1", event__unique_name="week_6_arm_1")
    assert entry.data["lesions"] == "6"
