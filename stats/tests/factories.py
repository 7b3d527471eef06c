"""A small reader study for stats tests: a reference, an AI score, two readers, a measurement."""

from __future__ import annotations

from capture import services
from core.testing.mfa import enable_totp
from formats.datadictionary.tests.builders import dictionary_csv, row

READER_CSV = dictionary_csv(
    row("record_id", label="Record ID", form="reads"),
    row("ref", "yesno", "Haemorrhage (reference)", form="reads"),
    row("ai", label="AI score", form="reads", validation="number", min="0", max="100"),
    row("r1", "yesno", "Reader 1 call", form="reads"),
    row("r2", "yesno", "Reader 2 call", form="reads"),
    row("conf", "radio", "Reader 1 confidence", form="reads", choices="1, Low | 2, Mid | 3, High"),
    row("m1", label="Width, first read (mm)", form="reads", validation="number"),
    row("m2", label="Width, second read (mm)", form="reads", validation="number"),
    row("findings", "checkbox", "Findings", form="reads", choices="1, Bleed | 2, Fracture"),
    row("comment", "notes", "Comment", form="reads"),
    row("initials", label="Reader initials", form="reads"),
    row("scan_date", label="Scan date", form="reads", validation="date_ymd"),
)

# ref, ai, r1, r2, conf, m1, m2 for each record: site A's first, then site B's.
CASES = [
    ("1", "91", "1", "1", "3", "40.1", "40.6"),
    ("1", "84", "1", "1", "3", "37.2", "36.9"),
    ("1", "77", "1", "0", "2", "41.0", "41.8"),
    ("1", "45", "0", "1", "2", "35.5", "35.1"),
    ("0", "62", "1", "0", "2", "39.9", "40.4"),
    ("0", "30", "0", "0", "1", "33.0", "33.6"),
    ("0", "22", "0", "0", "1", "38.4", "38.0"),
    ("0", "12", "0", "0", "1", "36.1", "36.9"),
    ("1", "88", "1", "1", "3", "42.3", "42.0"),
    ("1", "69", "1", "1", "3", "34.8", "35.5"),
    ("0", "40", "0", "1", "2", "37.7", "37.1"),
    ("0", "18", "0", "0", "1", "35.9", "36.4"),
]
SITE_A_CASES = 7
ANALYSIS_ROLES = {
    "site_lead_a": ("site_lead", "a"),
    "site_lead_b": ("site_lead", "b"),
    "trainee": ("collaborator", "a"),
    "mentor": ("validator", "a"),
    "statistician": ("statistician", None),
}


def reader_study(personas, *, cases=CASES, with_roles=True):
    """The reader study, its two study sites, and records entered at both."""
    study, _ = services.study_create(
        actor=personas.committee, title="AI reader study", dictionary_csv=READER_CSV
    )
    site_a = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="AAA"
    )
    site_b = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_b, code="BBB"
    )
    services.study_go_live(actor=personas.committee, study=study)
    sites = {"a": site_a, "b": site_b}
    if with_roles:
        for who, (role, key) in ANALYSIS_ROLES.items():
            services.study_grant_role(
                actor=personas.committee,
                study=study,
                person=personas.people[who],
                role=role,
                study_site=sites[key] if key else None,
            )
    for number, case in enumerate(cases):
        enter(personas, study, site_a if number < SITE_A_CASES else site_b, case)
    return study, site_a, site_b


def enter(personas, study, study_site, case, **extra):
    ref, ai, r1, r2, conf, m1, m2 = case
    record = services.record_create(actor=personas.committee, study=study, study_site=study_site)
    values = {"ref": ref, "ai": ai, "r1": r1, "r2": r2, "conf": conf, "m1": m1, "m2": m2}
    values |= {"findings": ["1"] if ref == "1" else [], "comment": "Fine.", "initials": "AB"}
    services.entry_save(
        actor=personas.committee,
        record=record,
        instrument="reads",
        values={**values, **extra},
        status=2,
        confirmed=True,
    )
    return record


def everyone_with_two_factor(personas):
    for person in personas.people.values():
        enable_totp(person)
