"""The largest functions and modules of non-test code, in lines (issue 21, "smaller units").

    .venv/bin/python benchmarks/code_size.py [--top N]

A function's size is its lines from `def` (decorators excluded) to its last line; a
module's is its line count. Tests, migrations, benchmarks and vendored code are left
out. Prints CPU and wall time beside the figures, as every benchmark here does.
"""

from __future__ import annotations

import argparse
import ast
import os
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "migrations", "tests", "benchmarks", "vendor", ".git"}


def sources(root: Path = ROOT) -> Iterator[Path]:
    """Every non-test Python file of the project."""
    for folder, names, files in os.walk(root):
        names[:] = sorted(n for n in names if n not in SKIPPED and not n.startswith("."))
        for name in sorted(files):
            if name.endswith(".py") and not name.startswith("test_") and name != "conftest.py":
                yield Path(folder) / name


def functions(path: Path) -> Iterator[tuple[int, str]]:
    """(lines, dotted name) of every function and method in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[int, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}.{child.name}"
                yield (child.end_lineno or child.lineno) - child.lineno + 1, name
                yield from walk(child, name)
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}.{child.name}")

    yield from walk(tree, where)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10, help="how many of each to print")
    top = parser.parse_args().top
    wall, cpu = time.perf_counter(), time.process_time()
    paths = list(sources())
    found = sorted((size for path in paths for size in functions(path)), reverse=True)
    modules = sorted(
        (
            (len(p.read_text(encoding="utf-8").splitlines()), p.relative_to(ROOT).as_posix())
            for p in paths
        ),
        reverse=True,
    )
    print(f"Largest functions ({len(found)} in {len(paths)} modules):")
    for lines, name in found[:top]:
        print(f"  {lines:5d}  {name}")
    print("Largest modules:")
    for lines, name in modules[:top]:
        print(f"  {lines:5d}  {name}")
    print(
        f"wall {time.perf_counter() - wall:.2f} s, cpu {time.process_time() - cpu:.2f} s, "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
