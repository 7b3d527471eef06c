"""The shared table of cases, run through the Python evaluator and through logic.js in Node.

The same table runs in Chromium in test_logic_browser.py. Helpers here are shared.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from capture.logic import (
    SMART_VARIABLES,
    Context,
    FieldLogic,
    annotate,
    evaluate,
    format_value,
    parse,
    resolve,
    to_json,
)
from capture.logic.nodes import INSTANCES
from capture.logic.signatures import ARITIES

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "logic_cases.json"
LOGIC_JS = HERE.parent / "static" / "capture" / "logic.js"
NODE_RUNNER = HERE / "logic_runner.js"


def load_table() -> dict[str, Any]:
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


def tree_of(case: dict[str, Any]) -> Any:
    """The case's tree, with what its `fields` say the dictionary knows (as compiled)."""
    fields = case.get("fields", {})
    labels = {name: tuple(spec.get("labels", {}).items()) for name, spec in fields.items()}
    commas = {name for name, spec in fields.items() if spec.get("comma")}
    events = case.get("context", {}).get("events", {})
    return annotate(parse(case["expr"], events=list(events)), labels, commas)


def cases_with_trees() -> list[dict[str, Any]]:
    return [dict(case, tree=to_json(tree_of(case))) for case in load_table()["cases"]]


def forms_with_trees() -> list[dict[str, Any]]:
    forms = []
    for form in load_table()["forms"]:
        fields = {
            name: {kind: to_json(parse(text)) for kind, text in logic.items()}
            for name, logic in form["fields"].items()
        }
        forms.append(dict(form, trees=fields))
    return forms


def js_context(case: dict[str, Any]) -> dict[str, Any]:
    context = case.get("context", {})
    return {
        "today": context.get("today"),
        "now": context.get("now"),
        "missingCodes": context.get("missing_codes", []),
        "recordName": context.get("record_name"),
        "dagName": context.get("dag_name"),
        "eventName": context.get("event_name"),
        "userName": context.get("user_name"),
        "instance": context.get("instance"),
        "instances": context.get("instances", {}),
        "isForm": context.get("is_form", True),
        "events": context.get("events", {}),
    }


def python_context(case: dict[str, Any]) -> Context:
    context = case.get("context", {})
    instances = {
        name: {int(number): value for number, value in by_number.items()}
        for name, by_number in context.get("instances", {}).items()
    }
    return Context(
        today=date.fromisoformat(context["today"]) if "today" in context else None,
        now=datetime.fromisoformat(context["now"]) if "now" in context else None,
        missing_codes=frozenset(context.get("missing_codes", ())),
        record_name=context.get("record_name"),
        dag_name=context.get("dag_name"),
        event_name=context.get("event_name"),
        user_name=context.get("user_name"),
        instance=context.get("instance"),
        instances=instances,
        is_form=context.get("is_form", True),
        events=context.get("events", {}),
    )


def mismatch(case: dict[str, Any], got: Any, text: str) -> str | None:
    """Why `got` (and its formatted `text`) is not what the case expects, or None."""
    expected = case["expected"]
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        same = got is expected if isinstance(expected, bool) else got == expected
    else:
        same = (
            isinstance(got, int | float)
            and not isinstance(got, bool)
            and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)
        )
    if same and ("text" not in case or text == case["text"]):
        return None
    return f"{case['expr']!r} with {case['values']}: expected {expected!r}, got {got!r} ({text!r})"


def python_result(case: dict[str, Any]) -> Any:
    return evaluate(tree_of(case), case["values"], context=python_context(case))


def test_the_table_covers_every_function_smart_variable_and_operator():
    table = load_table()
    text = " ".join(case["expr"] for case in table["cases"])
    for function in ARITIES:
        assert f"{function}(" in text, function
    for smart in SMART_VARIABLES:
        assert f"[{smart}]" in text, smart
    for instance in INSTANCES:
        assert f"][{instance}]" in text, instance
    for unit in ("y", "M", "d", "h", "m", "s"):
        assert f'"{unit}"' in text or f"'{unit}'" in text, unit
    for date_format in ("ymd", "mdy", "dmy"):
        assert f'"{date_format}"' in text, date_format
    for piping in (":label]", ":value]", "&eacute;", "][2]"):
        assert piping in text, piping
    for operator in (
        " = ",
        "<>",
        "!=",
        " < ",
        "<=",
        " > ",
        ">=",
        "+",
        "-",
        "*",
        "/",
        "^",
        " and ",
        " or ",
        "(2)]",
    ):
        assert operator in text, operator
    assert len(table["cases"]) >= 200


def test_python_passes_every_case():
    failures = []
    for case in load_table()["cases"]:
        got = python_result(case)
        problem = mismatch(case, got, format_value(got))
        if problem:
            failures.append(problem)
    assert not failures, "\n".join(failures)


def test_python_resolves_every_form():
    for form in load_table()["forms"]:
        fields = {
            name: FieldLogic(
                parse(logic["branching"]) if "branching" in logic else None,
                parse(logic["calc"]) if "calc" in logic else None,
            )
            for name, logic in form["fields"].items()
        }
        outcome = resolve(fields, form["values"])
        assert sorted(outcome.hidden) == sorted(form["hidden"]), form["about"]
        for name, value in form["calcs"].items():
            assert outcome.values[name] == value, form["about"]


def run_in_node(payload: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip(
            "Node.js is not installed (apt-get install nodejs); Chromium still runs logic.js"
        )
    completed = subprocess.run(
        [node, str(NODE_RUNNER), str(LOGIC_JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout)


def test_node_passes_every_case():
    cases = cases_with_trees()
    payload = {
        "cases": [
            {"tree": c["tree"], "values": c["values"], "context": js_context(c)} for c in cases
        ],
        "forms": [],
    }
    results = run_in_node(payload)["cases"]
    failures = [
        problem
        for case, result in zip(cases, results, strict=True)
        if (problem := mismatch(case, result["value"], result["text"]))
    ]
    assert not failures, "\n".join(failures)


def test_node_resolves_every_form_as_python_does():
    forms = forms_with_trees()
    payload = {"cases": [], "forms": [{"fields": f["trees"], "values": f["values"]} for f in forms]}
    for form, result in zip(forms, run_in_node(payload)["forms"], strict=True):
        assert sorted(result["hidden"]) == sorted(form["hidden"]), form["about"]
        for name, value in form["calcs"].items():
            assert result["values"][name] == value, form["about"]
