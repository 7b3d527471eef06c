"""Time "for you": the pure ranking at growing network sizes, and the demo's stored lists.

Run from the checkout with ``.venv/bin/python benchmarks/bench_recommend.py``. Nothing is
asserted: timings depend on the machine and its load.

1. **The ranking alone** (`recommend.core.rank`, TF-IDF backend): one trainee against
   synthetic networks of 1,000, 10,000 and 50,000 candidates (mentors, projects, calls
   and conferences in the proportions of a national collaborative), texts of 30 to 60
   words drawn from a radiology vocabulary, every rule's facts filled in; the first
   call, which imports scikit-learn, is timed apart.
2. **The demo network** (needs a migrated database: the benchmark seeds it in a fresh
   SQLite file): building one trainee's candidates from the database, ranking them, and
   `recommendations_refresh_all()` storing every demo trainee's list, as the nightly task
   does.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from recommend.core import Candidate

WORDS = [
    "stroke",
    "diffusion",
    "mri",
    "ct",
    "perfusion",
    "thrombectomy",
    "aneurysm",
    "haemorrhage",
    "glioma",
    "epilepsy",
    "spine",
    "cord",
    "compression",
    "fracture",
    "scaphoid",
    "knee",
    "cartilage",
    "shoulder",
    "rotator",
    "cuff",
    "tendon",
    "breast",
    "mammography",
    "calcification",
    "density",
    "screening",
    "recall",
    "lung",
    "nodule",
    "embolism",
    "pneumothorax",
    "radiograph",
    "liver",
    "metastases",
    "cirrhosis",
    "pancreas",
    "appendicitis",
    "crohn",
    "colon",
    "prostate",
    "kidney",
    "renal",
    "colic",
    "stone",
    "bladder",
    "ovarian",
    "uterus",
    "paediatric",
    "abuse",
    "intussusception",
    "ultrasound",
    "elastography",
    "pet",
    "lymphoma",
    "thyroid",
    "audit",
    "turnaround",
    "reporting",
    "agreement",
    "accuracy",
    "sensitivity",
    "specificity",
    "deep",
    "learning",
    "triage",
    "validation",
    "cohort",
    "outcome",
    "education",
    "feedback",
    "trainees",
    "systematic",
    "review",
    "meta-analysis",
]
SUBSPECIALTIES = ["Neuroradiology", "Breast", "Chest / thoracic", "Musculoskeletal", "Paediatric"]
KINDS = [("mentor", 0.15), ("project", 0.6), ("opportunity", 0.15), ("conference", 0.1)]


def synthetic(count: int, seed: int = 18) -> Iterator[Candidate]:
    from recommend import core

    rng = random.Random(seed)
    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    kinds = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS], k=count)
    for n, kind in enumerate(kinds, start=1):
        yield core.Candidate(
            key=f"{kind}:{n}",
            kind=kind,
            title=f"{kind} {n}",
            url=f"/{kind}/{n}",
            text=" ".join(rng.choices(WORDS, k=rng.randint(30, 60))),
            terms=frozenset(rng.sample(SUBSPECIALTIES, 2)),
            hours_needed=rng.randint(1, 8) if kind == "project" else None,
            eligible=rng.choice([True, None, False]) if kind == "opportunity" else None,
            open=rng.random() > 0.05,
            closes_at=now + dt.timedelta(days=rng.randint(-30, 300)) if kind != "mentor" else None,
            latitude=51 + rng.random() * 4,
            longitude=-3 + rng.random() * 3,
            place=f"Hospital {n % 300}",
            reply_days=rng.random() * 20 if kind == "mentor" else None,
            replies=rng.randint(0, 10) if kind == "mentor" else 0,
        )


def bench_core() -> None:
    from recommend.core import Seeker, TfidfBackend, rank

    seeker = Seeker(
        key="person:1",
        text="neuroradiology stroke diffusion mri perfusion thrombectomy accuracy audit",
        terms=frozenset({"Neuroradiology"}),
        hours_per_week=4,
        latitude=51.5,
        longitude=-0.12,
        place="St Thomas' Hospital",
    )
    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    backend = TfidfBackend()
    started = time.perf_counter()
    rank(seeker, list(synthetic(10)), backend=backend, now=now)
    print(f"first call (imports scikit-learn):       {time.perf_counter() - started:8.3f} s")
    print(f"{'candidates':>10} {'kept':>7} {'build (s)':>10} {'rank (s)':>9}")
    for count in (1_000, 10_000, 50_000):
        started = time.perf_counter()
        candidates = list(synthetic(count))
        built = time.perf_counter() - started
        started = time.perf_counter()
        result = rank(seeker, candidates, backend=backend, now=now, explain_per_kind=10)
        ranked = time.perf_counter() - started
        print(f"{count:>10,} {len(result.ranked):>7,} {built:>10.3f} {ranked:>9.3f}")


def bench_demo() -> None:
    folder = tempfile.mkdtemp(prefix="bench-recommend-")
    os.environ.setdefault("DEBUG", "true")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/demo.sqlite3"
    os.environ.setdefault("EMAIL_BACKEND", "console")
    os.environ["RADCOLLAB_TASK_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "radcollab.settings")
    import io

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    from django.utils import timezone

    from accounts.models import User
    from recommend import selectors
    from recommend.core import TfidfBackend, rank
    from recommend.services import recommendations_refresh_all

    person = User.objects.get(email="trainee@demo.radcollab.org")
    now = timezone.now()
    started = time.perf_counter()
    seeker = selectors.seeker_of(person)
    assert seeker is not None, "the demo trainee has a trainee profile"
    candidates = selectors.candidates_for(person, seeker, now=now)
    read = time.perf_counter() - started
    started = time.perf_counter()
    rank(seeker, candidates, backend=TfidfBackend(), now=now)
    ranked = time.perf_counter() - started
    print(f"demo: {len(candidates)} candidates read in {read:.3f} s, ranked in {ranked:.3f} s")
    started = time.perf_counter()
    count = recommendations_refresh_all()
    print(f"demo: {count} trainees' lists stored in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    bench_core()
    if "--core-only" not in sys.argv:
        bench_demo()
