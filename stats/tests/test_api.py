"""POST /api/v1/stats/<analysis>: columns in, results out; 422 naming the field on bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accounts.services import api_token_create

pytestmark = pytest.mark.django_db

TRUTH = [1, 1, 1, 1, 0, 0, 0, 0, 1, 0]
AI = [0.9, 0.8, 0.7, 0.4, 0.6, 0.3, 0.2, 0.1, 0.65, 0.35]
READER = [1, 1, 0, 1, 0, 0, 1, 0, 1, 0]
FIRST = [10.1, 12.0, 9.8, 11.1, 13.2, 8.7, 10.0, 12.5, 11.7, 9.4]
SECOND = [10.4, 11.5, 9.9, 11.6, 13.0, 9.1, 10.3, 12.1, 11.9, 9.0]
COLUMNS = {"truth": TRUTH, "ai": AI, "reader": READER, "first": FIRST, "second": SECOND}


@pytest.fixture
def api(client, personas):
    secret = api_token_create(user=personas.trainee, name="script").secret

    def send(path, body):
        response = client.post(
            f"/api/v1/stats/{path}",
            data=json.dumps({"columns": COLUMNS, **body}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        return response.status_code, response.json()

    return send


@pytest.mark.parametrize(
    ("path", "body", "first_table"),
    [
        ("accuracy", {"index": "reader", "reference": "truth"}, "2\u00d72 table"),
        ("roc", {"index": "ai", "index_second": "reader", "reference": "truth"}, "Area under"),
        ("agreement", {"measurements": ["reader", "truth"]}, "Agreement"),
        ("icc", {"measurements": ["first", "second"]}, "Intraclass correlations"),
        ("bland-altman", {"measurements": ["first", "second"]}, "Bias and limits"),
        ("repeatability", {"measurements": ["first", "second"]}, "Repeatability"),
    ],
)
def test_every_analysis_answers_with_tables_and_sentences(api, path, body, first_table):
    status, result = api(path, body)
    assert status == 200, result
    assert result["n"] == len(TRUTH)
    assert result["tables"][0]["title"].startswith(first_table)
    assert result["sentences"]


def test_accuracy_numbers_come_back_at_full_precision(api):
    _, result = api("accuracy", {"index": "reader", "reference": "truth", "level": 0.9})
    sensitivity = result["tables"][1]["rows"][0]
    assert sensitivity[:2] == ["Sensitivity", pytest.approx(4 / 5)]
    assert result["sentences"][0].startswith("Sensitivity was 80.0% (90% CI")


def test_a_threshold_makes_a_score_an_index_test(api):
    _, result = api("accuracy", {"index": "ai", "threshold": 0.5, "reference": "truth"})
    assert result["tables"][0]["rows"][0][1:3] == [4, 1]  # 0.4 is below, 0.6 a false call


def test_roc_curve_points_come_back_for_plotting(api):
    _, result = api("roc", {"index": "ai", "reference": "truth"})
    curve = result["figures"]["roc"]["curves"][0]
    assert curve["fpr"][0] == 0
    assert curve["tpr"][-1] == 1


@pytest.mark.parametrize(
    ("path", "body", "field", "words"),
    [
        ("accuracy", {"index": "ai", "reference": "truth"}, "index", "ai is not binary"),
        ("accuracy", {"index": "reader", "reference": "nope"}, "reference", "no column 'nope'"),
        ("roc", {"index": "ai", "reference": "reader", "reference_positive": ["7"]},
         "reference_positive", "positive code '7'"),
        ("icc", {"measurements": ["first"]}, "measurements", "at least two"),
        ("bland-altman", {"measurements": ["first", "second"], "multiplier": 9},
         "multiplier", "(0, 5]"),
        ("agreement", {"measurements": ["reader", "truth"], "weights": "cubic"}, "weights",
         "Unknown weights"),
    ],
)  # fmt: skip
def test_bad_input_answers_422_naming_the_field(api, path, body, field, words):
    status, answer = api(path, body)
    assert status == 422
    assert answer["detail"][0]["loc"] == ["body", field]
    assert words in answer["detail"][0]["msg"]


def test_missing_and_non_numeric_cells_name_their_rows(client, personas):
    client.force_login(personas.trainee)
    body: dict[str, Any] = {
        "columns": {"a": [1.0, None, "x", 4.0], "b": [1.0, 2.0, 3.0, 4.0]},
        "row_ids": ["P1", "P2", "P3", "P4"],
        "measurements": ["a", "b"],
    }
    response = client.post("/api/v1/stats/icc", body, content_type="application/json")
    assert response.status_code == 422
    assert "a has no value in 1 row: P2" in response.json()["detail"][0]["msg"]
    body["exclude_missing"] = True
    response = client.post("/api/v1/stats/icc", body, content_type="application/json")
    assert "P3 ('x')" in response.json()["detail"][0]["msg"]


def test_columns_of_different_lengths_are_refused(client, personas):
    client.force_login(personas.trainee)
    body = {"columns": {"a": [1, 2, 3], "b": [1, 2]}, "measurements": ["a", "b"]}
    response = client.post("/api/v1/stats/icc", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "columns"]


def test_anonymous_callers_get_401(client):
    response = client.post(
        "/api/v1/stats/icc", {"columns": {}, "measurements": []}, content_type="application/json"
    )
    assert response.status_code == 401


SEVERITY = ["None", "Minimal", "Moderate", "Severe"]
# Reader A in rows, reader B in columns, in severity order (38 cases).
SEVERITY_TABLE = [[4, 0, 0, 0], [4, 2, 1, 1], [0, 2, 15, 2], [0, 0, 3, 4]]


def _severity_reads():
    a, b = [], []
    for i, row in enumerate(SEVERITY_TABLE):
        for j, count in enumerate(row):
            a += [SEVERITY[i]] * count
            b += [SEVERITY[j]] * count
    return {"a": a, "b": b}


def post(client, person, path, body):
    client.force_login(person)
    response = client.post(f"/api/v1/stats/{path}", body, content_type="application/json")
    return response.status_code, response.json()


def test_weighted_kappa_on_words_needs_their_order(client, personas):
    body = {"columns": _severity_reads(), "measurements": ["a", "b"], "weights": "quadratic"}
    status, answer = post(client, personas.trainee, "agreement", body)
    assert status == 422
    assert answer["detail"][0]["loc"] == ["body", "order"]
    assert "a and b hold words whose order is not known" in answer["detail"][0]["msg"]
    status, result = post(client, personas.trainee, "agreement", {**body, "order": SEVERITY})
    assert status == 200, result
    assert round(result["tables"][0]["rows"][0][1], 3) == 0.764  # not 0.319, the alphabet's


def test_agreement_on_a_measurement_with_thousands_of_values_answers_422(client, personas):
    values = [round(20 + i / 1000, 3) for i in range(5000)]
    body = {"columns": {"a": values, "b": values[::-1]}, "measurements": ["a", "b"]}
    status, answer = post(client, personas.trainee, "agreement", body)
    assert status == 422
    assert answer["detail"][0]["loc"] == ["body", "measurements"]
    assert "hold 5,000 different values" in answer["detail"][0]["msg"]
    assert "use ICC or Bland\u2013Altman" in answer["detail"][0]["msg"]


def test_na_cells_are_missing_and_left_out_on_request(client, personas):
    body = {
        "columns": {"a": [1.0, "NA", 3.0, 4.2, "."], "b": [1.1, 2.0, 2.9, 4.0, 5.3]},
        "row_ids": ["P1", "P2", "P3", "P4", "P5"],
        "measurements": ["a", "b"],
    }
    status, answer = post(client, personas.trainee, "icc", body)
    assert status == 422
    assert "a has no value in 2 rows: P2, P5" in answer["detail"][0]["msg"]
    status, result = post(client, personas.trainee, "icc", {**body, "exclude_missing": True})
    assert status == 200, result
    assert result["excluded"] == ["P2", "P5"]


def test_an_auc_below_one_half_comes_back_with_a_warning(api):
    _, result = api("roc", {"index": "ai", "reference": "truth", "reference_positive": ["0"]})
    (warning,) = result["warnings"]
    assert "below 0.5" in warning
    _, result = api("roc", {"index": "ai", "reference": "truth"})
    assert result["warnings"] == []
