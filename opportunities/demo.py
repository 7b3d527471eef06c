"""Demo opportunities and programmes: invented for the demo network (not real calls),
with one suggestion waiting for the committee's review. Keyed on titles: idempotent."""

# ruff: noqa: E501 - one demo record a line reads better than wrapped dictionaries.

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from network.demo import DEMO_DOMAIN
from network.models import Site
from opportunities import services
from opportunities.models import Opportunity, Programme, ShortlistProfile
from opportunities.shortlist.services import shortlist_profile_save
from people.models import Term


def _demo(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _terms(*names: str) -> QuerySet[Term]:
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

DEMO_SOURCE = "Demo data, invented (not a real programme)"


def _sourced(*facts: str) -> dict[str, dict[str, str]]:
    """Every fact named, sourced to the demo label, as of a fortnight ago."""
    as_of = (timezone.localdate() - dt.timedelta(days=14)).isoformat()
    return {fact: {"source": DEMO_SOURCE, "as_of": as_of} for fact in facts}


def _given(row: Mapping[str, object]) -> list[str]:
    """The facts a demo residency states: only those get a (demo) source."""
    fields = {
        "positions": ("positions_per_year",),
        "visa": ("visa_sponsorship",),
        "research": ("research",),
        "graduation": ("graduated_within_years",),
        "step2": ("step2_minimum", "step2_median"),
        "interviews": ("applications_received",),
        "fee": ("application_fee",),
    }
    return [
        fact for fact, names in fields.items() if any(row.get(n) not in (None, "") for n in names)
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
        "country": "GB",
        "region": "London",
        "applications_received": 14,
        "interviews_offered": 6,
        "sources": _sourced("positions", "visa", "research", "interviews"),
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
        "country": "GB",
        "region": "North West England",
        "sources": _sourced("positions", "visa", "research"),
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
        "country": "US",
        "region": "Northeast",
        "applications_received": 60,
        "interviews_offered": 24,
        "sources": _sourced("positions", "visa", "research", "interviews"),
    },
    {
        "name": "Neuroradiology fellowship (demo)",
        "institution": "Lakeshore University Medical Center (demo)",
        "site": None,
        "subspecialty": "Neuroradiology",
        "positions_per_year": 5,
        "research": "encouraged",
        "typical_outputs": "One ASNR abstract",
        "visa_sponsorship": "J-1",
        "country": "US",
        "region": "Midwest",
        "applications_received": 45,
        "interviews_offered": 20,
        "sources": _sourced("positions", "visa", "research", "interviews"),
    },
    {
        "name": "Neuroradiology fellowship (demo)",
        "institution": "Pacific Coast Health Sciences University (demo)",
        "site": None,
        "subspecialty": "Neuroradiology",
        "positions_per_year": 3,
        "research": "required",
        "typical_outputs": "A paper during the year",
        "visa_sponsorship": "None",
        "country": "US",
        "region": "West",
        "sources": _sourced("positions", "visa", "research"),
    },
]

# US diagnostic radiology residencies, invented for the demo with figures in the range
# such programmes publish (positions, Step 2 CK medians, interview counts).
RESIDENCIES: list[dict[str, Any]] = [
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Lakeshore University Medical Center (demo)",
        "region": "Midwest",
        "positions_per_year": 8,
        "visa_sponsorship": "J-1, H-1B",
        "graduated_within_years": 5,
        "step2_minimum": 235,
        "step2_median": 250,
        "research": "encouraged",
        "applications_received": 820,
        "interviews_offered": 96,
        "application_fee": None,
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Harborview Academic Hospital (demo)",
        "region": "Northeast",
        "positions_per_year": 10,
        "visa_sponsorship": "J-1",
        "graduated_within_years": 3,
        "step2_minimum": 240,
        "step2_median": 255,
        "research": "required",
        "applications_received": 1050,
        "interviews_offered": 110,
        "application_fee": None,
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Granite State Regional Medical Center (demo)",
        "region": "Northeast",
        "positions_per_year": 4,
        "visa_sponsorship": "J-1, H-1B",
        "graduated_within_years": None,
        "step2_minimum": 225,
        "step2_median": 242,
        "research": "none",
        "applications_received": 610,
        "interviews_offered": 70,
        "application_fee": None,
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Bluebonnet University Hospital (demo)",
        "region": "South",
        "positions_per_year": 6,
        "visa_sponsorship": "None",
        "graduated_within_years": 5,
        "step2_minimum": 230,
        "step2_median": 248,
        "research": "encouraged",
        "applications_received": 700,
        "interviews_offered": 80,
        "application_fee": None,
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Magnolia Community Teaching Hospital (demo)",
        "region": "South",
        "positions_per_year": 5,
        "visa_sponsorship": "J-1",
        "graduated_within_years": 7,
        "step2_minimum": None,
        "step2_median": 240,
        "research": "none",
        "applications_received": None,
        "interviews_offered": None,
        "application_fee": None,
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Sierra Vista University Health (demo)",
        "region": "West",
        "positions_per_year": 9,
        "visa_sponsorship": "H-1B",
        "graduated_within_years": 3,
        "step2_minimum": 245,
        "step2_median": 258,
        "research": "required",
        "applications_received": 980,
        "interviews_offered": 85,
        "application_fee": None,
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Prairie Health Medical Center (demo)",
        "region": "Midwest",
        "positions_per_year": 4,
        "visa_sponsorship": "J-1",
        "graduated_within_years": None,
        "step2_minimum": 220,
        "step2_median": 238,
        "research": "none",
        "applications_received": 540,
        "interviews_offered": 75,
        "application_fee": None,
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Capital City Veterans and University Hospital (demo)",
        "region": "Northeast",
        "positions_per_year": 7,
        "visa_sponsorship": "",
        "graduated_within_years": None,
        "step2_minimum": None,
        "step2_median": 246,
        "research": "encouraged",
        "applications_received": 760,
        "interviews_offered": 88,
        "application_fee": None,
    },
    {
        "name": "Integrated Interventional Radiology Residency (demo)",
        "institution": "Lakeshore University Medical Center (demo)",
        "region": "Midwest",
        "positions_per_year": 2,
        "visa_sponsorship": "J-1",
        "graduated_within_years": 3,
        "step2_minimum": 240,
        "step2_median": 256,
        "research": "required",
        "applications_received": 310,
        "interviews_offered": 30,
        "application_fee": 75,
        "specialty": "interventional",
    },
    {
        "name": "Diagnostic Radiology Residency (demo)",
        "institution": "Desert Sun Medical Center (demo)",
        "region": "West",
        "positions_per_year": 5,
        "visa_sponsorship": "J-1, H-1B",
        "graduated_within_years": 10,
        "step2_minimum": None,
        "step2_median": None,
        "research": "none",
        "applications_received": None,
        "interviews_offered": None,
        "application_fee": None,
    },
]

# The newcomer of the demo network as an international graduate with a saved profile,
# so that the shortlist page shows a list at once.
DEMO_APPLICANT: dict[str, Any] = {
    "stage": "residency",
    "graduation_year": None,  # set to four years ago at seed time
    "step2_score": 248,
    "visas": "J-1",
    "research_outputs": 3,
    "presentations": 2,
    "regions": "Northeast",
    "budget_kind": "count",
    "budget_programmes": 6,
}


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
    for row in RESIDENCIES:
        if Programme.objects.filter(name=row["name"], institution=row["institution"]).exists():
            continue
        fee = row.get("application_fee")
        services.programme_save(
            actor=None,
            **{
                **row,
                "kind": Programme.Kind.RESIDENCY,
                "specialty": row.get("specialty", Programme.Specialty.DIAGNOSTIC),
                "country": "US",
                "application_fee": Decimal(fee) if fee is not None else None,
                "opens_on": today + dt.timedelta(days=60),
                "closes_on": today + dt.timedelta(days=120),
                "sources": _sourced(*_given(row)),
            },
        )
    newcomer = User.objects.filter(email=f"newcomer@{DEMO_DOMAIN}").first()
    if newcomer is not None and not ShortlistProfile.objects.filter(person=newcomer).exists():
        shortlist_profile_save(
            actor=newcomer, **{**DEMO_APPLICANT, "graduation_year": today.year - 4}
        )
