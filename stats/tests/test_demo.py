from __future__ import annotations

import pytest

from capture.analysis_data import analysis_values
from capture.models import Record, Study
from core.testing.mfa import enable_totp
from network.demo import seed_network
from stats import demo
from stats.analyses import run_analysis
from stats.inputs import Settings, dataset_from_columns

pytestmark = pytest.mark.django_db


def test_the_demo_reader_study_seeds_once_with_sixty_cases_at_two_sites():
    seed_network()
    demo.seed()
    demo.seed()
    study = Study.objects.get(title=demo.TITLE)
    assert study.status == Study.Status.LIVE
    assert Record.objects.filter(study=study).count() == 60
    assert set(study.study_sites.values_list("code", flat=True)) == {"STH", "MRI"}


def test_the_demo_data_give_believable_results_for_every_analysis():
    seed_network()
    demo.seed()
    study = Study.objects.get(title=demo.TITLE)
    statistician = demo.demo_person("statistician")
    enable_totp(statistician)
    names = [
        "ref_ich",
        "ai_score",
        "r1_call",
        "r2_call",
        "r1_conf",
        "r2_conf",
        "r1_fhw",
        "r2_fhw",
        "r1_fhw_repeat",
    ]
    values = analysis_values(statistician, study, names)
    data = dataset_from_columns(values.columns, values.records)
    roc = run_analysis(
        data,
        Settings.from_json(
            {
                "analysis": "roc",
                "index": "ai_score",
                "index_second": "r2_conf",
                "reference": "ref_ich",
            }
        ),
    )
    auc = roc["tables"][0]["rows"][0][1]
    assert isinstance(auc, float)
    assert 0.8 < auc < 0.99
    kappa = run_analysis(
        data, Settings.from_json({"analysis": "agreement", "measurements": ["r1_call", "r2_call"]})
    )
    value = kappa["tables"][0]["rows"][0][1]
    assert isinstance(value, float)
    assert 0.4 < value < 0.95
    icc = run_analysis(
        data, Settings.from_json({"analysis": "icc", "measurements": ["r1_fhw", "r2_fhw"]})
    )
    value = icc["tables"][0]["rows"][1][3]
    assert isinstance(value, float)
    assert 0.8 < value < 1
    repeat = run_analysis(
        data,
        Settings.from_json(
            {"analysis": "repeatability", "measurements": ["r1_fhw", "r1_fhw_repeat"]}
        ),
    )
    value = repeat["tables"][0]["rows"][0][1]
    assert isinstance(value, float)
    assert 1 < value < 3
