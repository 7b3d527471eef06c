"""Count `Any` in the annotations of RadCollab's non-test code, by app (issue 21).

    .venv/bin/python benchmarks/any_count.py            print the table, exit 1 above CEILING
    .venv/bin/python benchmarks/any_count.py --list     also list every Any parameter/return

Walks every `.py` file under the repository with `ast` (no import, no Django), leaving
out tests (`*/tests/*`, `conftest.py`, `core/testing/`), migrations and the virtualenv.
Four figures per app:

- people:  parameters naming a person (`actor`, `user`, `person`, ...) typed `Any` or
           `Any | None`: the ones issue 21 set out to type;
- params:  parameters (including `*args`/`**kwargs`) whose annotation is exactly `Any`;
- returns: functions whose return annotation is exactly `Any`;
- total:   every occurrence of `Any` anywhere in an annotation (parameters, returns,
           variables and class attributes), nested ones included (`dict[str, Any]`).

Two more figures keep the count honest, each with its own ceiling: `elsewhere`, the
`Any` written outside annotations (a type alias `JSON = dict[str, Any]`, `cast(Any, x)`),
which would otherwise hide an annotation's `Any` behind a name; and `ignores`, the
`# type: ignore` comments, which would silence what a removed `Any` lets mypy see.

CI (.ci/run stage 2) runs it; it fails when the people or the total count rises above
CEILING. CEILING is a ratchet: lower it when the count falls, never raise it.
"""

from __future__ import annotations

import ast
import contextlib
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The committed ceilings (issue 21 started at people 357, total 1201; main had grown to
# 1273 when this ratchet landed at 868; the typing work of the next session took it to
# 148); they only go down.
CEILING = {"people": 0, "total": 148, "elsewhere": 1, "ignores": 16}
PEOPLE = {"actor", "user", "person", "trainee", "mentor", "lead", "committee", "admin"}
SKIPPED_PARTS = {"tests", "migrations", ".venv", "node_modules", "build", ".git"}


def non_test_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if SKIPPED_PARTS.intersection(parts) or path.name == "conftest.py":
            continue
        if parts[:2] == ("core", "testing"):
            continue
        files.append(path)
    return files


def names_any(node: ast.AST) -> bool:
    """`Any` or `typing.Any` (a name or an attribute), outside strings."""
    return (isinstance(node, ast.Name) and node.id == "Any") or (
        isinstance(node, ast.Attribute) and node.attr == "Any"
    )


def arguments(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    """Every parameter of a function, `*args` and `**kwargs` included."""
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    return every + [a for a in (args.vararg, args.kwarg) if a is not None]


def any_in(annotation: ast.expr | None) -> int:
    """How many times `Any` (or `typing.Any`) appears in an annotation, strings parsed."""
    if annotation is None:
        return 0
    count = 0
    for node in ast.walk(annotation):
        if names_any(node):
            count += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            with contextlib.suppress(SyntaxError):
                count += any_in(ast.parse(node.value, mode="eval").body)
    return count


def is_any(annotation: ast.expr | None) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value.strip() in {"Any", "typing.Any"}
    return annotation is not None and names_any(annotation)


def is_any_or_none(annotation: ast.expr | None) -> bool:
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = (annotation.left, annotation.right)
        return any(is_any(side) for side in sides) and any(
            isinstance(side, ast.Constant) and side.value is None for side in sides
        )
    return is_any(annotation)


def count_file(path: Path, listing: list[str]) -> Counter[str]:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, filename=str(path))
    counts: Counter[str] = Counter()
    counts["ignores"] = len(IGNORE.findall(text))
    counts["elsewhere"] = _every_any(tree) - _annotated_any(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in arguments(node):
                counts["total"] += any_in(arg.annotation)
                if arg.arg in PEOPLE and is_any_or_none(arg.annotation):
                    counts["people"] += 1
                if is_any(arg.annotation):
                    counts["params"] += 1
                    listing.append(f"{path.relative_to(ROOT)}:{arg.lineno} {node.name}({arg.arg})")
            counts["total"] += any_in(node.returns)
            if is_any(node.returns):
                counts["returns"] += 1
                listing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} -> Any")
        elif isinstance(node, ast.AnnAssign):
            counts["total"] += any_in(node.annotation)
    return counts


IGNORE = re.compile(r"#\s*type:\s*ignore")


def _every_any(tree: ast.AST) -> int:
    """Every `Any` in the module but its import: annotations, aliases, casts."""
    return sum(1 for node in ast.walk(tree) if names_any(node))


def _annotated_any(tree: ast.AST) -> int:
    """The `Any` written as annotations (not in strings: those `_every_any` cannot see)."""
    count = 0
    for node in ast.walk(tree):
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            annotations = [arg.annotation for arg in arguments(node)] + [node.returns]
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
        for annotation in annotations:
            if annotation is not None:
                count += sum(1 for inner in ast.walk(annotation) if names_any(inner))
    return count


def app_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else "(top level)"


COLUMNS = {"people": 8, "params": 8, "returns": 9, "total": 8, "elsewhere": 11, "ignores": 9}


def _row(label: str, counts: Counter[str]) -> str:
    return f"{label:<16}" + "".join(f"{counts[name]:>{width}}" for name, width in COLUMNS.items())


def main(argv: list[str]) -> int:
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    listing: list[str] = []
    by_app: dict[str, Counter[str]] = {}
    for path in non_test_files(ROOT):
        by_app.setdefault(app_of(path), Counter()).update(count_file(path, listing))
    total: Counter[str] = Counter()
    print(f"{'app':<16}" + "".join(f"{name:>{width}}" for name, width in COLUMNS.items()))
    for app, counts in sorted(by_app.items()):
        total.update(counts)
        if counts["total"] or counts["elsewhere"] or counts["ignores"]:
            print(_row(app, counts))
    print(_row("TOTAL", total))
    if "--list" in argv:
        print("\n".join(listing))
    wall, cpu = time.perf_counter() - started_wall, time.process_time() - started_cpu
    print(f"(counted in {wall:.2f} s wall, {cpu:.2f} s CPU; ceilings {CEILING})")
    above = {name: total[name] for name, ceiling in CEILING.items() if total[name] > ceiling}
    for name, count in above.items():
        print(f"The {name} count rose to {count}, above its ceiling {CEILING[name]}.")
    return 1 if above else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
