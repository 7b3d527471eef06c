"""Demo data for the network: regions, sites with their real coordinates, schemes, people.

Used by `manage.py seed_demo`. Every write is keyed on a natural key so a second
run finds what the first made and adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from network.models import Membership, Region, Role, Site, TrainingScheme
from network.services import join_request, membership_grant

if TYPE_CHECKING:  # the user model is reached through get_user_model() at run time
    from core.types import User

DEMO_PASSWORD = "radcollab-demo"  # noqa: S105 - printed for the demo logins on purpose # nosec B105
DEMO_DOMAIN = "demo.radcollab.org"

REGIONS: list[tuple[str, str]] = [
    ("London", "GB"),
    ("North West England", "GB"),
    ("Yorkshire and the Humber", "GB"),
    ("West Midlands", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("US Northeast", "US"),
    ("US Midwest", "US"),
    ("US South", "US"),
    ("US West", "US"),
]

# name, short name, city, region, latitude, longitude
SITES: list[tuple[str, str, str, str, str, str]] = [
    ("St Thomas' Hospital", "GSTT", "London", "London", "51.49800", "-0.11830"),
    ("King's College Hospital", "KCH", "London", "London", "51.46820", "-0.09400"),
    ("University College Hospital", "UCLH", "London", "London", "51.52460", "-0.13570"),
    ("Royal Free Hospital", "RFH", "London", "London", "51.55330", "-0.16500"),
    (
        "Manchester Royal Infirmary",
        "MRI",
        "Manchester",
        "North West England",
        "53.46270",
        "-2.22650",
    ),
    ("Royal Preston Hospital", "RPH", "Preston", "North West England", "53.79150", "-2.70270"),
    (
        "Aintree University Hospital",
        "AUH",
        "Liverpool",
        "North West England",
        "53.46970",
        "-2.93420",
    ),
    ("Leeds General Infirmary", "LGI", "Leeds", "Yorkshire and the Humber", "53.80210", "-1.55190"),
    (
        "Northern General Hospital",
        "NGH",
        "Sheffield",
        "Yorkshire and the Humber",
        "53.40920",
        "-1.45770",
    ),
    (
        "Queen Elizabeth Hospital Birmingham",
        "QEHB",
        "Birmingham",
        "West Midlands",
        "52.45300",
        "-1.94160",
    ),
    ("University Hospital Coventry", "UHCW", "Coventry", "West Midlands", "52.42140", "-1.43900"),
    ("Queen Elizabeth University Hospital", "QEUH", "Glasgow", "Scotland", "55.86250", "-4.34070"),
    ("Royal Infirmary of Edinburgh", "RIE", "Edinburgh", "Scotland", "55.92190", "-3.13560"),
    ("Aberdeen Royal Infirmary", "ARI", "Aberdeen", "Scotland", "57.15410", "-2.13580"),
    ("University Hospital of Wales", "UHW", "Cardiff", "Wales", "51.50710", "-3.18980"),
    ("Morriston Hospital", "MH", "Swansea", "Wales", "51.68390", "-3.93400"),
    ("Massachusetts General Hospital", "MGH", "Boston", "US Northeast", "42.36310", "-71.06860"),
    ("NewYork-Presbyterian Columbia", "NYP", "New York", "US Northeast", "40.84040", "-73.94200"),
    (
        "Hospital of the University of Pennsylvania",
        "HUP",
        "Philadelphia",
        "US Northeast",
        "39.94960",
        "-75.19320",
    ),
    ("Johns Hopkins Hospital", "JHH", "Baltimore", "US Northeast", "39.29630", "-76.59290"),
    ("Mayo Clinic Rochester", "Mayo", "Rochester, MN", "US Midwest", "44.02250", "-92.46680"),
    ("Northwestern Memorial Hospital", "NMH", "Chicago", "US Midwest", "41.89550", "-87.62120"),
    (
        "University of Michigan Hospital",
        "UMich",
        "Ann Arbor",
        "US Midwest",
        "42.28390",
        "-83.72860",
    ),
    ("Emory University Hospital", "Emory", "Atlanta", "US South", "33.79250", "-84.32190"),
    ("Houston Methodist Hospital", "HMH", "Houston", "US South", "29.71010", "-95.39980"),
    ("UCSF Medical Center", "UCSF", "San Francisco", "US West", "37.76310", "-122.45780"),
    ("Stanford Hospital", "SHC", "Stanford", "US West", "37.43340", "-122.17550"),
]

# name, region, lead site
SCHEMES: list[tuple[str, str, str]] = [
    ("London South Radiology Training Scheme", "London", "St Thomas' Hospital"),
    ("London North Radiology Training Scheme", "London", "University College Hospital"),
    ("North West Radiology Training Scheme", "North West England", "Manchester Royal Infirmary"),
    ("Yorkshire Radiology Training Scheme", "Yorkshire and the Humber", "Leeds General Infirmary"),
    (
        "West Midlands Radiology Training Scheme",
        "West Midlands",
        "Queen Elizabeth Hospital Birmingham",
    ),
    (
        "West of Scotland Radiology Training Scheme",
        "Scotland",
        "Queen Elizabeth University Hospital",
    ),
    ("Wales Radiology Training Scheme", "Wales", "University Hospital of Wales"),
    ("MGH Diagnostic Radiology Residency", "US Northeast", "Massachusetts General Hospital"),
    ("Northwestern Diagnostic Radiology Residency", "US Midwest", "Northwestern Memorial Hospital"),
    ("UCSF Diagnostic Radiology Residency", "US West", "UCSF Medical Center"),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    place: str


# The people whose logins are printed: one per role, the site leads at two sites.
PERSONAS: list[tuple[str, str, Role | None, str | None, str | None]] = [
    (
        "trainee",
        "Dr Amara Okafor",
        Role.TRAINEE,
        "St Thomas' Hospital",
        "London South Radiology Training Scheme",
    ),
    ("mentor", "Dr Helen Marsh", Role.MENTOR, "St Thomas' Hospital", None),
    ("sitelead.a", "Dr Rahul Mehta", Role.SITE_LEAD, "St Thomas' Hospital", None),
    ("sitelead.b", "Dr Fiona Campbell", Role.SITE_LEAD, "Manchester Royal Infirmary", None),
    ("committee", "Dr Owen Price", Role.COMMITTEE, None, None),
    ("statistician", "Dr Mei Lin", Role.STATISTICIAN, None, None),
    ("admin", "Sam Taylor", Role.ADMIN, None, None),
    ("newcomer", "Dr Jordan Reyes", None, None, None),
]

# Sixty given names, one per person of the crowd, from the many backgrounds of the UK's
# and the US's radiology workforce; family names repeat only as they do in life.
GIVEN = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farid",
    "Grace",
    "Hiroshi",
    "Isla",
    "Jack",
    "Kemi",
    "Liam",
    "Maya",
    "Nikhil",
    "Olivia",
    "Priya",
    "Quentin",
    "Rosa",
    "Sean",
    "Tara",
    "Adebayo",
    "Bethan",
    "Catriona",
    "Dmitri",
    "Esther",
    "Fionn",
    "Gabriela",
    "Hamza",
    "Ingrid",
    "Javier",
    "Keisha",
    "Lukas",
    "Mairead",
    "Nnamdi",
    "Orla",
    "Pavel",
    "Rhiannon",
    "Samir",
    "Thandiwe",
    "Usman",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zara",
    "Alasdair",
    "Bronwen",
    "Chidi",
    "Deepa",
    "Emeka",
    "Freya",
    "Gareth",
    "Hannah",
    "Imran",
    "Joanna",
    "Kofi",
    "Leila",
    "Mohammed",
    "Niamh",
    "Oluwaseun",
]
FAMILY = [
    "Adeyemi",
    "Brown",
    "Chen",
    "Davies",
    "Evans",
    "Fernandes",
    "Gupta",
    "Hughes",
    "Ito",
    "Jones",
    "Khan",
    "Lewis",
    "Murphy",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Thomas",
    "MacLeod",
    "Okonkwo",
    "Kowalczyk",
    "Rahman",
    "Williams",
    "Garcia",
    "Mensah",
    "Campbell",
    "Iqbal",
    "Novak",
]
# Days before the demo is seeded when each of the crowd joined: spread over two years.
JOINED_SPAN_DAYS = 720


@cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose; the demo people share one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _person(local: str, name: str, joined: dt.datetime | None = None) -> User:
    email = f"{local}@{DEMO_DOMAIN}"
    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        user = get_user_model().objects.create(
            email=email,
            full_name=name,
            password=_demo_password_hash(),
            date_joined=joined or timezone.now(),
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _grant(person: User, role: Role, site: Site | None, scheme: TrainingScheme | None) -> None:
    exists = Membership.objects.active().filter(person=person, role=role, site=site, scheme=scheme)
    if not exists.exists():
        membership_grant(
            actor=None, person=person, role=role, site=site, scheme=scheme, reason="Demo data"
        )


def seed() -> list[str]:
    """The demo network (the first demo seeder, `core.extensions`), and the lines
    `seed_demo` prints: every demo login, its role and place, and the password."""
    logins = seed_network()
    width = max(len(login.email) for login in logins)
    lines = ["Sign in as any of these:"]
    lines += [f"  {login.role:<18} {login.email:<{width}}  ({login.place})" for login in logins]
    lines.append(f"  Password for every demo login: {DEMO_PASSWORD}")
    lines.append(
        "  Site leads, committee, statistician and admin are asked to turn on "
        "two-factor before they reach study data or manage the network."
    )
    return lines


@transaction.atomic
def seed_network() -> list[DemoLogin]:
    regions = {
        name: Region.objects.get_or_create(name=name, defaults={"country": country})[0]
        for name, country in REGIONS
    }
    sites = {}
    for name, short, city, region, lat, lon in SITES:
        sites[name], _ = Site.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "city": city,
                "region": regions[region],
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
            },
        )
    schemes = {
        name: TrainingScheme.objects.get_or_create(
            name=name, defaults={"region": regions[region], "lead_site": sites[lead]}
        )[0]
        for name, region, lead in SCHEMES
    }
    logins = []
    now = timezone.now()
    for number, (local, name, role, site_name, scheme_name) in enumerate(PERSONAS):
        # The printed logins have been members for a year or two; the newcomer just came.
        days = 0 if role is None else 300 + 53 * number
        person = _person(local, name, now - dt.timedelta(days=days))
        site = sites[site_name] if site_name else None
        scheme = schemes[scheme_name] if scheme_name else None
        if role is not None and (site or not scheme):
            _grant(person, role, site, None)
        if role is not None and scheme is not None:
            _grant(person, role, None, scheme)
        if role == Role.ADMIN and not person.is_staff:
            person.is_staff = person.is_superuser = True
            person.save(update_fields=["is_staff", "is_superuser"])
        _date_memberships(person)
        place = site_name or scheme_name or ("network-wide" if role else "no role yet")
        logins.append(DemoLogin(role.label if role else "No role", person.email, name, place))
    _seed_crowd(list(sites.values()), list(schemes.values()))
    logins.append(_seed_join_request(sites["St Thomas' Hospital"]))
    return logins


def _seed_join_request(site: Site) -> DemoLogin:
    """A newcomer waiting for the site lead, so the requests page and a pending member's
    dashboard can be tried."""
    person = _person("joining", "Dr Sam Okoye")
    if not Membership.objects.open().filter(person=person).exists():
        join_request(person=person, site=site)
    return DemoLogin("Waiting to join", person.email, person.full_name, site.name)


def _seed_crowd(sites: list[Site], schemes: list[TrainingScheme]) -> None:
    """Trainees and mentors spread over the sites, so that lists look lived in."""
    now = timezone.now()
    for index in range(60):
        given = GIVEN[index % len(GIVEN)]
        family = FAMILY[(index * 7) % len(FAMILY)]
        is_mentor = index % 4 == 0
        name = f"Dr {given} {family}"
        local = f"{given}.{family}.{index}".lower().replace("'", "")
        # A stride coprime with the span spreads the joining dates without a pattern.
        joined = now - dt.timedelta(days=(index * 197) % JOINED_SPAN_DAYS + 1, hours=index % 9)
        person = _person(local, name, joined)
        site = sites[(index * 5) % len(sites)]
        if is_mentor:
            _grant(person, Role.MENTOR, site, None)
        else:
            _grant(person, Role.TRAINEE, site, None)
            scheme = next((s for s in schemes if s.region_id == site.region_id), None)
            if scheme is not None:
                _grant(person, Role.TRAINEE, None, scheme)
        _date_memberships(person)


def _date_memberships(person: User) -> None:
    """A membership dates from a few days after the person joined, as a site lead's
    approval would, rather than from the afternoon the demo was seeded."""
    granted = min(person.date_joined + dt.timedelta(days=3), timezone.now())
    Membership.objects.filter(person=person).update(created_at=granted)
