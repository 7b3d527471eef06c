"""A dictionary whose entry form draws what REDCap draws (issue 15, item 7): a slider, a
matrix, HTML labels with piping, action tags and calculations with the new functions."""

from __future__ import annotations

from formats.datadictionary.tests.builders import dictionary_csv, row

QUALITY = "1, Poor | 2, Fair | 3, Good"

ENTRY_CSV = dictionary_csv(
    row("record_id", label="Record ID", form="reading"),
    row(
        "modality",
        "radio",
        "Modality",
        form="reading",
        section="<i>The scan</i>",
        choices="1, CT | 2, MRI",
    ),
    row("scan_date", label="Scan date", form="reading", validation="date_ymd", annotation="@TODAY"),
    row(
        "reader",
        label="Reader",
        form="reading",
        annotation="@DEFAULT='[user-name]' @PLACEHOLDER=\"e.g. your email\"",
    ),
    row(
        "reading_code",
        label="Reading code",
        form="reading",
        annotation="@READONLY @DEFAULT='R-[record-name]'",
    ),
    row("secret", label="Kept out of sight", form="reading", annotation="@HIDDEN @DEFAULT='k1'"),
    row(
        "confidence",
        "slider",
        "How confident are you?",
        form="reading",
        choices="Not at all | Somewhat | Completely",
        validation="number",
    ),
    row("image_quality", "radio", "Image quality", form="reading", choices=QUALITY, matrix="q"),
    row("contrast_quality", "radio", "Contrast", form="reading", choices=QUALITY, matrix="q"),
    row(
        "size",
        label=(
            'Size of the <b>largest</b> lesion on <span style="color: #c00; display: none">'
            "[modality]</span><script>alert(1)</script>"
        ),
        form="reading",
        validation="number",
        note="In millimetres, <em>longest</em> axis",
    ),
    row(
        "summary",
        "notes",
        "Summary",
        form="reading",
        annotation="@CHARLIMIT=40 @WORDLIMIT=6",
    ),
    row(
        "findings",
        "checkbox",
        "Findings",
        form="reading",
        choices="1, Nodule | 2, Mass | 3, Effusion | 99, None of these",
        annotation="@NONEOFTHEABOVE=99 @MAXCHECKED=2",
    ),
    row(
        "mass_note",
        "text",
        "Mass seen by [reader] on [scan_date]",
        form="reading",
        logic="contains([summary], 'mass') or [findings(2)] = '1'",
    ),
    row("summary_length", "calc", "Summary length", form="reading", choices="length([summary])"),
    row("size_up", "calc", "Size rounded up", form="reading", choices="roundup([size], 0)"),
    row("scan_year", "calc", "Scan year", form="reading", choices="year([scan_date])"),
    row(
        "confidence_band",
        "calc",
        "Confidence band",
        form="reading",
        choices="rounddown([confidence] / 10, 0)",
    ),
    row(
        "ct_reader",
        "calc",
        "CT read by a named reader",
        form="reading",
        choices="if([modality] = '1' and starts_with([reader], 'dr'), 1, 0)",
    ),
    row(
        "protocol",
        "dropdown",
        "Protocol",
        form="reading",
        choices="1, Standard dose | 2, Low dose | 3, Contrast enhanced",
        validation="autocomplete",
    ),
    row("gone", label="Unapplied tag", form="reading", annotation="@HIDDEN-SURVEY"),
    row(
        "elsewhere",
        label="Elsewhere",
        form="reading",
        logic="[baseline_arm_1][modality] = '1'",
    ),
)


def reading_study(personas):
    """A live study on ENTRY_CSV at site A, the trainee (two-factor on) a collaborator
    there, and one record of theirs: what the entry-form tests fill in."""
    from capture import services
    from core.testing.mfa import enable_totp

    study, _ = services.study_create(
        actor=personas.committee, title="Reading study", dictionary_csv=ENTRY_CSV
    )
    site = services.study_add_site(
        actor=personas.committee, study=study, site=personas.site_a, code="STH"
    )
    services.study_go_live(actor=personas.committee, study=study, acknowledged=True)
    services.study_grant_role(
        actor=personas.committee,
        study=study,
        person=personas.trainee,
        role="collaborator",
        study_site=site,
    )
    enable_totp(personas.trainee)
    record = services.record_create(actor=personas.trainee, study=study, study_site=site)
    return study, record
