"""Demo data for capture: a live national audit of CT head turnaround at two sites.

The committee runs it; the site leads lead St Thomas' and Manchester; the demo trainee
collaborates at St Thomas'; the mentor validates St Thomas' records; the statistician
exports. Records carry believable values, one open query and one signed lock.
Idempotent: an existing demo study is left as it is.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from capture import longitudinal, services
from capture.models import Event, Study, StudySite
from formats.longitudinal import Arm, Design, Designation
from formats.longitudinal import Event as EventSpec
from network.demo import DEMO_DOMAIN, DEMO_PASSWORD
from network.models import Site

TITLE = "CT head turnaround: national audit (demo)"
DICTIONARY = Path(__file__).parent / "data" / "demo_ct_head_audit.csv"
SITES = [("St Thomas' Hospital", "STH"), ("Manchester Royal Infirmary", "MRI")]


def demo_person(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


# The demo people's roles in every demo study: site leads at their sites, the trainee
# collaborating and the mentor validating at St Thomas', the statistician study-wide.
DEMO_ROLES = [
    ("sitelead.a", "site_lead", "STH"),
    ("sitelead.b", "site_lead", "MRI"),
    ("trainee", "collaborator", "STH"),
    ("mentor", "validator", "STH"),
    ("statistician", "statistician", None),
]


def live_demo_study(
    *, title: str, dictionary: Path, protocol_summary: str, sites: list[tuple[str, str]]
) -> tuple[Study, dict[str, StudySite]]:
    """A live study run by the demo committee member, at `sites` (name, code), with the
    demo people in DEMO_ROLES; its study sites by code."""
    committee = demo_person("committee")
    study, _ = services.study_create(
        actor=committee,
        title=title,
        dictionary_csv=dictionary.read_text(encoding="utf-8"),
        protocol_summary=protocol_summary,
    )
    study_sites = {
        code: services.study_add_site(
            actor=committee, study=study, site=Site.objects.get(name=name), code=code
        )
        for name, code in sites
    }
    services.study_go_live(actor=committee, study=study)
    for local, role, code in DEMO_ROLES:
        services.study_grant_role(
            actor=committee,
            study=study,
            person=demo_person(local),
            role=role,
            study_site=study_sites[code] if code else None,
        )
    return study, study_sites


def seed() -> None:
    if Study.objects.filter(title=TITLE).exists():
        return
    study, study_sites = live_demo_study(
        title=TITLE,
        dictionary=DICTIONARY,
        protocol_summary=(
            "Time from request to verified report for adult CT head scans out of hours, "
            "against the 1-hour standard for head injury. Twenty consecutive scans per site."
        ),
        sites=SITES,
    )
    rng = random.Random(42)
    now = timezone.now().replace(second=0, microsecond=0)
    entered = {"STH": demo_person("trainee"), "MRI": demo_person("sitelead.b")}
    for code, study_site in study_sites.items():
        for n in range(6 if code == "STH" else 4):
            record = services.record_create(actor=entered[code], study=study, study_site=study_site)
            requested = now - timedelta(days=rng.randint(3, 40), minutes=rng.randint(0, 600))
            scanned = requested + timedelta(minutes=rng.randint(10, 50))
            reported = scanned + timedelta(minutes=rng.randint(15, 150))
            bleed = n % 3 == 0
            services.entry_save(
                actor=entered[code],
                record=record,
                instrument="baseline",
                values={
                    "age_band": str(rng.randint(1, 4)),
                    "sex": str(rng.randint(1, 2)),
                    "indication": "1" if n % 2 == 0 else str(rng.randint(2, 4)),
                    "gcs": str(rng.randint(9, 15)),
                    "anticoag": "1" if n % 4 == 0 else "0",
                    "request_time": f"{requested:%Y-%m-%d %H:%M}",
                    "scan_time": f"{scanned:%Y-%m-%d %H:%M}",
                },
                status=2,
                confirmed=True,
            )
            saved = services.entry_save(
                actor=entered[code],
                record=record,
                instrument="reporting",
                values={
                    "findings": ["2"] if bleed else ["1"],
                    "haem_type": "2" if bleed else "",
                    "haem_volume": f"{rng.randint(5, 60)}" if bleed else "",
                    "report_time": f"{reported:%Y-%m-%d %H:%M}",
                },
                status=2 if n else 1,
                confirmed=True,
            )
            if code == "STH" and n == 1:
                services.query_raise(
                    actor=demo_person("mentor"),
                    entry=saved.entry,
                    field_name="report_time",
                    text="The report time is before the scan ended on PACS: please check.",
                )
            if code == "STH" and n == 0:
                services.record_lock(
                    actor=demo_person("sitelead.a"), record=record, password=DEMO_PASSWORD
                )


def seed_all() -> None:
    """Every capture demo study: the classic audit and the longitudinal follow-up study."""
    seed()
    seed_followup()


FOLLOWUP_TITLE = "Incidental lung nodules: 6-week follow-up (demo)"
FOLLOWUP_DICTIONARY = Path(__file__).parent / "data" / "demo_nodule_followup.csv"
FOLLOWUP_DESIGN = Design(
    arms=(Arm(1, "Arm 1"),),
    events=(
        EventSpec("Baseline", 1, "baseline_arm_1"),
        EventSpec("6-week follow-up", 1, "week_6_arm_1", day_offset=42, offset_min=7, offset_max=7),
    ),
    designations=(
        Designation("baseline_arm_1", "enrolment"),
        Designation("baseline_arm_1", "imaging"),
        Designation("week_6_arm_1", "imaging"),
    ),
)


def seed_followup() -> None:
    """A small longitudinal study: a baseline and a 6-week follow-up CT, a few records at
    each status so the record status dashboard shows every colour."""
    if Study.objects.filter(title=FOLLOWUP_TITLE).exists():
        return
    committee = demo_person("committee")
    study, _ = services.study_create(
        actor=committee,
        title=FOLLOWUP_TITLE,
        dictionary_csv=FOLLOWUP_DICTIONARY.read_text(encoding="utf-8"),
        protocol_summary=(
            "Adults with an incidental solid or sub-solid lung nodule on CT: the nodule's "
            "size at baseline and at a 6-week follow-up CT."
        ),
    )
    study_sites = {
        code: services.study_add_site(
            actor=committee, study=study, site=Site.objects.get(name=name), code=code
        )
        for name, code in SITES
    }
    longitudinal.design_replace(actor=committee, study=study, design=FOLLOWUP_DESIGN)
    services.study_go_live(actor=committee, study=study, acknowledged=True)
    for local, role, code in DEMO_ROLES:
        services.study_grant_role(
            actor=committee, study=study, person=demo_person(local), role=role,
            study_site=study_sites[code] if code else None,
        )  # fmt: skip
    events = {e.unique_name: e for e in Event.objects.filter(study=study)}
    entered = {"STH": demo_person("trainee"), "MRI": demo_person("sitelead.b")}
    rng = random.Random(7)
    for code, study_site in study_sites.items():
        for n in range(4 if code == "STH" else 2):
            actor = entered[code]
            record = services.record_create(actor=actor, study=study, study_site=study_site)
            size = rng.randint(5, 14)
            services.entry_save(
                actor=actor, record=record, instrument="enrolment", event=events["baseline_arm_1"],
                values={"age_band": str(rng.randint(2, 4)), "smoker": str(n % 2)}, status=2,
            )  # fmt: skip
            services.entry_save(
                actor=actor, record=record, instrument="imaging", event=events["baseline_arm_1"],
                values={"nodule_mm": str(size), "solid": "1"}, status=2,
            )  # fmt: skip
            if n == 3:
                continue  # the follow-up visit is still due: grey on the dashboard
            services.entry_save(
                actor=actor, record=record, instrument="imaging", event=events["week_6_arm_1"],
                values={"nodule_mm": str(size + rng.randint(0, 2)), "solid": "1"},
                status=(2, 1, 0)[n % 3],
            )  # fmt: skip
