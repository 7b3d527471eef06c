"""Browser fixtures: Playwright driving Debian's Chromium, headless.

Tests marked `browser` skip with a reason when no Chromium is installed, unless
RADCOLLAB_REQUIRE_BROWSER=1 (as `.ci/run` sets), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
    # A new frame host for every page opened (Chromium's RenderDocument) costs 12 ms of
    # CPU per navigation here (a fifth of an empty page's): the tests open thousands.
    "--disable-features=RenderDocument",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# axe-core's findings that count: those it rates serious or critical.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id} (${v.help}): ` +
         v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def with_axe(context: Any) -> Any:
    """`context` with axe-core added to every page it opens (`axe_findings` runs it)."""
    context.add_init_script(path=str(AXE))
    return context


def axe_findings(page: Any) -> list[str]:
    """axe-core's serious and critical findings on a page of a context `with_axe`."""
    findings: list[str] = page.evaluate(RUN_AXE)
    return findings


def chromium_path() -> str | None:
    configured = os.environ.get("RADCOLLAB_CHROMIUM")
    for candidate in (configured, *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        reason = "no Chromium at /usr/bin/chromium (apt-get install chromium to run browser tests)"
        if os.environ.get("RADCOLLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls that the
    # tests make around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request: pytest.FixtureRequest) -> Iterator[None]:
    """Close every context a browser test opened, so no request outlives its test.

    A context left open keeps Chromium's keep-alive connections to the live server. At
    the end of the session the live server stops first and gives back the SQLite
    in-memory connection it shared with its request threads; when the browser then
    closes those sockets, each thread closes a connection it no longer may use, and
    pytest reports it as an unhandled thread exception (22 of them in one CI run).
    """
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


@pytest.fixture(autouse=True)
def _site_url_is_the_live_server(request: pytest.FixtureRequest) -> None:
    """Emails link to SITE_URL (core.email): in a test with a live server, that is it, so
    that a browser can follow a link from the outbox as a person would."""
    if "live_server" in request.fixturenames:
        settings = request.getfixturevalue("settings")
        settings.SITE_URL = request.getfixturevalue("live_server").url


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
