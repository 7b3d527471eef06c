"""Demo data for credit: a closed national audit whose collaborator list is ready to lock.

Five sites in two countries; the demo site leads and trainee, and the trainees of the
demo crowd at each site, enter records (most complete, some not); the demo mentor
validates. The committee set the rules (at least 2 complete records, 3 validation checks,
site lead, or the writing committee), grouped by site, and asked everyone who qualifies to confirm
their name: all have confirmed except the demo trainee, whose confirmation waits on
their "Waiting for your confirmation" page. The list is not locked, so the committee's
journey (docs/credit.md) can be walked in the demo. The demo trainee's contribution record
is confirmed by their site lead, ready to cite as training evidence. Idempotent.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from capture import services as capture
from capture.demo import DICTIONARY, demo_person, live_demo_study
from capture.models import Record, Study, StudySite
from credit import core, services
from credit.models import AuthorList, NameConfirmation
from network.models import Membership, Role

if TYPE_CHECKING:
    from accounts.models import User

TITLE = "CT head turnaround: re-audit 2025 (closed demo)"
SITES = [
    ("St Thomas' Hospital", "STH"),
    ("Manchester Royal Infirmary", "MRI"),
    ("Leeds General Infirmary", "LGI"),
    ("Queen Elizabeth University Hospital", "QEUH"),
    ("Massachusetts General Hospital", "MGH"),
]


def seed() -> None:
    seed_portfolio()
    if Study.objects.filter(title=TITLE).exists():
        return
    study, study_sites = live_demo_study(
        title=TITLE,
        dictionary=DICTIONARY,
        protocol_summary="The 2025 re-audit of out-of-hours CT head reporting times (closed).",
        sites=SITES,
    )
    committee = demo_person("committee")
    rng = random.Random(19)
    for study_site in study_sites.values():
        for person in _collaborators(committee, study, study_site):
            for n in range(rng.randint(2, 6)):
                _record(person, study, study_site, rng, complete=n != 1 or rng.random() < 0.5)
    validator = demo_person("mentor")
    sth = study_sites["STH"]
    for record in Record.objects.filter(study_site=sth).order_by("pk")[:3]:
        entry = record.entries.get(instrument="reporting")
        capture.query_raise(
            actor=validator, entry=entry, field_name="report_time", text="Please check the time."
        )
    # Capture has no closing service yet: the demo marks the study closed directly.
    Study.objects.filter(pk=study.pk).update(status=Study.Status.CLOSED)
    study.refresh_from_db()
    _author_list(committee, study)
    _contribution_record(study)


def _contribution_record(study: Study) -> None:
    """St Thomas' site lead confirmed what the demo trainee did: a record the trainee can
    cite in their research certificate tracker (Training → tracker → Add evidence)."""
    from credit import access, contributions

    lead, trainee = demo_person("sitelead.a"), demo_person("trainee")
    sites = access.sites_confirmed_by(lead, study)
    contributions.contribution_confirm(actor=lead, study=study, person=trainee, sites=sites)


def _collaborators(committee: User, study: Study, study_site: StudySite) -> list[User]:
    """The crowd's trainees at the site (made collaborators there) and the demo people
    who already work at it."""
    people = list(
        Membership.objects.active()
        .filter(role=Role.TRAINEE, site=study_site.site, person__email__contains="demo")
        .exclude(person__email__startswith="trainee@")
        .select_related("person")
        .order_by("person__full_name")
        .values_list("person", flat=True)
    )
    from accounts.models import User

    crowd = list(User.objects.filter(pk__in=people).order_by("full_name")[:3])
    for person in crowd:
        capture.study_grant_role(
            actor=committee, study=study, person=person, role="collaborator", study_site=study_site
        )
    own = {"STH": ["trainee", "sitelead.a"], "MRI": ["sitelead.b"]}.get(study_site.code, [])
    return crowd + [demo_person(local) for local in own]


def _record(
    person: User, study: Study, study_site: StudySite, rng: random.Random, *, complete: bool
) -> None:
    record = capture.record_create(actor=person, study=study, study_site=study_site)
    now = timezone.now().replace(second=0, microsecond=0)
    requested = now - timedelta(days=rng.randint(60, 200), minutes=rng.randint(0, 600))
    scanned = requested + timedelta(minutes=rng.randint(10, 50))
    reported = scanned + timedelta(minutes=rng.randint(15, 150))
    capture.entry_save(
        actor=person,
        record=record,
        instrument="baseline",
        values={
            "age_band": str(rng.randint(1, 4)),
            "sex": str(rng.randint(1, 2)),
            "indication": "1",
            "gcs": str(rng.randint(9, 15)),
            "anticoag": "0",
            "request_time": f"{requested:%Y-%m-%d %H:%M}",
            "scan_time": f"{scanned:%Y-%m-%d %H:%M}",
        },
        status=2,
        confirmed=True,
    )
    capture.entry_save(
        actor=person,
        record=record,
        instrument="reporting",
        values={"findings": ["1"], "report_time": f"{reported:%Y-%m-%d %H:%M}"},
        status=2 if complete else 1,
        confirmed=True,
    )


def demo_orcid(number: int) -> str:
    """A well-formed ORCID iD (its check digit right) in the 0000-0009 block."""
    digits = f"000000090000{number:03d}"
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    last = "X" if check == 10 else str(check)
    body = digits + last
    return "-".join(body[i : i + 4] for i in range(0, 16, 4))


def _author_list(committee: User, study: Study) -> AuthorList:
    rules = core.Rules(
        consortium_name="RadCollab CT Head Collaborative",
        min_complete_records=2,
        min_validations=3,
        site_leads_qualify=True,
        writing_committee_qualify=True,
        grouping="site",
    )
    author_list = services.rules_save(actor=committee, study=study, rules=rules)
    services.writing_committee_add(
        actor=committee, author_list=author_list, person=committee, role="Chair"
    )
    services.confirmations_request(actor=committee, author_list=author_list)
    trainee = demo_person("trainee")
    names = NameConfirmation.objects.filter(author_list=author_list).exclude(person=trainee)
    for number, name in enumerate(names.select_related("person").order_by("pk"), start=1):
        values = {
            "given_names": name.given_names,
            "family_name": name.family_name,
            "orcid": demo_orcid(number),
            "affiliation": name.affiliation or "RadCollab network",
        }
        services.name_confirm(actor=name.person, name=name, values=values)
    return author_list


# Portfolio studies the demo site leads keep (docs/credit.md), so the dashboard's
# recruitment figures have something to total: (site lead, title, number, target, months).
PORTFOLIO = [
    ("sitelead.a", "PROTECT-CT: contrast and kidney injury", "56789", 40, [4, 7, 6, 9, 5]),
    ("sitelead.b", "FRACTURE-AI: reporting wrist radiographs", "61234", 60, [8, 11, 3, 12]),
]


def seed_portfolio() -> None:
    """Each demo site lead's portfolio study with monthly recruitment; the demo trainee is
    associate PI on the first. Idempotent."""
    from datetime import date

    from credit import portfolio
    from credit.models import PortfolioStudy

    trainee = demo_person("trainee")
    for local, title, number, target, months in PORTFOLIO:
        lead = demo_person(local)
        membership = (
            Membership.objects.active()
            .filter(person=lead, role=Role.SITE_LEAD)
            .select_related("site")
            .first()
        )
        if membership is None or PortfolioStudy.objects.filter(title=title).exists():
            continue
        site = membership.site
        assert site is not None  # a site lead's membership always names its site
        study = portfolio.study_save(
            actor=lead, site=site, title=title, reference=number, target=target
        )
        year = timezone.localdate().year - 1
        for month, recruited in enumerate(months, start=3):
            portfolio.month_record(
                actor=lead, study=study, month=date(year, month, 1), recruited=recruited
            )
        if local == "sitelead.a":
            portfolio.trainee_add(actor=lead, study=study, person=trainee, part="associate_pi")
