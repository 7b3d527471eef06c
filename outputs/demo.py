"""Demo outputs with themes for the demo trainee, so goals and the CV have data. Idempotent.

The demo mentor has confirmed being a co-author of all but one, which waits on their
confirmation page so that the demo shows it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from network.demo import DEMO_DOMAIN
from outputs.models import Output
from outputs.services import AuthorIn, authorship_confirm, output_create
from people.models import Term

# The output whose co-author link the demo mentor has not answered yet.
WAITING = "Automated triage of non-contrast CT head for intracranial haemorrhage: early results"
# (kind, title, venue, date, status, doi, co-authors, themes)
DemoOutput = tuple[str, str, str, dt.date | None, str, str, list[str], list[str]]
OUTPUTS: list[DemoOutput] = [
    (
        Output.Kind.ARTICLE,
        "Diffusion-weighted MRI in stroke mimics: a two-centre retrospective study",
        "Clinical Radiology",
        dt.date(2025, 3, 1),
        Output.Status.PUBLISHED,
        "10.5555/radcollab.demo.0001",
        ["mentor"],
        ["Neuroradiology", "MRI", "Diagnostic accuracy"],
    ),
    (
        Output.Kind.ABSTRACT,
        "Out-of-hours CT head requests: a trainee-led audit against national guidance",
        "UK Imaging and Oncology Congress",
        dt.date(2024, 6, 10),
        Output.Status.PUBLISHED,
        "",
        [],
        ["Neuroradiology", "CT"],
    ),
    (
        Output.Kind.POSTER,
        "Automated triage of non-contrast CT head for intracranial haemorrhage: early results",
        "European Congress of Radiology",
        dt.date(2025, 2, 26),
        Output.Status.ACCEPTED,
        "",
        ["mentor"],
        ["Neuroradiology", "AI / informatics"],
    ),
    (
        Output.Kind.ARTICLE,
        "Inter-observer agreement for ASPECTS on CT by radiology trainees",
        "",
        None,
        Output.Status.IN_PREPARATION,
        "",
        ["mentor"],
        ["Neuroradiology", "CT"],
    ),
]


@transaction.atomic
def seed() -> None:
    trainee = User.objects.filter(email=f"trainee@{DEMO_DOMAIN}").first()
    if trainee is None:
        return
    mentor = User.objects.filter(email=f"mentor@{DEMO_DOMAIN}").first()
    for kind, title, venue, date, status, doi, coauthors, themes in OUTPUTS:
        if Output.objects.filter(title=title, authors__person=trainee).exists():
            continue
        authors = [AuthorIn(name=str(trainee), person=trainee)]
        if "mentor" in coauthors and mentor is not None:
            authors.append(AuthorIn(name=str(mentor), person=mentor))
        output = output_create(
            actor=trainee,
            kind=kind,
            title=title,
            authors=authors,
            venue=venue,
            date=date,
            date_precision=Output.Precision.DAY if date else Output.Precision.YEAR,
            status=status,
            doi=doi,
            themes=Term.objects.filter(name__in=themes),
        )
        if mentor is not None and "mentor" in coauthors and title != WAITING:
            authorship_confirm(actor=mentor, output=output)
