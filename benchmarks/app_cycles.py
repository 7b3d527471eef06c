"""Import cycles between the apps (issue 21): which apps import each other, directly or
through others, counting imports inside functions too (grimp reads every import
statement of a module, wherever it stands).

    .venv/bin/python benchmarks/app_cycles.py            # cycles between apps
    .venv/bin/python benchmarks/app_cycles.py --edges    # and every app-to-app edge in them
    .venv/bin/python benchmarks/app_cycles.py --runtime  # leave out `if TYPE_CHECKING:` imports

Tests are left out (a test may import any app), and so are migrations (Django orders
them by their declared dependencies, not by imports). A cycle is a strongly connected
set of two or more apps; the script prints how many there are and the apps in each, with
one import line for each edge inside a cycle. It exits 0 whatever it finds: the contract
that fails CI is import-linter's (`.venv/bin/lint-imports`, pyproject.toml).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "radcollab",
    "core",
    "accounts",
    "audit",
    "network",
    "people",
    "outputs",
    "mentors",
    "stats",
    "formats",
    "projects",
    "training",
    "capture",
    "events",
    "opportunities",
    "glossary",
    "matching",
    "credit",
    "recommend",
]


def excluded(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or "migrations" in parts or "testing" in parts


def app_edges(graph: grimp.ImportGraph) -> dict[tuple[str, str], list[str]]:
    """(importer app, imported app) -> example import lines."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module in graph.modules:
        if excluded(module):
            continue
        source = module.split(".")[0]
        for imported in graph.find_modules_directly_imported_by(module):
            target = imported.split(".")[0]
            if target == source or target not in APPS or excluded(imported):
                continue
            details = graph.get_import_details(importer=module, imported=imported)
            lines = [f"{module}:{d['line_number']} {d['line_contents']}" for d in details]
            edges.setdefault((source, target), []).extend(lines)
    return edges


def cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Strongly connected components of two or more apps (Tarjan)."""
    out: dict[str, list[str]] = {}
    for a, b in edges:
        out.setdefault(a, []).append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in out.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in APPS:
        if app not in index:
            visit(app)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="print each edge in a cycle")
    parser.add_argument(
        "--runtime", action="store_true", help="leave out imports made only for annotations"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    wall, cpu = time.perf_counter(), time.process_time()
    graph = grimp.build_graph(*APPS, cache_dir=None, exclude_type_checking_imports=args.runtime)
    edges = app_edges(graph)
    found = cycles(edges)
    in_cycles = sorted({app for component in found for app in component})
    print(f"apps: {len(APPS)}, app-to-app edges: {len(edges)}")
    print(f"app-level cycles: {len(found)}; apps in a cycle: {len(in_cycles)}")
    for component in found:
        print(f"  cycle of {len(component)}: {', '.join(component)}")
        if args.edges:
            members = set(component)
            for (a, b), lines in sorted(edges.items()):
                if a in members and b in members:
                    print(f"    {a} -> {b}  ({len(lines)} imports) e.g. {lines[0]}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"wall {time.perf_counter() - wall:.2f} s, cpu {time.process_time() - cpu:.2f} s "
        f"(user {usage.ru_utime:.2f} s, max rss {usage.ru_maxrss // 1024} MB)"
    )


if __name__ == "__main__":
    main()
