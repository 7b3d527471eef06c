"""Every parser under hypothesis: arbitrary text and bytes, and valid files mutated.

A parser may refuse what it is given, but only with its own documented error and a
message that says something: never another exception. Each test feeds both arbitrary
input and a real file with random cuts, insertions and duplicated lines, which reach
deeper than noise does. Derandomized, so a failure repeats; see docs/reliability.md.
"""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capture.logic import LogicError
from capture.logic.parser import parse
from formats.bibliography import BibliographyError, Format, read_entries
from formats.datadictionary import DataDictionaryError, read_data_dictionary
from formats.longitudinal import DesignError, design_from_csv
from formats.records import RecordsCsvError, validate_all
from formats.records.tests.test_flatcsv import DICTIONARY, NOW, TODAY
from outputs import lookup

pytestmark = pytest.mark.fuzz

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BIBLIOGRAPHY = Path(__file__).parents[2] / "formats" / "bibliography" / "tests" / "fixtures"
DICTIONARY_CSV = (
    Path(__file__).parents[2] / "formats" / "datadictionary" / "tests" / "radiology_audit.csv"
)
RECORDS_CSV = (
    "record_id,redcap_repeat_instrument,redcap_repeat_instance,redcap_data_access_group,"
    "age,scan_date,modality,findings___1,findings___2,findings___m1,comment,baseline_complete\r\n"
    '1,,,,54,01-05-2025,1,1,0,0,"a, comment",2\r\n'
    "2,,,,,,2,0,1,0,,0\r\n"
)
EVENTS = (
    "event_name,arm_num,day_offset,offset_min,offset_max,unique_event_name,custom_event_label\n"
    "Baseline,1,0,0,0,baseline_arm_1,\n"
    "6-week follow-up,1,42,7,14,,[visit_date]\n"
)
ARMS = "\ufeffarm_num,name\r\n1,Arm 1\r\n2,Drug B\r\n"
MAPPING = "arm_num,unique_event_name,form\n1,baseline_arm_1,demographics\n"
REPEATING = "event_name,form_name,custom_form_label\n6_week_follow_up_arm_1,visit,[x]\n"
LOGIC = (
    "[age] >= 18 and ([modality] = '1' or [findings(2)] = '1') "
    "and datediff([scan_date], 'today', 'd', 'dmy') < 365 and sum([age], 2) <> ''"
)
VARIABLES = ["age", "modality", "findings", "scan_date"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` with a few random edits: a cut, an insertion, a line doubled or dropped."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["cut", "insert", "double", "drop"]))
        if edit == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif edit == "insert":
            text = text[:at] + draw(st.text(max_size=20)) + text[at:]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                index = draw(st.integers(0, len(lines) - 1))
                lines[index : index + 1] = [lines[index]] * (2 if edit == "double" else 0)
                text = "".join(lines)
    return text


def any_input(*valid: str) -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        st.text(max_size=400),
        st.binary(max_size=400),
        *(mutated(text) for text in valid),
    )


def refused_clearly(error: Exception) -> None:
    assert str(error).strip(), f"{type(error).__name__} with no message"


def _read(name: str) -> str:
    return (BIBLIOGRAPHY / name).read_text(encoding="utf-8")


BIB_FIXTURES = {
    Format.BIBTEX: "radiology.bib",
    Format.RIS: "refs.ris",
    Format.PUBMED_XML: "pubmed.xml",
    Format.MEDLINE: "medline.txt",
    Format.ORCID_JSON: "orcid_works.json",
    Format.CROSSREF_JSON: "crossref_work.json",
}


@pytest.mark.parametrize("fmt", list(BIB_FIXTURES), ids=lambda f: f.value)
def test_bibliography_readers_refuse_only_with_their_error(fmt):
    valid = _read(BIB_FIXTURES[fmt])

    @FUZZ
    @given(any_input(valid), st.booleans())
    def fuzz(data, named):
        try:
            reading = read_entries(data, fmt if named else None)
        except BibliographyError as error:
            refused_clearly(error)
            return
        for problem in reading.problems:
            assert str(problem).strip()

    fuzz()


@FUZZ
@given(any_input(DICTIONARY_CSV.read_text(encoding="utf-8")))
def test_the_data_dictionary_reader_refuses_only_with_its_error(data):
    try:
        read_data_dictionary(data)
    except DataDictionaryError as error:
        refused_clearly(error)


@FUZZ
@given(st.one_of(st.text(max_size=400), mutated(RECORDS_CSV)))
def test_the_records_csv_reader_refuses_only_with_its_error(text):
    try:
        validation = validate_all(io.StringIO(text, newline=""), DICTIONARY, today=TODAY, now=NOW)
    except RecordsCsvError as error:
        refused_clearly(error)
        return
    for finding in (*validation.errors, *validation.warnings):
        assert str(finding).strip()


@FUZZ
@given(
    any_input(EVENTS),
    st.none() | any_input(ARMS),
    st.none() | any_input(MAPPING),
    st.none() | any_input(REPEATING),
)
def test_the_longitudinal_readers_refuse_only_with_their_error(events, arms, mapping, repeating):
    try:
        design_from_csv(
            events=events,
            arms=arms,
            designations=mapping,
            repeating=repeating,
            instruments=["demographics", "visit"],
        )
    except DesignError as error:
        refused_clearly(error)


@FUZZ
@given(st.one_of(st.text(max_size=200), mutated(LOGIC)))
def test_branching_logic_refuses_only_with_its_error(text):
    try:
        parse(text, VARIABLES)
    except LogicError as error:
        refused_clearly(error)


@FUZZ
@given(st.one_of(st.binary(max_size=300), mutated(_read("crossref_work.json")).map(str.encode)))
def test_a_crossref_answer_is_read_or_refused_as_a_service_error(body):
    with mock.patch.object(lookup, "get", return_value=body):
        try:
            lookup.by_doi("10.1000/xyz")
        except lookup.ServiceError as error:
            refused_clearly(error)


@FUZZ
@given(st.one_of(st.binary(max_size=300), mutated(_read("pubmed.xml")).map(str.encode)))
def test_a_pubmed_answer_is_read_or_refused_as_a_service_error(body):
    with mock.patch.object(lookup, "get", return_value=body):
        try:
            lookup.by_pmid("12345")
        except lookup.ServiceError as error:
            refused_clearly(error)
