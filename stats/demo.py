"""Demo data for statistics: a two-site reader study of an AI haemorrhage triage tool.

Sixty CT heads (St Thomas' and Manchester) with a consensus reference standard, an AI
score, two radiologists' calls and confidence ratings, and a measurement (frontal horn
width) read by both readers and re-read by the first, so every analysis has believable
data: accuracy and ROC of the AI and the readers, paired DeLong, kappa between readers,
ICC and Bland-Altman between readers, repeatability of reader 1. The committee member is
the study admin and the demo statistician its statistician. Idempotent: an existing demo
study is left as it is.
"""

from __future__ import annotations

import random
from pathlib import Path

from capture import services
from capture.demo import demo_person, live_demo_study
from capture.models import Study

TITLE = "AI triage of intracranial haemorrhage on CT: reader study (demo)"
DICTIONARY = Path(__file__).parent / "data" / "demo_ich_reader_study.csv"
SITES = [("St Thomas' Hospital", "STH", 32), ("Manchester Royal Infirmary", "MRI", 28)]
PREVALENCE = 0.35


def seed() -> None:
    if Study.objects.filter(title=TITLE).exists():
        return
    study, study_sites = live_demo_study(
        title=TITLE,
        dictionary=DICTIONARY,
        protocol_summary=(
            "Retrospective multi-reader study of an AI triage tool for intracranial "
            "haemorrhage on non-contrast CT head, against a consensus reference standard. "
            "A registrar and a consultant read every scan blind to the AI; the registrar "
            "re-measured the frontal horns four weeks later."
        ),
        sites=[(name, code) for name, code, _ in SITES],
    )
    rng = random.Random(8)
    entered = {"STH": demo_person("trainee"), "MRI": demo_person("sitelead.b")}
    for _, code, count in SITES:
        for _ in range(count):
            record = services.record_create(
                actor=entered[code], study=study, study_site=study_sites[code]
            )
            for instrument, values in _case(rng).items():
                services.entry_save(
                    actor=entered[code],
                    record=record,
                    instrument=instrument,
                    values=values,
                    status=2,
                    confirmed=True,
                )


def _case(rng: random.Random) -> dict[str, dict[str, str]]:
    """One believable case: the truth, then each reading with its own error."""
    bleed = rng.random() < PREVALENCE
    ai = min(99.0, max(1.0, rng.gauss(70 if bleed else 31, 17)))
    width = rng.gauss(38, 5)
    r1_conf = _confidence(rng, bleed, noise=1.1, shift=2.1)
    r2_conf = _confidence(rng, bleed, noise=0.9, shift=2.4)
    return {
        "reference": {
            "ref_ich": "1" if bleed else "0",
            "ref_type": str(rng.choice([1, 1, 3, 4, 4, 5])) if bleed else "",
        },
        "ai": {"ai_score": f"{ai:.1f}"},
        "reader_1": {
            "r1_call": "1" if r1_conf >= 3 else "0",
            "r1_conf": str(r1_conf),
            "r1_fhw": f"{width + rng.gauss(0.6, 1.3):.1f}",
        },
        "reader_2": {
            "r2_call": "1" if r2_conf >= 3 else "0",
            "r2_conf": str(r2_conf),
            "r2_fhw": f"{width + rng.gauss(0, 1.0):.1f}",
        },
        "reread": {
            "r1_fhw_repeat": f"{width + rng.gauss(0.6, 1.3):.1f}",
            "reader_note": "Motion artefact at the vertex." if rng.random() < 0.1 else "",
        },
    }


def _confidence(rng: random.Random, bleed: bool, *, noise: float, shift: float) -> int:
    """A 1-5 rating from a latent reading: readers see bleeds as more likely, with noise."""
    latent = 1.6 + (shift if bleed else 0.0) + rng.gauss(0, noise)
    return min(5, max(1, round(latent)))
