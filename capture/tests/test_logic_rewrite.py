"""Rules rewritten as trees: `unparse` writes a tree back, renames and recodes follow it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capture.logic import (
    Codes,
    LogicError,
    evaluate,
    parse,
    recode,
    rename_fields,
    unparse,
)
from capture.logic.changes import rule_changes
from capture.logic.nodes import (
    OPTIONS,
    SMART_VARIABLES,
    Binary,
    Boolean,
    Call,
    Negate,
    Node,
    Number,
    Smart,
    Text,
    Variable,
)
from capture.tests.test_logic_parser import expressions
from formats.datadictionary import read_data_dictionary
from formats.datadictionary.tests.builders import dictionary_csv, row

# --- unparse -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("-2^2", "-2 ^ 2"),
        ("(2^3)^2", "(2 ^ 3) ^ 2"),
        ("2^3^2", "2 ^ 3 ^ 2"),
        ("(-2)^2", "(-2) ^ 2"),
        ("2^-3", "2 ^ -3"),
        ("[a]-([b]-[c])", "[a] - ([b] - [c])"),
        ("([a]-[b])-[c]", "[a] - [b] - [c]"),
        ("([a]=1)=true", "([a] = 1) = true"),
        ("[a] OR [b] AND [c]", "[a] or [b] and [c]"),
        ("([a] or [b]) and [c]", "([a] or [b]) and [c]"),
        ('IF([modality]="2", 1, 0)', "if([modality] = '2', 1, 0)"),
        ("[age] != 5", "[age] <> 5"),
        ("[chk(2)]='1'", "[chk(2)] = '1'"),
        ('"it\'s"', '"it\'s"'),
        ("-(1+2)*3", "-(1 + 2) * 3"),
        (".5 + 0.0000001 + 100000000000000000000", "0.5 + 0.0000001 + 100000000000000000000"),
        (
            'datediff([dob], "today", "y", "dmy", true)',
            "datediff([dob], 'today', 'y', 'dmy', true)",
        ),
        ("[a][ 2 ]", "[a][2]"),
        ("[chk(1)][previous-instance]", "[chk(1)][previous-instance]"),
        ("[ sex : LABEL ] = 'F'", "[sex:label] = 'F'"),
        ("[record-dag-name]<>''", "[record-dag-name] <> ''"),
        ("'caf&eacute;'", "'café'"),
        ("'a &amp;lt; b'", "'a &amp;lt; b'"),
        (
            "CONTAINS([a], 'x') AND Not_Contain([a], 'y')",
            "contains([a], 'x') and not_contain([a], 'y')",
        ),
    ],
)
def test_unparse_writes_house_style_with_brackets_only_where_needed(text, written):
    assert unparse(parse(text)) == written
    assert parse(written) == parse(text)


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        (Text('it\'s "x"'), "both quote marks"),
        (Variable("chk", "a b"), "cannot be written as [chk(code)]"),
        (Variable("2abc"), "cannot be written as a field name"),
        (Number(float("inf")), "is not a number"),
    ],
)
def test_unparse_refuses_what_redcap_could_not_read_back(tree, message):
    with pytest.raises(LogicError, match=re.escape(message)):
        unparse(tree)


NAMES = st.sampled_from(["a", "b", "modality", "chk"])
INSTANCES = st.sampled_from(["1", "12", "current-instance", "last-instance", "next-instance"])
CODES = st.sampled_from(["1", "2", "20", "-99", "x_1", "2.5"])
PLAIN_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="'\""), max_size=6)


def leaf_nodes() -> st.SearchStrategy[Node]:
    return st.one_of(
        st.floats(min_value=0, max_value=1e12, allow_nan=False).map(Number),
        st.one_of(PLAIN_TEXT, PLAIN_TEXT.map(lambda t: t + "'")).map(Text),
        st.booleans().map(Boolean),
        NAMES.map(Variable),
        st.tuples(NAMES, CODES).map(lambda pair: Variable(*pair)),
        st.tuples(NAMES, INSTANCES).map(lambda pair: Variable(pair[0], instance=pair[1])),
        st.tuples(NAMES, st.sampled_from(OPTIONS)).map(lambda p: Variable(p[0], option=p[1])),
        st.sampled_from(SMART_VARIABLES).map(Smart),
        st.sampled_from(["&amp;", "&lt;b&gt;", "a & b", "&", "&#39"]).map(Text),
    )


OPERATORS = ["+", "-", "*", "/", "^", "=", "<>", "<", "<=", ">", ">=", "and", "or"]


def trees() -> st.SearchStrategy[Node]:
    return st.recursive(
        leaf_nodes(),
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(OPERATORS), inner, inner).map(lambda t: Binary(*t)),
            inner.map(Negate),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: Call("sum", tuple(xs))),
            st.tuples(inner, inner, inner).map(lambda xs: Call("if", xs)),
            inner.map(lambda x: Call("abs", (x,))),
        ),
        max_leaves=12,
    )


@given(trees())
def test_any_tree_the_parser_could_make_reads_back_the_same(tree):
    assert parse(unparse(tree)) == tree


@given(expressions())
def test_any_expression_parses_the_same_after_being_written_back(text):
    tree = parse(text)
    assert parse(unparse(tree)) == tree


# --- renaming ------------------------------------------------------------------------


def test_a_rename_touches_only_references_to_that_field():
    tree = parse("[age] > 18 and [note] = '[age]' and [age_group(2)] = '1'")
    renamed = rename_fields(tree, {"age": "age_years"})
    assert unparse(renamed) == "[age_years] > 18 and [note] = '[age]' and [age_group(2)] = '1'"


# --- recoding ------------------------------------------------------------------------

MODALITY = Codes(
    "modality",
    old={"1": "CT", "2": "MRI", "3": "Ultrasound"},
    new={"1": "CT", "20": "MRI", "3": "Ultrasound"},
    mapping={"2": "20"},
)


def recoded(text, *, carried=True, changes=None):
    result = recode(parse(text), changes or {"modality": MODALITY}, carried=carried)
    return unparse(result.tree), result.references


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("[modality] = '2'", "[modality] = '20'"),
        ('[modality] <> "2"', "[modality] <> '20'"),
        ("[modality] = 2", "[modality] = 20"),
        ("[modality] = 2.0", "[modality] = 20"),
        ("'2' = [modality]", "'20' = [modality]"),
        ("if([modality]='2', 1, 0)", "if([modality] = '20', 1, 0)"),
        ("[modality(2)] = '1'", "[modality(20)] = '1'"),
        ("sum([modality(1)], [modality(2)])", "sum([modality(1)], [modality(20)])"),
    ],
)
def test_a_mapped_code_is_rewritten_wherever_a_rule_compares_with_it(text, written):
    assert recoded(text)[0] == written


@pytest.mark.parametrize(
    "text",
    [
        "[flag] = '2'",  # another field's '2'
        "[note] = 'MRI 2'",  # '2' inside another text
        "[modality] = '1'",  # a code that does not change
        "[modality] = ''",  # blank is no code
    ],
)
def test_everything_else_is_left_as_it_was(text):
    written, references = recoded(text)
    assert parse(written) == parse(text)
    assert references == ()


def test_a_code_with_nowhere_to_go_is_named_as_dead():
    gone = Codes("modality", old={"1": "CT", "2": "MRI"}, new={"1": "CT"}, mapping={})
    written, [reference] = recoded("[modality] = '2'", changes={"modality": gone})
    assert written == "[modality] = '2'"
    assert reference.problem == "code 2 of modality is not among the new choices"
    assert (reference.field, reference.code, reference.before) == (
        "modality",
        "2",
        "[modality] = '2'",
    )
    archived = Codes(
        "modality", old={"1": "CT", "2": "MRI"}, new={"1": "CT"}, mapping={"2": "archive"}
    )
    _, [reference] = recoded("[modality(2)] = '1'", changes={"modality": archived})
    assert reference.problem == "code 2 of modality is archived by this version"


def test_a_swap_rewrites_a_rule_written_for_the_old_codes_only():
    swap = Codes(
        "modality",
        old={"1": "CT", "2": "MRI"},
        new={"1": "MRI", "2": "CT"},
        mapping={"1": "2", "2": "1"},
    )
    # The rule the version in use had meant MRI: it follows MRI to code 1, at once.
    assert recoded("[modality] = '2' or [modality(1)] = '1'", changes={"modality": swap})[0] == (
        "[modality] = '1' or [modality(2)] = '1'"
    )
    # A rule the new version wrote itself already means the new codes.
    written, references = recoded("[modality] = '2'", carried=False, changes={"modality": swap})
    assert (written, references) == ("[modality] = '2'", ())


def test_a_relabelled_code_or_an_order_comparison_is_shown_for_a_check():
    relabelled = Codes(
        "modality", old={"1": "CT", "2": "MRI"}, new={"1": "CT", "2": "PET"}, mapping={}
    )
    _, [reference] = recoded("[modality] = '2'", changes={"modality": relabelled})
    assert reference.check == "refers to code 2 of modality, which was “MRI”, now “PET”"
    assert not reference.problem
    written, [order, mapped] = recoded("[modality] >= 2 and [modality] = '2'")
    assert written == "[modality] >= 2 and [modality] = '20'"
    assert order.before == "[modality] >= 2"
    assert "reads the codes of modality as values, and this version recodes them (2 → 20)" in (
        order.check
    )
    assert (mapped.before, mapped.after, mapped.check) == (
        "[modality] = '2'",
        "[modality] = '20'",
        "",
    )
    _, [compared] = recoded("[modality] = [flag]")
    assert compared.check.startswith("reads the codes of modality as values")


OLD_CODES = ["1", "2", "3", "9"]
SHIFTED = {"1": "10", "2": "1", "3": "30", "9": "2"}  # a bijection that reuses old codes
SHIFT = Codes(
    "modality",
    old=dict.fromkeys(OLD_CODES, "label"),
    new=dict.fromkeys(SHIFTED.values(), "label"),
    mapping=SHIFTED,
)
CHECKBOX = Codes("chk", old=SHIFT.old, new=SHIFT.new, mapping=SHIFTED)


def code_comparisons() -> st.SearchStrategy[str]:
    literal = st.sampled_from(OLD_CODES).flatmap(lambda c: st.sampled_from([f"'{c}'", c, '"x"']))
    return st.one_of(
        st.tuples(literal, st.sampled_from(["=", "<>"])).map(lambda t: f"[modality] {t[1]} {t[0]}"),
        literal.map(lambda lit: f"{lit} = [modality]"),
        st.sampled_from(OLD_CODES).map(lambda c: f"[chk({c})] = '1'"),
        st.sampled_from(OLD_CODES).map(lambda c: f"[other] = '{c}'"),
    )


def conditions(depth: int = 2) -> st.SearchStrategy[str]:
    if depth == 0:
        return code_comparisons()
    inner = conditions(depth - 1)
    return st.one_of(
        inner,
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(inner, inner).map(lambda t: f"if({t[0]}, 1, 0) + if({t[1]}, 2, 0)"),
    )


@given(
    conditions(),
    st.sampled_from(["", *OLD_CODES]),
    st.sets(st.sampled_from(OLD_CODES)),
    st.sampled_from(["", *OLD_CODES]),
)
def test_a_rewritten_rule_on_recoded_values_means_what_the_rule_meant_on_the_old(
    text, modality, ticked, other
):
    tree = parse(text)
    rewritten = recode(tree, {"modality": SHIFT, "chk": CHECKBOX}, carried=True).tree
    before = {"modality": modality, "chk": sorted(ticked), "other": other}
    after = {
        "modality": SHIFTED.get(modality, ""),
        "chk": sorted(SHIFTED[c] for c in ticked),
        "other": other,
    }
    assert evaluate(parse(unparse(rewritten)), after) == evaluate(tree, before)


# --- a whole dictionary --------------------------------------------------------------


def fields(*rows):
    return read_data_dictionary(dictionary_csv(*rows)).dictionary.fields


def test_rule_changes_lists_each_rule_with_before_and_after():
    base = [
        row("record_id", form="f"),
        row("modality", "radio", form="f", choices="1, CT | 2, MRI"),
        row("mri_field", "radio", form="f", choices="1, 1.5 T | 2, 3 T", logic="[modality]='2'"),
        row("is_mri", "calc", form="f", choices="if([modality]='2', 1, 0)"),
        row("age", form="f"),
        row("adult", "yesno", form="f", logic="[age] >= 18"),
    ]
    old = fields(*base)
    changed = [list(r) for r in base]
    changed[1][5] = "1, CT | 20, MRI"
    changed[4][0] = "age_years"
    changed[5][11] = "[age_years] >= 18"
    new = fields(*changed)
    names = {"record_id": "record_id", "modality": "modality", "mri_field": "mri_field"}
    names |= {"is_mri": "is_mri", "age": "age_years", "adult": "adult"}
    found = {
        (r.field, r.column): r for r in rule_changes(old, new, names, {"modality": {"2": "20"}})
    }
    assert set(found) == {
        ("mri_field", "branching logic"),
        ("is_mri", "calculation"),
        ("adult", "branching logic"),
    }
    assert found["mri_field", "branching logic"].after == "[modality] = '20'"
    assert found["is_mri", "calculation"].after == "if([modality] = '20', 1, 0)"
    adult = found["adult", "branching logic"]
    assert (adult.before, adult.after, adult.renamed) == (
        "[age] >= 18",
        "[age_years] >= 18",
        (("age", "age_years"),),
    )
    assert not adult.rewritten


def test_a_rename_keeps_instances_and_piping_and_leaves_smart_variables():
    tree = parse("[age][2] > [age:value] and [record-name] <> '' and [chk(2)][1] = '1'")
    renamed = rename_fields(tree, {"age": "age_years", "chk": "findings"})
    assert unparse(renamed) == (
        "[age_years][2] > [age_years:value] and [record-name] <> '' and [findings(2)][1] = '1'"
    )


def test_a_label_is_not_a_code_so_a_recode_leaves_it_alone():
    modality = Codes("modality", {"1": "CT", "2": "MRI"}, {"1": "CT", "20": "MRI"}, {"2": "20"})
    result = recode(
        parse("[modality:label] = '2' or [modality][2] = '2'"), {"modality": modality}, carried=True
    )
    assert unparse(result.tree) == "[modality:label] = '2' or [modality][2] = '20'"
