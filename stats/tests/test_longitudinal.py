"""A longitudinal study is analysed one event at a time."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from capture import services
from capture.analysis_data import analysis_fields, analysis_values
from capture.models import Event
from capture.tests.longitudinal_study import make_longitudinal_study
from stats.models import AnalysisRun
from stats.tests.factories import everyone_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    found, site_a, _ = make_longitudinal_study(personas)
    services.study_grant_role(
        actor=personas.committee, study=found, person=personas.statistician,
        role="statistician", study_site=None,
    )  # fmt: skip
    everyone_with_two_factor(personas)
    for lesions in ("1", "2", "3"):
        record = services.record_create(actor=personas.committee, study=found, study_site=site_a)
        for name, value in (("baseline_arm_1", lesions), ("week_6_arm_1", str(int(lesions) * 10))):
            services.entry_save(
                actor=personas.committee, record=record, instrument="reading",
                event=Event.objects.get(study=found, unique_name=name),
                values={"lesions": value, "reader_size": value},
            )  # fmt: skip
    return found


def test_the_values_are_those_of_the_event_chosen(personas, study):
    names = {f.name for f in analysis_fields(personas.statistician, study, "week_6_arm_1")}
    assert "lesions" in names
    assert "age" not in names  # baseline's form is not collected at week 6
    week6 = analysis_values(personas.statistician, study, ["lesions"], "week_6_arm_1")
    assert week6.columns["lesions"] == ["10", "20", "30"]
    baseline = analysis_values(personas.statistician, study, ["lesions"], "baseline_arm_1")
    assert baseline.columns["lesions"] == ["1", "2", "3"]
    with pytest.raises(ValidationError):
        analysis_fields(personas.statistician, study, "")


def test_the_page_offers_the_events_and_runs_on_the_one_chosen(
    client, personas, study, django_capture_on_commit_callbacks
):
    client.force_login(personas.statistician)
    url = reverse("stats:study", args=[study.pk])
    page = client.get(url).content.decode()
    assert "Visit (event) to analyse" in page
    assert "6-week follow-up" in page
    assert client.get(url, {"event": "week_6_arm_1"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{url}?event=week_6_arm_1",
            {"analysis": "icc", "measurements": ["lesions", "reader_size"], "event": "week_6_arm_1",
             "ci_method": "wilson", "level": "0.95", "transform": "none", "weights": "none",
             "multiplier": "1.96"},
        )  # fmt: skip
    assert response.status_code == 302
    run = AnalysisRun.objects.get()
    assert run.settings["event"] == "week_6_arm_1"
    assert run.snapshot is not None
    assert run.snapshot["columns"]["lesions"] == ["10", "20", "30"]
    assert (
        "Event (visit) analysed: week_6_arm_1"
        in client.get(run.get_absolute_url()).content.decode()
    )
