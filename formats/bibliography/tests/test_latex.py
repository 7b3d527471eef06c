from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formats.bibliography.latex import _pylatexenc, latex_to_unicode

SAMPLES = [
    'M{\\"u}ller',
    "Sm{\\o}rgrav",
    "Sm\\o rgrav",
    "Dupr\\'{e}",
    "Am\\'elie",
    "Garc{\\'\\i}a",
    'na\\"\\i ve',
    "{\\v{S}}imi{\\'c}",
    "Erd\\H{o}s",
    "Ko{\\l}odziej",
    "\\L{}ukasz",
    '\\AA ngstr\\"om',
    "{\\ss}e",
    "\\c{c}a",
    "\\c cedilla",
    "{\\AE}sop",
    "{MRI} of the caf\\'e {\\'e}tude",
    "pages 1--2 --- and more",
    "a~b",
    "``quoted''",
    "a \\& b, 100\\% sure",
    "\\textit{in vivo} imaging",
    "$\\alpha$-synuclein",
    "brace \\{ kept",
    # Found by the property test below: ligatures across braces, spaces after a control
    # word, an accent beside a letter macro, a control word closed by {}, line ends.
    "--{--",
    "Sm\\o  rgrav",
    "\\o\\'e",
    "\\o{} x",
    "\\'\n\na",
    "\\o \n\nx",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_the_fast_path_agrees_with_pylatexenc(text):
    assert latex_to_unicode(text) == _pylatexenc(text)


def test_accents_become_single_code_points():
    assert latex_to_unicode('M{\\"u}ller') == "M\u00fcller"


PIECES = st.sampled_from(
    ["a", "e", "i", "o", " ", "{", "}", "\\'", '\\"', "\\v", "\\o", "\\i", "\\ss", "--", "~", "x"]
)


@given(st.lists(PIECES, max_size=12).map("".join))
def test_any_mix_of_accents_agrees_with_pylatexenc_or_falls_back(text):
    try:
        expected = _pylatexenc(text)
    except Exception:  # pylatexenc refuses some unbalanced input
        return
    assert latex_to_unicode(text) == expected
