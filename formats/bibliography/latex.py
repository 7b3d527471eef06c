"""LaTeX in BibTeX fields to Unicode: pylatexenc, with a fast path for plain accents.

pylatexenc parses the whole string for every call (about 2 ms), which alone would take
a 5,000-entry file past ten seconds. Almost all BibTeX LaTeX is accents ({\\"u}, \\'{e},
{\\o}), escaped specials and dashes, so those are rewritten here with Unicode combining
marks; any string with something else left (\\emph{…}, math, \\{) goes to pylatexenc
whole. tests/test_latex.py checks that both paths agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from pylatexenc import latex2text
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec
from pylatexenc.latexwalker import get_default_latex_context_db

COMBINING = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
}
LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "\u0131",  # dotless i
    "j": "\u0237",  # dotless j
}
SPECIALS = {"&": "&", "%": "%", "_": "_", "#": "#"}
# The accented letter: braced ({e}, {\i}), a dotless-i macro (which eats the spaces after
# it, as in TeX), or a bare letter.
_BASE = (
    r"(?:\{\s*(?P<braced>\\[ij](?![A-Za-z])|[A-Za-z])\s*\}"
    r"|(?P<macro>\\[ij])(?![A-Za-z])[ \t]*"
    r"|(?P<bare>[A-Za-z]))"
)
SYMBOL_ACCENT = re.compile(r"\\(?P<accent>[`'^\"~=.])\s*" + _BASE)
LETTER_ACCENT = re.compile(
    r"\\(?P<accent>[uHvdckrb])(?:\s*" + _BASE.replace("|(?P<bare>", "|\\s+(?P<bare>") + ")"
)
LETTER = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|\s*(?=\})|[ \t]*)")
# TeX skips the spaces after a control word, and a line end unless a blank line follows;
# pylatexenc's reading of line ends after a command is subtle, so such text goes to it.
COMMAND_THEN_LINE_END = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z\s])[ \t]*\n")
SPECIAL = re.compile(r"\\([&%_#])")
BRACE = re.compile(r"[{}]")
NEEDS_DECODING = re.compile(r"[\\{}$~]|--|``|''")


def latex_to_unicode(text: str) -> str:
    return _decode(text) if NEEDS_DECODING.search(text) else text


@lru_cache(maxsize=65_536)
def _decode(text: str) -> str:
    """Names repeat across a bibliography, so decoded strings are kept."""
    if "\\{" in text or "\\}" in text or "$" in text or COMMAND_THEN_LINE_END.search(text):
        return _pylatexenc(text)
    fast = SYMBOL_ACCENT.sub(_accent, text)
    fast = LETTER_ACCENT.sub(_accent, fast)
    fast = LETTER.sub(lambda m: LETTERS[m.group(1)], fast)
    fast = SPECIAL.sub(lambda m: SPECIALS[m.group(1)], fast)
    if "\\" in fast:
        return _pylatexenc(text)
    # Ligatures (dashes, quotes) never join across a brace: `--{--` is two en dashes.
    fast = "".join(_ligatures(part) for part in BRACE.split(fast)).replace("~", "\xa0")
    return unicodedata.normalize("NFC", fast)


def _ligatures(text: str) -> str:
    text = text.replace("---", "\u2014").replace("--", "\u2013")
    return text.replace("``", "“").replace("''", "”")


def _accent(match: re.Match[str]) -> str:
    base = match.group("braced") or match.group("macro") or match.group("bare")
    letter = "i" if base == "\\i" else "j" if base == "\\j" else base
    # Braced, so that `\o\'e` cannot become the macro `\oe` once the accent is decoded.
    return "{" + letter + COMBINING[match.group("accent")] + "}"


def _pylatexenc(text: str) -> str:
    return _decoder().latex_to_text(text, latex_context=_context())


def _greek(case: str, name: str) -> str:
    return unicodedata.lookup(f"GREEK {case} LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")


GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
# Symbols reference managers write that pylatexenc 2.11 does not know: without them it
# drops the command, and "p {\\textless} 0.01" became "p  0.01".
EXTRA_SYMBOLS = {
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textunderscore": "_",
    "textleq": "≤",
    "textgeq": "≥",
    "textminus": "\u2212",
    "textapprox": "≈",
    "textsim": "\u223c",
    "deg": "°",
    **{f"text{name}": _greek("SMALL", name) for name in GREEK},
    **{f"text{name.capitalize()}": _greek("CAPITAL", name) for name in GREEK},
}


@cache
def _decoder() -> LatexNodes2Text:
    """Braces dropped, math as text (`$\\alpha$` is the letter), with the symbols above."""
    db = latex2text.get_default_latex_context_db()
    db.add_context_category(
        "radcollab-symbols",
        prepend=True,
        macros=[MacroTextSpec(name, replacement) for name, replacement in EXTRA_SYMBOLS.items()],
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", keep_braced_groups=False)


@cache
def _context() -> object:
    # Building the default macro table is a third of pylatexenc's time per call: once.
    return get_default_latex_context_db()
