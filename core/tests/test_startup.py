"""A web process starts light: loading the URLconf and the API imports no scientific library.

Django loads the URLconf on a process's first request, so whatever `radcollab.urls` and
`radcollab.api` import is paid by that request (about 2 s with scipy, pandas, matplotlib
and fpdf2) and held in every worker's memory. The analyses, exports and documents import
those libraries when they run. A fresh interpreter is needed: this test process has
imported them already.
"""

from __future__ import annotations

import os
import subprocess
import sys

from core.tests.test_settings import ROOT

HEAVY = (
    "numpy",
    "scipy",
    "pandas",
    "narwhals",
    "matplotlib",
    "mpl_toolkits",
    "statsmodels",
    "sklearn",
    "pyreadstat",
    "openpyxl",
    "fpdf",
    "fontTools",
    "PIL",
    "docx",
    "reportlab",
)
LOADED = """
import sys
import django
django.setup()
import radcollab.urls, radcollab.api
heavy = {HEAVY!r}
print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}} & set(heavy))))
"""


def test_loading_the_urls_and_the_api_imports_no_scientific_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "radcollab.settings"}
    result = subprocess.run(
        [sys.executable, "-c", LOADED.format(HEAVY=HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.split()
    assert not loaded, (
        f"Loading radcollab.urls imports {', '.join(loaded)}; import them where they are used "
        "(see `python -X importtime`), not at the top of a module the URLconf loads."
    )
