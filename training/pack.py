"""The evidence pack: one PDF with a tracker's progress and every piece of evidence.

Images are printed on the page; attached PDFs travel inside the pack as embedded
files (every PDF reader lists them under attachments), so the pack stays one file.
"""

from __future__ import annotations

import io
import logging
from pathlib import PurePosixPath

from PIL import Image, UnidentifiedImageError

from core.documents import Document
from core.files import storage_errors
from training.models import Evidence, Tracker
from training.selectors import today, tracker_progress, tracker_summary

logger = logging.getLogger(__name__)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def _read(evidence: Evidence) -> bytes | None:
    if not evidence.file:
        return None
    try:
        with evidence.file.open("rb") as handle:
            return bytes(handle.read())
    except storage_errors() as error:
        # Missing or unreachable: the pack still comes, saying which file is absent.
        logger.error("Evidence file %s could not be read: %s", evidence.file.name, error)
        return None


def _attach(pdf: Document, evidence: Evidence) -> None:
    content = _read(evidence)
    name = evidence.file_name or PurePosixPath(evidence.file.name).name
    if content is None:
        pdf.paragraph(f"File “{name}” could not be read from storage.", size=9, muted=True)
        return
    if PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES:
        try:
            image = Image.open(io.BytesIO(content))
            image.load()
        except (UnidentifiedImageError, OSError):
            pdf.paragraph(f"Image “{name}” could not be read.", size=9, muted=True)
            return
        width = min(pdf.epw - 4, image.width * 0.2)
        height = width * image.height / max(image.width, 1)
        if pdf.get_y() + height > pdf.h - 20:
            pdf.add_page()
        pdf.image(image, x=pdf.l_margin + 2, w=width, alt_text=evidence.title)
        pdf.ln(2)
        return
    pdf.embed_file(bytes=content, basename=name, mime_type="application/pdf")
    pdf.paragraph(f"Attached inside this PDF: “{name}” (see the attachments).", size=9, muted=True)


def _evidence(pdf: Document, number: int, evidence: Evidence) -> None:
    pdf.runs(
        [
            ("B", f"{number}. {evidence.title}"),
            ("", f" — {evidence.get_kind_display().lower()}, {evidence.occurred_on:%-d %b %Y}"),
        ],
        size=10,
        indent=2,
    )
    if evidence.output is not None:
        output = evidence.output
        venue = f"{output.venue}, " if output.venue else ""
        pdf.paragraph(f"{venue}{output.get_status_display()}", size=9, muted=True)
    if evidence.note:
        pdf.paragraph(evidence.note, size=9.5)
    if evidence.file:
        _attach(pdf, evidence)


def evidence_pack_pdf(tracker: Tracker) -> bytes:
    progress = tracker_progress(tracker)
    done, total = tracker_summary(progress)
    pdf = Document(f"{tracker.requirement_set} — {tracker.person}")
    pdf.add_page()
    pdf.heading(str(tracker.requirement_set), level=0)
    pdf.paragraph(
        f"Evidence of {tracker.person.get_full_name()} · started {tracker.started_on:%-d %b %Y} "
        f"· printed {today():%-d %b %Y}",
        muted=True,
    )
    pdf.heading("Progress")
    for item in progress:
        mark = "complete" if item.done else "in progress"
        pdf.runs(
            [
                ("B", item.category.name),
                ("", f": {item.count} of {item.category.required_count} ({mark})"),
            ],
            indent=2,
        )
    pdf.paragraph(f"{done} of {total} categories complete.", style="B")
    for item in progress:
        pdf.heading(f"{item.category.name} ({item.count} of {item.category.required_count})")
        if item.category.description:
            pdf.paragraph(item.category.description, size=9, muted=True)
        if not item.evidence:
            pdf.paragraph("No evidence yet.", size=9.5, muted=True)
        for number, evidence in enumerate(item.evidence, start=1):
            _evidence(pdf, number, evidence)
    return pdf.render()
