"""HTML in field labels, notes and section headers, made safe to draw (nh3, an allow-list).

REDCap lets a label hold HTML: emphasis, a red warning, a list, a link, a table. The
entry form draws it after nh3 (the Rust ammonia sanitiser) keeps only the tags below:
scripts and styles go with their content, event handlers (`onclick`), `class`, `id`,
forms, images (which would fetch from another site) and every other attribute go.

**Colour, and nothing else of CSS.** A `style` attribute survives with one property only,
`color`, and only with a colour that reads on the page's white (a contrast of at least
3:1: `red`, `#c00`, `rgb(0, 102, 0)`); `<font color>` likewise. Every other property
(`display`, `position`, `font-size: 0`, `visibility`, `background`) is dropped, because
those are how a label hides or covers content; a pale colour (white, yellow) is dropped
for the same reason. We filter the declarations ourselves (nh3 passes each attribute to
`_attribute`) rather than allow classes, so a dictionary from REDCap keeps its colours
as written. The Content-Security-Policy refuses every `style` attribute, so the colour
kept leaves as `data-colour`, which `js/shell.js` applies through the DOM (allowed).
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
        "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "ins", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strike",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
        "ul",
    }
)  # fmt: skip
_STYLED = ("span", "font", "p", "div", "td", "th", "li", "b", "strong", "em", "i", "u")
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "font": {"color"},
    **{tag: {"style"} for tag in _STYLED if tag != "font"},
}
ATTRIBUTES["font"] = {"color", "style"}
ATTRIBUTES["td"] |= {"style"}
ATTRIBUTES["th"] |= {"style"}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_NAMED = {
    "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0), "blue": (0, 0, 255),
    "navy": (0, 0, 128), "maroon": (128, 0, 0), "purple": (128, 0, 128),
    "teal": (0, 128, 128), "olive": (128, 128, 0), "gray": (128, 128, 128),
    "grey": (128, 128, 128), "darkred": (139, 0, 0), "darkgreen": (0, 100, 0),
    "darkblue": (0, 0, 139), "brown": (165, 42, 42), "crimson": (220, 20, 60),
    "firebrick": (178, 34, 34), "darkorange": (255, 140, 0), "orangered": (255, 69, 0),
    "indigo": (75, 0, 130), "dimgray": (105, 105, 105), "dimgrey": (105, 105, 105),
    "darkslategray": (47, 79, 79), "darkviolet": (148, 0, 211), "blueviolet": (138, 43, 226),
    "mediumblue": (0, 0, 205), "royalblue": (65, 105, 225), "seagreen": (46, 139, 87),
    "forestgreen": (34, 139, 34), "chocolate": (210, 105, 30), "sienna": (160, 82, 45),
    "darkmagenta": (139, 0, 139), "orange": (255, 165, 0), "magenta": (255, 0, 255),
}  # fmt: skip
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})")
_RGB = re.compile(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)")
MIN_CONTRAST = 3.0


def readable_colour(value: str) -> str | None:
    """The colour as written when it reads on white (contrast at least 3:1), else None."""
    text = value.strip().lower()
    rgb: tuple[int, ...] | None = _NAMED.get(text)
    if rgb is None and (hex_match := _HEX.fullmatch(text)):
        digits = hex_match.group(1)
        digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
        rgb = tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    if rgb is None and (rgb_match := _RGB.fullmatch(text)):
        rgb = tuple(int(part) for part in rgb_match.groups())
    if rgb is None or any(part > 255 for part in rgb):
        return None
    return text if 1.05 / (_luminance(rgb) + 0.05) >= MIN_CONTRAST else None


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(part: int) -> float:
        c = part / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(part) for part in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name == "color":
        return readable_colour(value)
    if name != "style":
        return value
    kept = []
    for declaration in value.split(";"):
        prop, _, colour = declaration.partition(":")
        if prop.strip().lower() == "color" and (found := readable_colour(colour)):
            kept.append(f"color: {found}")
    return "; ".join(kept) or None


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    attribute_filter=_attribute,
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
)


@lru_cache(maxsize=8192)
def safe_html(markup: str) -> str:
    """`markup` with only the allowed tags, attributes and colours left (cached: labels
    repeat on every render of a form)."""
    if "<" not in markup and "&" not in markup:
        return markup.replace(">", "&gt;")
    return _STYLE_COLOUR.sub(r' data-colour="\1"', _CLEANER.clean(markup))


# What `_attribute` leaves of a style: one readable colour (no quote or bracket in it).
_STYLE_COLOUR = re.compile(r' style="color: ([#a-z0-9(), ]+)"')
