"""Demo opportunities and programmes: invented for the demo network (not real calls),
with one suggestion waiting for the committee's review. Keyed on titles: idempotent."""

# ruff: noqa: E501 - one demo record a line reads better than wrapped dictionaries.

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from network.demo import DEMO_DOMAIN
from network.models import Site
from opportunities import services
from opportunities.models import Opportunity, Programme
from people.models import Term


def _demo(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _terms(*names: str) -> Any:
    return Term.objects.filter(kind=Term.Kind.SUBSPECIALTY, name__in=names)


def _in(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(17, 0))


OPPORTUNITIES: list[dict[str, Any]] = [
    {
        "kind": "funding",
        "title": "Network pump-priming grant (demo)",
        "funder": "RadCollab network committee",
        "summary": "Up to £2,000 to start a trainee-led project and collect pilot data for a larger grant. "
        "A GCP certificate and a named supervising mentor are needed.",
        "amount": Decimal("2000"),
        "currency": "GBP",
        "min_grade": "st1",
        "max_grade": "st6",
        "countries": "GB",
        "deadline_local": _in(40),
        "time_zone": "Europe/London",
        "terms": (),
    },
    {
        "kind": "bursary",
        "title": "Conference travel bursary for a first abstract (demo)",
        "funder": "RadCollab network committee",
        "summary": "£500 towards presenting a first accepted abstract at a national or international meeting.",
        "amount": Decimal("500"),
        "currency": "GBP",
        "min_grade": "st1",
        "max_grade": "st4",
        "deadline_local": _in(20),
        "time_zone": "Europe/London",
        "terms": (),
    },
    {
        "kind": "fellowship",
        "title": "Academic neuroradiology research fellowship (demo)",
        "funder": "Demo university department",
        "summary": "A one-year funded research year in neuro MRI for an academic trainee, with PhD registration.",
        "amount": Decimal("45000"),
        "currency": "GBP",
        "min_grade": "st3",
        "max_grade": "st6",
        "academic_track": "academic",
        "deadline_local": _in(75),
        "time_zone": "Europe/London",
        "terms": ("Neuroradiology",),
    },
    {
        "kind": "award",
        "title": "International graduate research award (demo)",
        "funder": "Demo society",
        "summary": "Recognition and USD 1,000 for a research project led by an international medical graduate.",
        "amount": Decimal("1000"),
        "currency": "USD",
        "graduates": "img_only",
        "deadline_local": _in(60),
        "time_zone": "America/New_York",
        "terms": (),
    },
    {
        "kind": "mentoring",
        "title": "Network mentoring scheme, spring round (demo)",
        "funder": "RadCollab network committee",
        "summary": "Six months with a research mentor from another hospital: sign up, rank mentors, get matched.",
        "deadline_local": _in(30),
        "time_zone": "Europe/London",
        "terms": (),
    },
    {
        "kind": "course",
        "title": "Statistics for diagnostic-accuracy studies, online (demo)",
        "funder": "Demo university",
        "summary": "Four evenings on sensitivity, specificity, ROC and kappa.",
        "amount": Decimal("150"),
        "currency": "GBP",
        "terms": (),
    },
]

PROGRAMMES: list[dict[str, Any]] = [
    {
        "name": "Neuroradiology fellowship (demo)",
        "institution": "St Thomas' Hospital",
        "site": "St Thomas' Hospital",
        "subspecialty": "Neuroradiology",
        "positions_per_year": 2,
        "research": "encouraged",
        "typical_outputs": "One abstract and one paper a year",
        "visa_sponsorship": "Skilled Worker",
    },
    {
        "name": "Interventional radiology fellowship (demo)",
        "institution": "Manchester Royal Infirmary",
        "site": "Manchester Royal Infirmary",
        "subspecialty": "Interventional",
        "positions_per_year": 1,
        "research": "required",
        "typical_outputs": "A first-author paper",
        "visa_sponsorship": "None",
    },
    {
        "name": "Body imaging fellowship (demo)",
        "institution": "Demo academic medical center, US",
        "site": None,
        "subspecialty": "Gastrointestinal / abdominal",
        "positions_per_year": 4,
        "research": "encouraged",
        "typical_outputs": "RSNA abstract",
        "visa_sponsorship": "J-1, H-1B",
    },
]


@transaction.atomic
def seed() -> None:
    committee, trainee = _demo("committee"), _demo("trainee")
    for row in OPPORTUNITIES:
        if Opportunity.objects.filter(title=row["title"]).exists():
            continue
        values = {k: v for k, v in row.items() if k != "terms"}
        made = services.opportunity_suggest(
            actor=committee, subspecialties=_terms(*row["terms"]), **values
        )
        if made.state == Opportunity.State.SUGGESTED:
            # The demo committee has no two-factor yet, so its addition waits for review;
            # the seed publishes it as the system.
            services.opportunity_review(actor=None, opportunity=made, publish=True)
    waiting = "Imaging informatics summer school (suggested)"
    if not Opportunity.objects.filter(title=waiting).exists():
        services.opportunity_suggest(
            actor=trainee,
            kind="course",
            title=waiting,
            funder="Demo informatics society",
            summary="A week on DICOM, PACS and machine learning for radiology trainees.",
        )
    today = timezone.localdate()
    for row in PROGRAMMES:
        if Programme.objects.filter(name=row["name"], institution=row["institution"]).exists():
            continue
        services.programme_save(
            actor=None,
            **{
                **row,
                "site": Site.objects.filter(name=row["site"]).first() if row["site"] else None,
                "subspecialty": _terms(row["subspecialty"]).first(),
                "opens_on": today + dt.timedelta(days=30),
                "closes_on": today + dt.timedelta(days=90),
            },
        )
