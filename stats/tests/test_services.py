"""Analyses of captured data: who may ask, what is read, what is kept, what is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from capture import services as capture_services
from capture.analysis_data import analysis_fields, analysis_values
from network.access import TwoFactorRequired
from stats import services
from stats.inputs import Settings
from stats.models import AnalysisRun
from stats.tests.factories import CASES, SITE_A_CASES, enter, everyone_with_two_factor, reader_study

pytestmark = pytest.mark.django_db

ACCURACY = Settings.from_json({"analysis": "accuracy", "index": "r1", "reference": "ref"})


@pytest.fixture
def study(personas):
    found, _, _ = reader_study(personas)
    everyone_with_two_factor(personas)
    return found


def ask(person, study, settings, capture):
    with capture(execute=True):
        run = services.analysis_request(actor=person, study=study, settings=settings)
    run.refresh_from_db()
    return run


def test_the_statistician_analyses_the_records_of_every_site(
    personas, study, django_capture_on_commit_callbacks
):
    run = ask(personas.statistician, study, ACCURACY, django_capture_on_commit_callbacks)
    assert run.state == AnalysisRun.State.DONE
    assert run.result["n"] == len(CASES)
    assert set(run.snapshot["sites"]) == {"AAA", "BBB"}
    assert run.snapshot["records"][:2] == ["AAA-1", "AAA-2"]
    assert run.result["values"]["table"] == {"tp": 5, "fp": 1, "fn": 1, "tn": 5}
    assert run.result["sentences"][0] == "Sensitivity was 83.3% (95% CI 43.6\u201397.0%)."


def test_only_de_identified_analysable_fields_are_offered_and_read(personas, study):
    offered = [f.name for f in analysis_fields(personas.statistician, study)]
    assert offered == [
        "ref", "ai", "r1", "r2", "conf", "m1", "m2", "findings___1", "findings___2",
    ]  # fmt: skip
    with pytest.raises(KeyError, match="comment"):
        analysis_values(personas.statistician, study, ["comment"])
    values = analysis_values(personas.statistician, study, ["findings___1", "ai"])
    assert values.columns["findings___1"][:3] == ["1", "1", "1"]
    assert values.columns["ai"][0] == "91"


def test_a_field_outside_the_analysable_ones_is_refused_by_name(personas, study):
    settings = Settings.from_json({"analysis": "accuracy", "index": "comment", "reference": "ref"})
    with pytest.raises(ValidationError) as refused:
        services.analysis_request(actor=personas.statistician, study=study, settings=settings)
    assert "comment" in refused.value.message_dict["index"][0]


@pytest.mark.parametrize("who", ["site_lead_a", "trainee", "mentor"])
def test_other_study_roles_cannot_ask_for_an_analysis(personas, study, who):
    with pytest.raises(PermissionDenied):
        services.analysis_request(actor=personas.people[who], study=study, settings=ACCURACY)


def test_the_study_data_gate_asks_for_two_factor(personas):
    study, _, _ = reader_study(personas)
    with pytest.raises(TwoFactorRequired):
        services.analysis_request(actor=personas.statistician, study=study, settings=ACCURACY)


def test_a_run_keeps_its_snapshot_and_a_rerun_reproduces_it_exactly(
    personas, study, django_capture_on_commit_callbacks
):
    settings = Settings.from_json(
        {"analysis": "roc", "index": "ai", "index_second": "conf", "reference": "ref"}
    )
    first = ask(personas.statistician, study, settings, django_capture_on_commit_callbacks)
    # The data change after the first run: a rerun still reads the first run's values.
    site_b = study.study_sites.get(code="BBB")
    enter(personas, study, site_b, ("1", "5", "0", "0", "1", "30.0", "30.2"))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.analysis_rerun(actor=personas.committee, run=first)
    again.refresh_from_db()
    assert again.rerun_of == first
    rerun = AuditEvent.objects.get(action="stats.analysis_rerun")
    assert rerun.scope == f"study:{study.pk}"
    assert rerun.changes["rerun_of"] == [None, first.pk]
    assert again.snapshot_sha256 == first.snapshot_sha256
    assert again.result == first.result
    fresh = ask(personas.statistician, study, settings, django_capture_on_commit_callbacks)
    assert fresh.snapshot_sha256 != first.snapshot_sha256
    assert fresh.result["n"] == len(CASES) + 1
    assert services.snapshot_digest(first.snapshot) == first.snapshot_sha256


def test_each_step_is_audited_in_the_study_scope(
    personas, study, django_capture_on_commit_callbacks
):
    run = ask(personas.statistician, study, ACCURACY, django_capture_on_commit_callbacks)
    events = AuditEvent.objects.filter(object_id=str(run.pk), action__startswith="stats.")
    assert sorted(events.values_list("action", flat=True)) == [
        "stats.analysis_done",
        "stats.analysis_request",
    ]
    assert set(events.values_list("scope", flat=True)) == {f"study:{study.pk}"}
    done = events.get(action="stats.analysis_done")
    assert done.changes["snapshot_sha256"][1] == run.snapshot_sha256
    assert done.changes["rows"][1] == len(CASES)


def test_missing_values_fail_the_run_naming_the_field_and_records(
    personas, study, django_capture_on_commit_callbacks
):
    site_b = study.study_sites.get(code="BBB")
    record = capture_services.record_create(
        actor=personas.committee, study=study, study_site=site_b
    )
    run = ask(personas.statistician, study, ACCURACY, django_capture_on_commit_callbacks)
    assert run.state == AnalysisRun.State.FAILED
    assert run.error_field == "index"
    assert record.label in run.error
    assert "Reader 1 call (r1)" in run.error
    assert run.result is None
    assert AuditEvent.objects.filter(action="stats.analysis_failed").count() == 1


def test_leaving_out_missing_values_lists_the_records_left_out(
    personas, study, django_capture_on_commit_callbacks
):
    site_b = study.study_sites.get(code="BBB")
    record = capture_services.record_create(
        actor=personas.committee, study=study, study_site=site_b
    )
    settings = Settings.from_json(
        {"analysis": "accuracy", "index": "r1", "reference": "ref", "exclude_missing": True}
    )
    run = ask(personas.statistician, study, settings, django_capture_on_commit_callbacks)
    assert run.state == AnalysisRun.State.DONE
    assert run.result["excluded"] == [record.label]
    assert run.result["n"] == len(CASES)


def test_a_role_ended_before_the_task_runs_reads_nothing(
    personas, study, django_capture_on_commit_callbacks
):
    run = services.analysis_request(actor=personas.statistician, study=study, settings=ACCURACY)
    study.roles.filter(person=personas.statistician).update(ended_at="2026-01-01T00:00:00Z")
    from capture.access import forget_roles

    forget_roles(personas.statistician)
    run = services.analysis_execute(run.pk)
    assert run.state == AnalysisRun.State.FAILED
    assert run.error.startswith("The data could not be read")
    assert run.snapshot is None


def test_the_site_a_records_come_first_in_the_snapshot(personas, study):
    values = analysis_values(personas.committee, study, ["ai"])
    assert values.sites == ["AAA"] * SITE_A_CASES + ["BBB"] * (len(CASES) - SITE_A_CASES)


def test_agreement_on_a_measurement_with_many_values_fails_the_run_naming_the_field(
    personas, study
):
    """A width in mm read as kappa categories: refused before any table is allocated."""
    widths = [f"{30 + i / 10:.1f}" for i in range(400)]
    snapshot: services.Snapshot = {
        "study": study.pk,
        "taken_at": "2026-01-05T10:00:00+00:00",
        "fields": [
            {"name": name, "label": f"Width {name}", "numeric": True, "choices": []}
            for name in ("m1", "m2")
        ],
        "records": [f"AAA-{i}" for i in range(1, 401)],
        "sites": ["AAA"] * 400,
        "columns": {"m1": widths, "m2": widths[::-1]},
    }
    settings = Settings.from_json({"analysis": "agreement", "measurements": ["m1", "m2"]})
    run = AnalysisRun.objects.create(
        study=study,
        requested_by=personas.statistician,
        kind="agreement",
        settings=settings.to_json(),
        snapshot=snapshot,
        snapshot_sha256=services.snapshot_digest(snapshot),
    )
    run = services.analysis_execute(run.pk)
    assert run.state == AnalysisRun.State.FAILED
    assert run.error_field == "measurements"
    assert run.error.startswith("Width m1 (m1) and Width m2 (m2) hold 400 different values.")
    assert "use ICC or Bland\u2013Altman" in run.error
