"""The routes the access matrices reach, kept in a file the completeness test reads.

`check_matrix` notes every request it sends under its route (core.testing.matrix.LEDGER).
A run of every matrix with RADCOLLAB_MATRIX_LEDGER set writes them to
`core/testing/matrix_ledger.json`; `core/tests/test_access_completeness.py` compares
that file with every URL pattern and API operation of the project (docs/access.md):

    RADCOLLAB_MATRIX_LEDGER=core/testing/matrix_ledger.json \\
        .venv/bin/pytest -n 0 -q $(grep -l check_matrix */tests/*.py)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.testing.matrix import LEDGER, PLACES

LEDGER_FILE = Path(__file__).with_name("matrix_ledger.json")
REFUSED = {"403", "404"}
SIGNED_IN_ONLY = {"anonymous"}


def summary() -> dict[str, dict[str, Any]]:
    """Per route: how many cells the matrices checked, and whether someone asking for
    another site's or person's object was refused (403/404): the IDOR probe."""
    found: dict[str, dict[str, Any]] = {}
    for key, cells in sorted(LEDGER.items()):
        refused = any(
            place == PLACES[1] and status in REFUSED and who not in SIGNED_IN_ONLY
            for who, place, status in cells
        )
        found[key] = {"cells": len(cells), "refused_elsewhere": refused}
    return found


def write_ledger(target: str | Path, worker: str | None = None) -> None:
    """Write the ledger; under pytest-xdist each worker writes its part beside the
    target and the controller, which finishes last, merges the parts into it."""
    path = Path(target)
    if worker:
        part = path.with_name(f"{path.name}.{worker}")
        part.write_text(json.dumps(summary()), encoding="utf-8")
        return
    merged = summary()
    for part in sorted(path.parent.glob(f"{path.name}.gw*")):
        for key, found in json.loads(part.read_text(encoding="utf-8")).items():
            mine = merged.setdefault(key, {"cells": 0, "refused_elsewhere": False})
            mine["cells"] += found["cells"]
            mine["refused_elsewhere"] = mine["refused_elsewhere"] or found["refused_elsewhere"]
        part.unlink()
    path.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_ledger(path: Path = LEDGER_FILE) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
