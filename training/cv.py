"""The CV: outputs grouped by research theme then by type, with training, credentials, grants.

`cv_for(person)` gathers everything in a fixed number of queries into plain data;
`cv_docx` and `cv_pdf` lay that data out. An output appears once, under its first
theme (subspecialties before modalities and methods, as the taxonomy orders them).
First-authored work is marked “*”, trainee-led work (its first author holds a
trainee profile) “†”. Each output is cited in the CSL style the person chooses
(outputs.citations: Vancouver by default, AMA, APA or Harvard), their own name bold.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from accounts.models import User
from outputs.citations import DEFAULT_STYLE, cite
from outputs.models import Author, Output
from people.models import MentorProfile, TraineeProfile
from training.models import Checklist, Tracker
from training.selectors import credentials_of, today, tracker_progress, tracker_summary

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

NO_THEME = "Other research"
MAX_AUTHORS = 12
FIRST_MARK, TRAINEE_MARK = "*", "†"
KIND_ORDER = [kind for kind in Output.Kind if kind != Output.Kind.GRANT]
PLURALS = {Output.Kind.THESIS: "Theses", Output.Kind.SOFTWARE: "Software"}


@dataclass(frozen=True)
class Entry:
    authors: list[tuple[str, bool]]  # (name, is the CV's person)
    title: str
    venue: str
    year: str
    status: str  # empty when published
    ids: str  # "doi:… · PMID …"
    first_author: bool
    trainee_led: bool
    # The reference in the chosen citation style, as (style, text) runs ("B" bold, "I" italic).
    citation: list[tuple[str, str]] = field(default_factory=list)

    @property
    def marks(self) -> str:
        return (FIRST_MARK if self.first_author else "") + (
            TRAINEE_MARK if self.trainee_led else ""
        )


@dataclass
class Section:
    theme: str
    kinds: list[tuple[str, list[Entry]]] = field(default_factory=list)


@dataclass
class CV:
    name: str
    email: str
    training: list[str]
    credentials: list[str]
    grants: list[str]
    sections: list[Section]
    generated_on: dt.date
    counts: dict[str, int]


def _outputs_of(person: User) -> list[Output]:
    mine = Author.objects.filter(person=person).values("output_id")
    return list(
        Output.objects.filter(pk__in=mine)
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("position")), "themes"
        )
        .order_by("-date", "title")
    )


def _author_list(output: Output, person: User) -> list[tuple[str, bool]]:
    authors = [(a.name, a.person_id == person.pk) for a in output.authors.all()]
    if len(authors) <= MAX_AUTHORS:
        return authors
    shown = authors[: MAX_AUTHORS - 2]
    mine = [a for a in authors[MAX_AUTHORS - 2 :] if a[1]]
    return (
        [*shown, *(("…", False),), *mine, ("et al.", False)]
        if mine
        else [
            *shown,
            ("et al.", False),
        ]
    )


def _ids(output: Output) -> str:
    parts = []
    if output.doi:
        parts.append(f"doi:{output.doi}")
    if output.pmid:
        parts.append(f"PMID {output.pmid}")
    return " · ".join(parts)


def _entry(
    output: Output, person: User, trainees: set[int], citation: list[tuple[str, str]]
) -> Entry:
    authors = list(output.authors.all())
    first = authors[0] if authors else None
    return Entry(
        authors=_author_list(output, person),
        title=output.title,
        venue=output.venue,
        year=str(output.date.year) if output.date else "",
        status=""
        if output.status == Output.Status.PUBLISHED
        else output.get_status_display().lower(),
        ids=_ids(output),
        first_author=bool(first and first.person_id == person.pk),
        trainee_led=bool(first and first.person_id in trainees),
        citation=citation,
    )


def _sections(outputs: list[Output], person: User, style: str) -> list[Section]:
    firsts = {o.authors.all()[0].person_id for o in outputs if o.authors.all()}
    trainees = set(
        TraineeProfile.objects.filter(person_id__in=firsts - {None}).values_list(
            "person_id", flat=True
        )
    )
    grouped: dict[str, dict[str, list[Entry]]] = {}
    citations = cite(outputs, style=style, person=person)
    for output, citation in zip(outputs, citations, strict=True):
        themes = sorted(output.themes.all(), key=lambda t: (t.kind, t.position, t.name))
        theme = themes[0].name if themes else NO_THEME
        kinds = grouped.setdefault(theme, {})
        kinds.setdefault(output.kind, []).append(_entry(output, person, trainees, citation))
    names = sorted(grouped, key=lambda name: (name == NO_THEME, name))
    return [
        Section(
            theme=name,
            kinds=[
                (PLURALS.get(kind, Output.Kind(kind).label + "s"), grouped[name][kind])
                for kind in KIND_ORDER
                if kind in grouped[name]
            ],
        )
        for name in names
    ]


def _grant(output: Output) -> str:
    amount = f"{output.currency} {output.amount:,.0f}".strip() if output.amount else ""
    start = output.date.strftime("%b %Y") if output.date else ""
    end = output.ends_on.strftime("%b %Y") if output.ends_on else ""
    when = f"{start} to {end}" if end else start
    return " · ".join(part for part in (output.title, output.venue, amount, when) if part)


def _training(person: User) -> list[str]:
    lines = []
    trainee = TraineeProfile.objects.select_related("scheme").filter(person=person).first()
    if trainee is not None:
        line = f"{trainee.get_grade_display()}"
        if trainee.scheme:
            line += f", {trainee.scheme}"
        if trainee.expected_completion:
            line += f"; completion expected {trainee.expected_completion:%B %Y}"
        if trainee.academic_track != TraineeProfile.AcademicTrack.NONE:
            line += f"; {trainee.get_academic_track_display()}"
        lines.append(line)
    mentor = MentorProfile.objects.select_related("site").filter(person=person).first()
    if mentor is not None:
        lines.append(mentor.get_title_display() + (f", {mentor.site}" if mentor.site else ""))
    for checklist in Checklist.objects.filter(person=person).select_related(
        "template", "supervisor"
    ):
        state = (
            f"completed {checklist.completed_on:%B %Y}"
            if checklist.completed_on
            else f"since {checklist.started_on:%B %Y}"
        )
        lines.append(f"{checklist.template}, supervised by {checklist.supervisor} ({state})")
    for tracker in Tracker.objects.filter(person=person).select_related("requirement_set"):
        done, total = tracker_summary(tracker_progress(tracker))
        lines.append(f"{tracker.requirement_set}: {done} of {total} categories complete")
    return lines


def _credentials(person: User) -> list[str]:
    lines = []
    for state in credentials_of(person):
        if state.superseded:
            continue
        until = (
            f"valid until {state.expires_on:%-d %b %Y}" if state.expires_on else "does not expire"
        )
        if state.status == "expired":
            until = f"expired {state.expires_on:%-d %b %Y}"
        completed = state.credential.completed_on
        lines.append(
            f"{state.credential.label} — {state.credential.provider}, "
            f"{completed:%-d %b %Y} ({until})"
        )
    return lines


def cv_for(person: User, style: str = DEFAULT_STYLE) -> CV:
    outputs = _outputs_of(person)
    grants = [o for o in outputs if o.kind == Output.Kind.GRANT]
    others = [o for o in outputs if o.kind != Output.Kind.GRANT]
    sections = _sections(others, person, style)
    entries = [e for s in sections for _, kind in s.kinds for e in kind]
    return CV(
        name=person.get_full_name(),
        email=person.email,
        training=_training(person),
        credentials=_credentials(person),
        grants=[_grant(g) for g in grants],
        sections=sections,
        generated_on=today(),
        counts={
            "outputs": len(entries),
            "first_author": sum(e.first_author for e in entries),
            "trainee_led": sum(e.trainee_led for e in entries),
            "grants": len(grants),
        },
    )


def _citation_tail(entry: Entry) -> str:
    tail = f". {entry.venue}" if entry.venue else ""
    tail += f" {entry.year}." if entry.year else "."
    if entry.status:
        tail += f" ({entry.status.capitalize()}.)"
    if entry.ids:
        tail += f" {entry.ids}"
    return tail


def _author_runs(entry: Entry) -> list[tuple[str, str]]:
    """The author list as runs, the person's own name bold, neighbours merged."""
    runs: list[tuple[str, str]] = []
    for index, (name, mine) in enumerate(entry.authors):
        separator = ", " if index < len(entry.authors) - 1 else ". "
        for style, text in (("B" if mine else "", name), ("", separator)):
            if runs and runs[-1][0] == style:
                runs[-1] = (style, runs[-1][1] + text)
            else:
                runs.append((style, text))
    return runs


def _entry_runs(entry: Entry) -> list[tuple[str, str]]:
    """The entry's citation, with its status and identifiers when the style left them out."""
    if not entry.citation:
        return [*_author_runs(entry), ("", entry.title + _citation_tail(entry))]
    cited = "".join(text for _, text in entry.citation)
    extra = [part for part in entry.ids.split(" · ") if part and part.split(":")[-1] not in cited]
    return entry.citation + ([("", " " + " · ".join(extra))] if extra else [])


LEGEND = f"{FIRST_MARK} first author   {TRAINEE_MARK} trainee-led (first author a trainee)"


# DOCX -------------------------------------------------------------------------------


class _Docx:
    """python-docx with styles set by id: its lookup by name scans every style on each
    call, which made a 300-output CV take seconds."""

    def __init__(self) -> None:
        from docx import Document as Docx
        from docx.shared import Pt

        self.doc = Docx()
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        names = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number")
        self.ids = {name: self.doc.styles[name].style_id for name in names}

    def add(self, text: str, style: str = "") -> Paragraph:
        paragraph = self.doc.add_paragraph(text)
        if style:
            paragraph._p.style = self.ids[style]
        return paragraph

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def cv_docx(cv: CV) -> bytes:
    from docx.shared import RGBColor

    out = _Docx()
    out.doc.core_properties.title = f"Curriculum vitae — {cv.name}"
    out.doc.core_properties.author = cv.name
    out.add(cv.name, "Title")
    out.add(f"{cv.email} · research CV, {cv.generated_on:%-d %B %Y}")
    for title, lines in (
        ("Training", cv.training),
        ("Credentials", cv.credentials),
        ("Grants", cv.grants),
    ):
        if lines:
            out.add(title, "Heading 1")
            for line in lines:
                out.add(line, "List Bullet")
    out.add("Research outputs", "Heading 1")
    counts = cv.counts
    legend = out.add(
        f"{counts['outputs']} outputs, {counts['first_author']} as first author, "
        f"{counts['trainee_led']} trainee-led. {LEGEND}"
    )
    legend.runs[0].font.color.rgb = RGBColor(90, 90, 90)
    for section in cv.sections:
        out.add(section.theme, "Heading 2")
        for kind, entries in section.kinds:
            out.add(kind, "Heading 3")
            for entry in entries:
                paragraph = out.add("", "List Number")
                if entry.marks:
                    paragraph.add_run(entry.marks + " ").bold = True
                for style, text in _entry_runs(entry):
                    run = paragraph.add_run(text)
                    run.bold = "B" in style or None
                    run.italic = "I" in style or None
    return out.render()


# PDF --------------------------------------------------------------------------------


def cv_pdf(cv: CV) -> bytes:
    # Imported here, like python-docx above: fpdf2 would slow every web process's first request.
    from core.documents import Document

    pdf = Document(f"Curriculum vitae — {cv.name}")
    pdf.set_author(cv.name)
    pdf.add_page()
    pdf.heading(cv.name, level=0)
    pdf.paragraph(f"{cv.email} · research CV, {cv.generated_on:%-d %B %Y}", muted=True)
    for title, lines in (
        ("Training", cv.training),
        ("Credentials", cv.credentials),
        ("Grants", cv.grants),
    ):
        if lines:
            pdf.heading(title)
            for line in lines:
                pdf.runs([("", "•  " + line)], indent=2)
    pdf.heading("Research outputs")
    counts = cv.counts
    pdf.paragraph(
        f"{counts['outputs']} outputs, {counts['first_author']} as first author, "
        f"{counts['trainee_led']} trainee-led. {LEGEND}",
        size=9,
        muted=True,
    )
    for section in cv.sections:
        pdf.heading(section.theme, level=2)
        for kind, entries in section.kinds:
            pdf.paragraph(kind, size=10, style="B", muted=True)
            for number, entry in enumerate(entries, start=1):
                lead = [("B", f"{number}. {entry.marks} ".replace("  ", " "))]
                # The PDF font has no italic: italic runs are set upright.
                body = [(style.replace("I", ""), text) for style, text in _entry_runs(entry)]
                pdf.runs(lead + body, size=9.5, indent=2)
    return pdf.render()
