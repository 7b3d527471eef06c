"""A small study for capture tests: two instruments, branching logic, a checkbox, a calc."""

from __future__ import annotations

from formats.datadictionary.tests.builders import dictionary_csv, row

STUDY_CSV = dictionary_csv(
    row("record_id", label="Record ID", form="baseline"),
    row("age", label="Age (years)", form="baseline", validation="integer", min="18", max="100"),
    row(
        "modality",
        "checkbox",
        "Imaging done",
        form="baseline",
        choices="1, CT | 2, MRI | 3, Ultrasound",
    ),
    row(
        "mri_field",
        "radio",
        "MRI field strength",
        form="baseline",
        choices="1, 1.5 T | 2, 3 T",
        logic="[modality(2)] = '1'",
    ),
    row("comment", "notes", "Comment", form="baseline"),
    row("scan_date", label="Scan date", form="baseline", validation="date_ymd"),
    row("lesions", label="Lesions", form="reading", validation="integer", min="0", max="50"),
    row("reader_size", label="Largest (mm)", form="reading", validation="number"),
    row("size_cm", "calc", "Largest (cm)", form="reading", choices="[reader_size] / 10"),
)


def make_study(personas, *, live=True):
    """A study by the committee with sites A (code AAA) and B (code BBB)."""
    from capture import services

    study, _ = services.study_create(
        actor=personas.committee, title="CT head audit", dictionary_csv=STUDY_CSV
    )
    site_a = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="AAA"
    )
    site_b = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_b, code="BBB"
    )
    if live:
        services.study_go_live(actor=personas.committee, study=study)
    return study, site_a, site_b
