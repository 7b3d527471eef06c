"""Settings for bench_http.py: RadCollab's own settings plus one plain page to compare with.

Only the benchmark loads this module (gunicorn is started with `--pythonpath benchmarks`),
so the plain page never exists in a deployment.
"""

from __future__ import annotations

from radcollab.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
