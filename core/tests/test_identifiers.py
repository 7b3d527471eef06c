"""The identifier detector: what it refuses, what it leaves alone, and the NHS checksum."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.identifiers import describe, find_identifiers, is_nhs_number, is_ssn, nhs_check_digit


def kinds(text: str) -> list[tuple[str, str]]:
    return [(found.kind, text[found.start : found.end]) for found in find_identifiers(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("NHS 943 476 5919 seen in clinic", "nhs_number", "943 476 5919"),
        ("nhs no 9434765919", "nhs_number", "9434765919"),
        ("943-476-5919", "nhs_number", "943-476-5919"),
        ("SSN 123-45-6789", "ssn", "123-45-6789"),
        ("ssn 123 45 6789", "ssn", "123 45 6789"),
        ("emailed john.smith@nhs.net today", "email", "john.smith@nhs.net"),
        ("contact a@b.co", "email", "a@b.co"),
        ("call +44 20 7946 0958", "phone", "+44 20 7946 0958"),
        ("call +44 (0)20 7946 0958", "phone", "+44 (0)20 7946 0958"),
        ("call 0044 20 7946 0958", "phone", "0044 20 7946 0958"),
        ("ring +1 (555) 123-4567", "phone", "+1 (555) 123-4567"),
        ("ward 020 7946 0958", "phone", "020 7946 0958"),
        ("(020) 7946 0958", "phone", "(020) 7946 0958"),
        ("mobile 07700 900123", "phone", "07700 900123"),
        ("mobile 07700900123", "phone", "07700900123"),
        ("0161-496-0000", "phone", "0161-496-0000"),
        ("office (212) 555-0123", "phone", "(212) 555-0123"),
        ("office 212-555-0123", "phone", "212-555-0123"),
        ("lives at SW1A 1AA", "postcode", "SW1A 1AA"),
        ("GIR 0AA", "postcode", "GIR 0AA"),
        ("postcode ec1a 1bb", "postcode", "ec1a 1bb"),
        ("M1 1AE", "postcode", "M1 1AE"),
        ("B33 8TH", "postcode", "B33 8TH"),
        ("CR2 6XH", "postcode", "CR2 6XH"),
        ("DN55 1PT", "postcode", "DN55 1PT"),
        ("W1A 0AX", "postcode", "W1A 0AX"),
        ("DOB: 12/03/1985", "date_of_birth", "12/03/1985"),
        ("d.o.b. 1 Jan 1990", "date_of_birth", "1 Jan 1990"),
        ("date of birth 1985-03-12", "date_of_birth", "1985-03-12"),
        ("born on 3 March 1985 in Leeds", "date_of_birth", "3 March 1985"),
        ("born March 3rd, 1985", "date_of_birth", "March 3rd, 1985"),
        ("12/03/1985 (DOB)", "date_of_birth", "12/03/1985"),
        ("DOB 12.03.85", "date_of_birth", "12.03.85"),
    ],
)
def test_it_finds_identifiers(text, kind, value):
    assert kinds(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "0000000000",
        "1111111111",
        "9999999999",
        "9434765918",  # wrong check digit
        "1234567890",  # no valid check digit exists for 123456789
        "943 4765919",  # neither unbroken nor 3-3-4
        "SSN 666-45-6789",
        "900-12-3456",
        "000-12-3456",
        "123-00-4567",
        "123-45-0000",
        "lesion 12.5 mm",
        "12.5 x 10.2 x 8 mm",
        "BP 120/80 mmHg",
        "scan on 2024-01-15 at 10:30",
        "scan 15/01/2024",
        "born 1985",
        "aged 45, born in Leeds",
        "study id RC-0001-023",
        "record SITEA-17",
        "accession ACC1234567890",
        "accession 20240115123456",
        "accession RAD-2024-000123",
        "range 10-20",
        "CTDIvol 12.3 mGy, DLP 456.7 mGy.cm",
        "3.14159265358979",
        # A calculation's binary noise (180.1 / 10): "00" after the point is no dialling code.
        "18.009999999999998",
        "-0.0099999999999998",
        "1,0099999999",
        "1234567890.5",
        "T1 2nd echo, T2 weighted",
        "SW1A",  # an outward code alone is not a full postcode
        "follow-up in 6-8 weeks",
        "grade 3-4 toxicity, 2 of 10",
        "weight 70 kg, height 1.75 m",
        "see www.example.org/guide",
        "ICD-10 C34.1",
        "Fleischner 2017 6 mm",
        "10/10 pain",
    ],
)
def test_it_leaves_ordinary_clinical_text_alone(text):
    assert find_identifiers(text) == []


def test_messages_mask_the_value_and_say_why():
    text = "DOB: 12/03/1985, NHS 943 476 5919, jo@example.org"
    found = find_identifiers(text)
    assert [f.kind for f in found] == ["date_of_birth", "nhs_number", "email"]
    for finding in found:
        assert text[finding.start : finding.end] not in finding.message
        assert "pseudonymised" in finding.message
        assert finding.message.startswith(f"characters {finding.start + 1}-{finding.end}:")
    assert "••• ••• ••19" in found[1].message
    assert "j•••@•••.org" in found[2].message
    assert describe(found).count("pseudonymised") == 3


def test_overlapping_matches_are_reported_once():
    assert kinds("call 943 476 5919") == [("nhs_number", "943 476 5919")]


def test_repeated_digits_pass_the_checksum_but_are_not_numbers():
    for digit in "0123456789":
        assert nhs_check_digit(digit * 9) == int(digit)
        assert not is_nhs_number(digit * 10)


def test_published_example_numbers():
    # Examples from NHS Digital's data dictionary and test data: valid and invalid.
    assert is_nhs_number("9434765919")
    assert is_nhs_number("4010232137")
    assert not is_nhs_number("4010232138")
    assert not is_ssn("666", "12", "3456")
    assert is_ssn("078", "05", "1120")


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(nine_digits)
def test_a_number_with_its_check_digit_is_found_in_every_layout(first_nine):
    check = nhs_check_digit(first_nine)
    assume(check is not None and len(set(first_nine + str(check))) > 1)
    number = first_nine + str(check)
    for layout in (
        number,
        f"{number[:3]} {number[3:6]} {number[6:]}",
        f"{number[:3]}-{number[3:6]}-{number[6:]}",
    ):
        assert kinds(f"patient {layout} seen") == [("nhs_number", layout)]


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_changing_any_one_digit_breaks_the_checksum(first_nine, position, shift):
    check = nhs_check_digit(first_nine)
    assume(check is not None)
    number = first_nine + str(check)
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert not is_nhs_number(changed)


@given(nine_digits, st.integers(0, 8))
def test_swapping_two_neighbouring_digits_breaks_the_checksum(first_nine, position):
    check = nhs_check_digit(first_nine)
    assume(check is not None)
    number = first_nine + str(check)
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert not is_nhs_number(swapped)


@given(st.text(max_size=200))
def test_any_text_is_scanned_without_error_and_spans_are_in_range(text):
    for finding in find_identifiers(text):
        assert 0 <= finding.start < finding.end <= len(text)
