"""The parser: what it reads, what it refuses (with the position), and the JSON tree."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capture.logic import (
    FieldLogic,
    LogicError,
    NotEvaluated,
    evaluate,
    from_json,
    is_shown,
    parse,
    resolve,
    to_json,
    variables,
)

DICTIONARY = {"age": "text", "sex": "radio", "chk": "checkbox", "dob": "text", "bmi": "calc"}


def refusal(text: str, dictionary=None) -> LogicError:
    with pytest.raises(LogicError) as caught:
        parse(text, dictionary)
    return caught.value


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ('[age] = "1', "never closed", 8),
        ("[age] = ", "expected a value but found the end", 8),
        ("not [age] = '1'", "'not' is not REDCap syntax: use <>", 0),
        ("[age] && [sex]", "write 'and'", 6),
        ("[age] || [sex]", "write 'or'", 6),
        ("[age] = 1 = 2", "a second comparison", 10),
        ("age > 5", "put field names in brackets ([age])", 0),
        ("round(1, 2, 3)", "round() takes 1 to 2 arguments, not 3", 0),
        ("if([age], 1)", "if() takes exactly 3 arguments, not 2", 0),
        ("sum()", "sum() takes at least 1 arguments, not 0", 0),
        ('datediff([dob], "today", "w")', "unit 'w' is not one of y, M, d, h, m, s", 0),
        ('datediff([dob], "today", "d", "xyz")', "date format 'xyz' is not one of", 0),
        ('datediff([dob], "today", "d", true, "ymd")', "fifth argument must be true or false", 0),
        ("(1 + 2", "expected ')' to close the '(' at character 1", 6),
        ("1 + 2)", "unexpected ')'", 5),
        ("   ", "the expression is empty", 0),
        ('[age] = "1" [sex]', "unexpected '[sex]'", 12),
        ("[age] # 2", "unexpected character '#'", 6),
        ("[2abc] = 1", "is not a field reference", 0),
        ("and [age]", "'and' needs a condition before it", 0),
        ("[age", "never closed with ]", 0),
        ("[a][b][c][d] = 1", "is not a field reference", 0),
        ("[age][x-y] = 1", "is not a field reference", 0),
        ("[event_1][age][x] = 1", "the third [...] must be an instance", 0),
        ("[Event 1][age] = 1", "is not a field reference", 0),
    ],
)
def test_it_refuses_bad_expressions_naming_what_and_where(text, message, position):
    error = refusal(text)
    assert message in error.message
    assert error.position == position
    assert f"(at character {position + 1})" in str(error)


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("[event_1_arm_1][age] > 5", ["[event_1_arm_1][age] reads a field at another event"]),
        (
            "sums([age])",
            ["sums() is not a function RadCollab evaluates (a newer REDCap function, or a typo?)"],
        ),
        ("log([age], 10) > 1", ["log() is a REDCap function RadCollab does not evaluate"]),
        (
            "[survey-duration-completed:consent] > 60",
            ["[survey-duration-completed:consent] is a smart variable RadCollab does not evaluate"],
        ),
        (
            "[age:checked] = '1'",
            ["[age:checked] pipes with ':checked', which RadCollab does not evaluate"],
        ),
        (
            "[age][new-instance] = 1",
            ["[age][new-instance] names an instance RadCollab does not evaluate"],
        ),
        (
            "[e_1][age] = 1 or concat_ws(' ', [age]) = '1'",
            [
                "[e_1][age] reads a field at another event",
                "concat_ws() is a REDCap function RadCollab does not evaluate",
            ],
        ),
    ],
)
def test_what_radcollab_does_not_evaluate_is_read_to_the_end_and_named(text, reasons):
    with pytest.raises(NotEvaluated) as caught:
        parse(text, DICTIONARY)
    assert list(caught.value.reasons) == reasons


def test_a_syntax_error_wins_over_what_is_not_evaluated():
    error = refusal("[e_1][age] = 1 and (", DICTIONARY)
    assert not isinstance(error, NotEvaluated)
    assert "expected a value" in error.message


def test_a_field_at_another_event_must_still_exist():
    assert refusal("[e_1][weight] = 1", DICTIONARY).message == (
        "[weight] is not a variable of this dictionary"
    )


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("[age][2]", {"type": "var", "name": "age", "instance": "2"}),
        (
            "[age][previous-instance]",
            {"type": "var", "name": "age", "instance": "previous-instance"},
        ),
        ("[sex:label]", {"type": "var", "name": "sex", "option": "label"}),
        ("[ sex : VALUE ]", {"type": "var", "name": "sex", "option": "value"}),
        (
            "[chk(2)][last-instance]",
            {"type": "var", "name": "chk", "code": "2", "instance": "last-instance"},
        ),
        ("[chk:label]", {"type": "var", "name": "chk", "option": "label"}),
        ("[record-dag-name]", {"type": "smart", "name": "record-dag-name"}),
        ("[is-form]", {"type": "smart", "name": "is-form"}),
        ("'caf&eacute; &amp; &lt;b&gt;'", {"type": "string", "value": "café & <b>"}),
    ],
)
def test_instances_piping_smart_variables_and_entities_are_read(text, tree):
    parsed = parse(text, DICTIONARY)
    assert to_json(parsed) == tree
    assert from_json(json.loads(json.dumps(tree))) == parsed


def test_it_refuses_variables_that_are_not_in_the_dictionary():
    error = refusal("[age] > 5 and [weight] > 80", DICTIONARY)
    assert error.message == "[weight] is not a variable of this dictionary"
    assert error.position == 14


def test_it_checks_checkbox_references_against_field_types():
    assert (
        "is a checkbox: refer to one option as [chk(code)]"
        in refusal("[chk] = '1'", DICTIONARY).message
    )
    assert "only checkbox fields have options" in refusal("[age(2)] = '1'", DICTIONARY).message
    assert parse("[chk(2)] = '1'", DICTIONARY) == parse("[chk(2)]='1'")


def test_a_plain_list_of_names_checks_names_only():
    assert variables(parse("[chk] = '1' or [age(1)] = '1'", ["chk", "age"])) == ("chk", "age")


def test_it_never_evaluates_python():
    for text in ("__import__('os').system('true')", "[age].__class__", "lambda: 1", "1; 2"):
        with pytest.raises(LogicError):
            parse(text)


def test_keywords_and_function_names_ignore_case():
    assert parse("ROUND([age], 1) > 5 AND [sex] = '1' Or TRUE") == parse(
        "round([age], 1) > 5 and [sex] = '1' or true"
    )


def test_not_equal_has_two_spellings_and_one_tree():
    assert parse("[age] != 5") == parse("[age] <> 5")
    assert to_json(parse("[age] != 5"))["op"] == "<>"


def test_the_tree_is_plain_json_and_reads_back_the_same():
    tree = parse('if([chk(2)] = "1" and -[age] ^ 2 < 3, datediff([dob], "today", "y", true), 0)')
    data = json.loads(json.dumps(to_json(tree)))
    assert from_json(data) == tree
    assert data["type"] == "call"
    assert data["args"][0]["left"]["left"] == {"type": "var", "name": "chk", "code": "2"}


@pytest.mark.parametrize(
    "data",
    [
        {"type": "eval", "value": "1"},
        {"type": "call", "name": "system", "args": []},
        {
            "type": "binary",
            "op": "**",
            "left": {"type": "number", "value": 1},
            "right": {"type": "number", "value": 1},
        },
        {"type": "var"},
        [1, 2],
    ],
)
def test_from_json_refuses_what_the_parser_could_not_make(data):
    with pytest.raises(LogicError):
        from_json(data)


def test_variables_lists_each_field_once_in_order():
    assert variables(parse("[b] + [a] * [b] + [chk(1)] + [chk(2)]")) == ("b", "a", "chk")


def test_precedence_follows_arithmetic_then_comparison_then_and_then_or():
    values = {"a": "1", "b": "0", "c": "0"}
    assert evaluate(parse('[a] = "1" or [b] = "1" and [c] = "1"'), values) is True
    assert evaluate(parse("2 + 3 * 4 ^ 2 / 8"), {}) == 8.0


def test_is_shown_treats_missing_logic_as_always_shown():
    assert is_shown(None, {})
    assert not is_shown(parse("[age] > 18"), {"age": ""})
    assert is_shown(
        parse("datediff([dob], 'today', 'y') > 18"), {"dob": "2000-01-01"}, today=date(2025, 1, 1)
    )


def test_resolve_reports_hidden_fields_and_fills_calcs():
    fields = {
        "weight": FieldLogic(),
        "height": FieldLogic(),
        "bmi": FieldLogic(calc=parse("round([weight] / ([height] / 100) ^ 2, 1)")),
        "obese_note": FieldLogic(branching=parse("[bmi] >= 30")),
    }
    outcome = resolve(fields, {"weight": "95", "height": "170"})
    assert outcome.values["bmi"] == "32.9"
    assert outcome.hidden == frozenset()
    outcome = resolve(fields, {"weight": "60", "height": "170"})
    assert outcome.values["bmi"] == "20.8"
    assert outcome.hidden == {"obese_note"}
    assert FieldLogic.from_json(fields["bmi"].to_json()) == fields["bmi"]


def test_resolve_stops_on_a_cycle_of_calcs():
    fields = {"a": FieldLogic(calc=parse("[b] + 1")), "b": FieldLogic(calc=parse("[a] + 1"))}
    outcome = resolve(fields, {})
    assert set(outcome.values) == {"a", "b"}


numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3))
leaves = st.one_of(
    numbers.map(lambda x: repr(abs(x))),
    st.sampled_from(["[a]", "[b]", "[chk(1)]", '"1"', "'x'", "true"]),
)


def expressions(depth: int = 3) -> st.SearchStrategy[str]:
    if depth == 0:
        return leaves
    inner = expressions(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(
            inner, st.sampled_from(["+", "-", "*", "/", "^", "=", "<>", "<", ">="]), inner
        ).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: f"sum({', '.join(xs)})"),
        st.tuples(inner, inner, inner).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
        inner.map(lambda x: f"-{x}"),
    )


@given(
    expressions(),
    st.fixed_dictionaries(
        {"a": st.sampled_from(["", "1", "2.5", "x"]), "b": st.sampled_from(["", "0", "-3"])}
    ),
)
def test_any_expression_round_trips_through_json_and_evaluates_without_error(text, values):
    tree = parse(text)
    assert from_json(json.loads(json.dumps(to_json(tree)))) == tree
    result = evaluate(tree, {**values, "chk": ["1"]})
    assert result is None or isinstance(result, bool | float | str)
