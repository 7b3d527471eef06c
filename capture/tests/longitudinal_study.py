"""A longitudinal study for capture tests: baseline and a 6-week follow-up, in one arm."""

from __future__ import annotations

from capture import longitudinal
from capture.tests.factories import make_study
from formats.longitudinal import Arm, Design, Designation, Event

DESIGN = Design(
    arms=(Arm(1, "Arm 1"),),
    events=(
        Event("Baseline", 1, "baseline_arm_1"),
        Event("6-week follow-up", 1, "week_6_arm_1", day_offset=42, offset_min=7, offset_max=7),
    ),
    designations=(
        Designation("baseline_arm_1", "baseline"),
        Designation("baseline_arm_1", "reading"),
        Designation("week_6_arm_1", "reading"),
    ),
)


def make_longitudinal_study(personas, *, live=True):
    """make_study's study (baseline and reading forms) with DESIGN's events."""
    study, site_a, site_b = make_study(personas, live=False)
    longitudinal.design_replace(actor=personas.committee, study=study, design=DESIGN)
    if live:
        from capture import services

        services.study_go_live(actor=personas.committee, study=study)
    return study, site_a, site_b
