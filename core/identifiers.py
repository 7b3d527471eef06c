"""Finding patient identifiers in free text, so that any save of it can refuse them. Pure.

No Django: capture, projects and any later app call it on the free text they keep.

`find_identifiers(text)` returns one `Finding(kind, start, end, message)` per suspected
identifier: NHS numbers, US social security numbers, email addresses, phone numbers,
full UK postcodes and full dates of birth. Messages mask the value (they may be shown
or logged) and say why it is refused. docs/capture-logic.md explains each rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

WHY = (
    "RadCollab keeps pseudonymised data only; remove it, or refer to a case by its study record ID"
)


@dataclass(frozen=True)
class Finding:
    kind: str  # nhs_number, ssn, email, phone, postcode, date_of_birth
    start: int
    end: int
    message: str


def find_identifiers(text: str) -> list[Finding]:
    """Every suspected identifier in `text`, in order; where two overlap the first kind wins."""
    found: list[Finding] = []
    for detector in _DETECTORS:
        for finding in detector(text):
            if not any(finding.start < kept.end and kept.start < finding.end for kept in found):
                found.append(finding)
    return sorted(found, key=lambda finding: finding.start)


def describe(findings: list[Finding]) -> str:
    """One sentence per finding, for a form error."""
    return " ".join(finding.message for finding in findings)


# ---- NHS numbers ----


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit of nine digits, or None when no digit can be valid (10)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_nhs_number(digits: str) -> bool:
    """Ten digits with a valid check digit, not all the same digit.

    0000000000, 1111111111 ... 9999999999 all pass the modulus-11 check (the weights
    10..2 add up to 54, which is -1 modulo 11, so a repeated digit is always its own
    check digit) but they are placeholders typed into required boxes, never issued.
    """
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


_EDGE_BEFORE = r"(?<![A-Za-z0-9])(?<!\d[.,])"
_EDGE_AFTER = r"(?![A-Za-z0-9])(?![.,]\d)"
_NHS = re.compile(_EDGE_BEFORE + r"(\d{3})([ -]?)(\d{3})\2(\d{4})" + _EDGE_AFTER)


def _nhs_numbers(text: str) -> Iterator[Finding]:
    for match in _NHS.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        if is_nhs_number(digits):
            yield _finding(
                "nhs_number",
                match,
                "looks like an NHS number (ten digits with a valid check digit): "
                + _mask(match.group()),
            )


# ---- US social security numbers ----

_SSN = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")


def is_ssn(area: str, group: str, serial: str) -> bool:
    """The SSA never issues area 000, 666 or 900-999, group 00 or serial 0000."""
    if area in ("000", "666") or area.startswith("9"):
        return False
    return group != "00" and serial != "0000"


def _ssns(text: str) -> Iterator[Finding]:
    for match in _SSN.finditer(text):
        if is_ssn(match.group(1), match.group(3), match.group(4)):
            yield _finding(
                "ssn", match, f"looks like a US social security number: {_mask(match.group())}"
            )


# ---- email addresses ----

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b"
)


def _emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        local, domain = match.group().split("@", 1)
        masked = f"{local[0]}•••@•••.{domain.rsplit('.', 1)[1]}"
        yield _finding("email", match, f"looks like an email address: {masked}")


# ---- phone numbers ----

# International: + or 00 and a country code, then 7 to 14 more digits in groups. The 00
# never follows a decimal point or comma: 18.009999999999998 is a calculation's result.
_INTERNATIONAL = re.compile(
    r"(?<![\w+.,])(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w])"
)
# UK national: 0 then 9 or 10 digits, optionally as (0xx) xxxx xxxx or 0xxxx xxxxxx.
_UK = re.compile(r"(?<![\w+./:-])\(?0[1-9]\d{1,3}\)?(?:[ -]?\d){6,8}(?![\w./:-])")
# North American: (NXX) NXX-XXXX or NXX-NXX-XXXX, where N is 2-9.
_NANP = re.compile(
    r"(?<![\w+./:-])(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\w./:-])"
)


def _phones(text: str) -> Iterator[Finding]:
    for pattern, fewest, most in ((_INTERNATIONAL, 8, 15), (_UK, 10, 11), (_NANP, 10, 10)):
        for match in pattern.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if fewest <= len(digits) <= most:
                yield _finding("phone", match, f"looks like a phone number: {_mask(match.group())}")


# ---- UK postcodes ----

# The government data standard's pattern for a full postcode, plus the special GIR 0AA.
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(GIR ?0AA|(?P<outward>[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]"
    r"|[A-HK-Y]\d[ABEHMNPRVWXY])) ?\d[ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _postcodes(text: str) -> Iterator[Finding]:
    for match in _POSTCODE.finditer(text):
        if _written_as_postcode(match.group(), match.group("outward") or "GI"):
            yield _finding(
                "postcode", match, f"looks like a full UK postcode: {_mask(match.group())}"
            )


def _written_as_postcode(value: str, outward: str) -> bool:
    """Capitals, or lower case with a two-letter area: not 'T1 2nd' from an MRI report."""
    if value == value.upper():
        return True
    return value == value.lower() and outward[:2].isalpha()


# ---- dates of birth ----

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_FULL_DATE = (
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTHS},? \d{{4}}"
    rf"|{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})"
)
_BIRTH = r"(?:d\.?\s?o\.?\s?b\.?|date of birth|birth ?date|born(?: on)?)"
_DOB = re.compile(
    rf"\b{_BIRTH}[\s:=\-\u2013(]{{0,12}}(?P<date>{_FULL_DATE})(?![\w/.-]\d)"
    rf"|(?<![\w/.-])(?P<before>{_FULL_DATE})\s*[(,]?\s*\(?{_BIRTH}\b",
    re.IGNORECASE,
)


def _dates_of_birth(text: str) -> Iterator[Finding]:
    for match in _DOB.finditer(text):
        group = "date" if match.group("date") else "before"
        start, end = match.span(group)
        yield Finding(
            "date_of_birth",
            start,
            end,
            f"characters {start + 1}-{end}: looks like a full date of birth "
            f"({_mask(match.group(group))}); {WHY}. A year or an age is fine.",
        )


# ---- shared ----


def _mask(value: str) -> str:
    """Hide every letter and digit but the last two, keeping the shape."""
    hidden = len(re.findall(r"[A-Za-z0-9]", value)) - 2
    out = []
    for char in value:
        if char.isalnum() and hidden > 0:
            out.append("•")
            hidden -= 1
        else:
            out.append(char)
    return "".join(out)


def _finding(kind: str, match: re.Match[str], what: str) -> Finding:
    start, end = match.span()
    return Finding(kind, start, end, f"characters {start + 1}-{end}: {what}; {WHY}.")


_DETECTORS: tuple[Callable[[str], Iterator[Finding]], ...] = (
    _emails,
    _nhs_numbers,
    _ssns,
    _dates_of_birth,
    _postcodes,
    _phones,
)
