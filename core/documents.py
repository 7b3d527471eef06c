"""Shared PDF and DOCX layout: one clean style for the CV, the evidence pack, output
lists, credit certificates and mentoring certificates (here in core, as every layer
prints with it).

PDFs use the DejaVu fonts that matplotlib (a dependency) ships, so names with
accents and non-Latin letters print correctly without any system font; if they
are missing, the built-in Helvetica is used and unsupported letters become “?”.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT = "DejaVu"
FALLBACK_FONT = "Helvetica"
MUTED = (90, 90, 90)
ACCENT = (16, 74, 128)
WORDS = re.compile(r"\S+\s*|\s+")


@cache
def font_directory() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return folder if (folder / "DejaVuSans.ttf").exists() else None


class Document(FPDF):
    """An A4 page with a running footer: title on the left, page number on the right."""

    def __init__(self, running_title: str) -> None:
        super().__init__(format="A4")
        self.running_title = running_title
        self._widths: dict[tuple[str, float, str], float] = {}
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        folder = font_directory()
        if folder is not None:
            self.add_font(FONT, "", folder / "DejaVuSans.ttf")
            self.add_font(FONT, "B", folder / "DejaVuSans-Bold.ttf")
            self.family = FONT
        else:
            self.family = FALLBACK_FONT
        self.set_title(running_title)
        self.set_creator("RadCollab")

    def text_safe(self, text: str) -> str:
        if self.family == FONT:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.use(8, colour=MUTED)
        self.cell(0, 5, self.text_safe(self.running_title), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()}", align="R")

    def use(self, size: float, style: str = "", colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(self.family, style, size)
        self.set_text_color(*colour)

    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 20, 1: 14, 2: 11.5}[level]
        if level > 0 and self.get_y() > self.h - 40:
            self.add_page()
        self.ln(3 if level else 0)
        self.use(size, "B", ACCENT if level < 2 else (0, 0, 0))
        self.multi_cell(0, size * 0.5, self.text_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if level == 1:
            y = self.get_y() + 0.5
            self.set_draw_color(*ACCENT)
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.ln(2)
        self.ln(1)

    def paragraph(
        self, text: str, *, size: float = 10, style: str = "", muted: bool = False
    ) -> None:
        self.use(size, style, MUTED if muted else (0, 0, 0))
        self.multi_cell(0, size * 0.48, self.text_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def runs(self, parts: list[tuple[str, str]], *, size: float = 10, indent: float = 0) -> None:
        """One paragraph of plain and bold runs, e.g. [("", "Smith J, "), ("B", "Me A")].

        Lines are broken here, word by word with cached widths, and each line is drawn
        with one cell per style: fpdf2's own line breaking re-measures the line for
        every letter, which made a 300-output CV take seconds.
        """
        height = size * 0.48
        for line in self._lines(parts, size, self.epw - indent):
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
            self.set_x(self.l_margin + indent)
            for style, text, width in line:
                self.use(size, style)
                self.cell(width, height, text)
            self.ln(height)
        self.ln(1.2)

    def _width(self, style: str, size: float, text: str) -> float:
        key = (style, size, text)
        width = self._widths.get(key)
        if width is None:
            self.use(size, style)
            width = self._widths[key] = self.get_string_width(text)
        return width

    def _lines(
        self, parts: list[tuple[str, str]], size: float, room: float
    ) -> list[list[tuple[str, str, float]]]:
        """Greedy line filling; neighbouring words of one style share a cell."""
        lines: list[list[tuple[str, str, float]]] = [[]]
        used = 0.0
        for style, text in parts:
            space = self._width(style, size, " ")
            for word in WORDS.findall(self.text_safe(text)):
                for piece in self._fit(style, size, word, room):
                    bare = piece.rstrip()
                    width = self._width(style, size, bare)
                    width_with_space = width + space * (len(piece) - len(bare))
                    line = lines[-1]
                    if line and used + width > room:
                        line = []
                        lines.append(line)
                        used = 0.0
                    if line and line[-1][0] == style:
                        _, joined, joined_width = line[-1]
                        line[-1] = (style, joined + piece, joined_width + width_with_space)
                    else:
                        line.append((style, piece, width_with_space))
                    used += width_with_space
        return [line for line in lines if line]

    def _fit(self, style: str, size: float, word: str, room: float) -> list[str]:
        """A word wider than the line (a long DOI) is cut into pieces that fit."""
        if self._width(style, size, word) <= room:
            return [word]
        pieces, current = [], ""
        for letter in word:
            if current and self._width(style, size, current + letter) > room:
                pieces.append(current)
                current = ""
            current += letter
        return [*pieces, current]

    def render(self) -> bytes:
        return bytes(self.output())
