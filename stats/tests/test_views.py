"""The statistician's pages: the form, the queued run, the results and their downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from glossary.marking import unmarked
from stats.models import AnalysisRun
from stats.tests.factories import CASES, everyone_with_two_factor, reader_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def study(personas):
    found, _, _ = reader_study(personas)
    everyone_with_two_factor(personas)
    return found


@pytest.fixture
def analyst(client, personas):
    client.force_login(personas.statistician)
    return client


def post(client, study, capture, **data):
    with capture(execute=True):
        return client.post(reverse("stats:study", args=[study.pk]), data)


def test_the_form_offers_the_analysable_fields_and_no_free_text(analyst, study):
    page = analyst.get(reverse("stats:study", args=[study.pk])).content.decode()
    assert "AI score (ai)" in page
    assert "Findings: Bleed (findings___1)" in page
    assert "(comment)" not in page
    assert "(initials)" not in page
    assert "No analyses yet." in page


def test_a_roc_analysis_runs_and_shows_tables_sentences_and_figures(
    analyst, study, django_capture_on_commit_callbacks
):
    response = post(
        analyst, study, django_capture_on_commit_callbacks,
        analysis="roc", index="ai", index_second="conf", reference="ref",
        ci_method="wilson", level="0.95", transform="logit", weights="none", multiplier="1.96",
    )  # fmt: skip
    run = AnalysisRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    marked = analyst.get(response["Location"]).content.decode()
    # The first use of each term on the page is explained (glossary), once.
    assert marked.count(">AUC (Area under the ROC curve):") == 1
    assert marked.count(">DeLong: DeLong") == 1
    page = unmarked(marked)
    assert "The AUC of AI score (ai) was" in page
    assert "Paired DeLong test" in page
    assert f"{len(CASES)} records analysed" in page
    assert reverse("stats:download", args=[study.pk, run.pk, "roc.svg"]) in page
    assert "AUC interval: Logit-transformed" in page
    assert run.snapshot_sha256 in page


def test_bad_settings_stay_on_the_form_with_the_field_named(analyst, study):
    response = analyst.post(
        reverse("stats:study", args=[study.pk]),
        {"analysis": "bland_altman", "measurements": ["m1"], "ci_method": "wilson",
         "level": "0.95", "transform": "none", "weights": "none", "multiplier": "1.96"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "needs exactly two readers or measurements; 1 chosen" in response.content.decode()
    assert not AnalysisRun.objects.exists()


def test_bad_data_show_a_clear_message_on_the_run_page(
    analyst, study, django_capture_on_commit_callbacks
):
    post(
        analyst, study, django_capture_on_commit_callbacks,
        analysis="accuracy", index="ai", reference="ref", ci_method="wilson", level="0.95",
        transform="none", weights="none", multiplier="1.96",
    )  # fmt: skip
    run = AnalysisRun.objects.get()
    page = analyst.get(run.get_absolute_url()).content.decode()
    assert run.state == AnalysisRun.State.FAILED
    assert "The analysis could not run (Index test)" in page
    assert "AI score (ai) is not binary" in page
    assert "AAA-1 (&#x27;91&#x27;)" in page
    assert "Traceback" not in page


def test_downloads_give_csv_svg_and_png(analyst, study, django_capture_on_commit_callbacks):
    post(
        analyst, study, django_capture_on_commit_callbacks,
        analysis="agreement", measurements=["r1", "r2"], ci_method="wilson", level="0.95",
        transform="none", weights="none", multiplier="1.96",
    )  # fmt: skip
    run = AnalysisRun.objects.get()

    def get(name, **query):
        return analyst.get(reverse("stats:download", args=[study.pk, run.pk, name]), query)

    results = get("results.csv")
    assert results["Content-Type"].startswith("text/csv")
    assert "attachment" in results["Content-Disposition"]
    assert "Cohen's kappa (unweighted)" in results.content.decode()
    svg = get("agreement.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml")
    assert get("agreement.png", download=1).content.startswith(b"\x89PNG")
    assert "attachment" in get("agreement.png", download=1)["Content-Disposition"]
    assert get("roc.svg").status_code == 404
    assert get("results.exe").status_code == 404
    data = list(csv.reader(io.StringIO(get("data.csv").content.decode())))
    assert data[0] == ["record_id", "site", "r1", "r2"]
    assert data[1][:2] == ["AAA-1", "AAA"]
    assert len(data) == len(CASES) + 1
    assert AuditEvent.objects.filter(action="stats.snapshot_download").count() == 1


def test_rerun_repeats_the_run_and_the_history_lists_both(
    analyst, study, django_capture_on_commit_callbacks
):
    post(
        analyst, study, django_capture_on_commit_callbacks,
        analysis="icc", measurements=["m1", "m2"], ci_method="wilson", level="0.95",
        transform="none", weights="none", multiplier="1.96",
    )  # fmt: skip
    first = AnalysisRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst.post(reverse("stats:rerun", args=[study.pk, first.pk]))
    again = AnalysisRun.objects.exclude(pk=first.pk).get()
    assert response["Location"] == again.get_absolute_url()
    assert again.result == first.result
    page = analyst.get(again.get_absolute_url()).content.decode()
    assert "Width, first read (mm) (m1), Width, second read (mm) (m2)" in page
    history = analyst.get(reverse("stats:study", args=[study.pk])).content.decode()
    assert f"repeats #{first.pk}" in history
    assert history.count("Intraclass correlation (ICC)") >= 3  # the choice and two runs


def test_change_settings_starts_the_form_from_an_earlier_run(
    analyst, study, django_capture_on_commit_callbacks
):
    post(
        analyst, study, django_capture_on_commit_callbacks,
        analysis="accuracy", index="conf", index_positive="3", reference="ref",
        ci_method="clopper-pearson", level="0.99", transform="none", weights="none",
        multiplier="1.96",
    )  # fmt: skip
    run = AnalysisRun.objects.get()
    page = analyst.get(reverse("stats:study", args=[study.pk]), {"from": run.pk}).content.decode()
    assert 'value="3"' in page
    assert '<option value="clopper-pearson" selected>' in page


def test_a_queued_run_polls_and_htmx_gets_the_fragment(analyst, study, personas):
    from stats import services
    from stats.inputs import Settings

    run = services.analysis_request(
        actor=personas.statistician,
        study=study,
        settings=Settings.from_json({"analysis": "icc", "measurements": ["m1", "m2"]}),
    )
    page = analyst.get(run.get_absolute_url()).content.decode()
    assert "Queued" in page
    assert 'hx-trigger="every 2s"' in page
    fragment = analyst.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="outcome"')


def test_the_index_lists_only_studies_i_analyse(client, personas, study):
    client.force_login(personas.statistician)
    assert "AI reader study" in client.get(reverse("stats:index")).content.decode()
    client.force_login(personas.trainee)
    page = client.get(reverse("stats:index")).content.decode()
    assert "AI reader study" not in page
    assert "not the statistician or admin of any study" in page


def test_the_study_page_links_to_the_analyses_for_analysts_only(client, personas, study):
    page = reverse("capture:study", args=[study.pk])
    analyses = reverse("stats:study", args=[study.pk])
    client.force_login(personas.statistician)
    assert analyses in client.get(page).content.decode()
    client.force_login(personas.site_lead_a)
    shown = client.get(page)
    assert shown.status_code == 200
    assert analyses not in shown.content.decode()
