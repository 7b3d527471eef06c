#!/usr/bin/env python3
"""The two commands that set RadCollab up on a machine with nothing but Python 3.11+.

    python3 dev.py demo   install, migrate, load demo data, serve http://127.0.0.1:8000
    python3 dev.py test   install, run the whole test suite (extra arguments go to pytest)
    python3 dev.py lock   compile the lock files again from pyproject.toml (maintainers)

Both create `.venv/` beside this file on first use and install exactly the versions in
requirements-dev.lock, hashes checked; they reinstall only when that file or
pyproject.toml changes, so the second run starts at once. `lock` passes extra arguments
to uv, e.g. `--upgrade-package django` or `--upgrade` (README, "Updating dependencies").
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("RADCOLLAB_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".radcollab-installed"
# Every package the app needs (the container image installs this one) ...
LOCK = ROOT / "requirements.lock"
# ... and the same with the test, lint and lock tools (the two commands above and CI).
DEV_LOCK = ROOT / "requirements-dev.lock"


def ensure_environment() -> None:
    """Create the virtual environment and install the project with its test tools."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"RadCollab needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    digest = hashlib.sha256()
    for source in (ROOT / "pyproject.toml", DEV_LOCK):
        digest.update(source.read_bytes())
    wanted = digest.hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing RadCollab and its dependencies ...", flush=True)
    pip: list[os.PathLike[str] | str] = [PYTHON, "-m", "pip", "install", "--quiet"]
    # Exactly the locked versions (pip itself and the build backend included), each file
    # checked against its hash; a package missing from the lock stops the install. uv
    # (locked too) installs them: it fetches and unpacks in parallel and compiles on
    # every core. On a 2-core machine with empty caches the whole environment took 38 s
    # this way; pip alone took 105 s with its cache warm. pip does it alone where uv
    # cannot (no uv wheel for the platform, or only pip's configured mirror reachable).
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    installer: list[os.PathLike[str] | str] = [uv, "pip", "install", "--quiet", "--python", PYTHON]
    if not _installed_uv(pip) or not _succeeds(
        [*installer, "--compile-bytecode", "--require-hashes", "-r", DEV_LOCK]
    ):
        print("Installing with pip instead ...", flush=True)
        installer = pip
        run([*pip, "--require-hashes", "-r", DEV_LOCK])
    # The project itself, built by the locked setuptools: nothing else is fetched.
    run([*installer, "--no-deps", "--no-build-isolation", "-e", ROOT])
    STAMP.write_text(wanted)


def lock_entry(lock: str, name: str) -> str | None:
    """One package's entry in a lock file: its pin and the hashes of its files."""
    lines = lock.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith(f"{name}==")), None)
    if start is None:
        return None
    entry = [lines[start]]
    while entry[-1].endswith("\\") and start + len(entry) < len(lines):
        entry.append(lines[start + len(entry)])
    return "\n".join(entry) + "\n"


def _installed_uv(pip: list[os.PathLike[str] | str]) -> bool:
    """Install the locked uv with pip, its files checked against the dev lock's hashes."""
    entry = lock_entry(DEV_LOCK.read_text(), "uv")
    if entry is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        requirement = Path(folder) / "uv.txt"
        requirement.write_text(entry)
        return _succeeds([*pip, "--require-hashes", "-r", requirement])


def _call(command: list[os.PathLike[str] | str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(
        [str(part) for part in command], cwd=ROOT, env=env, check=False
    ).returncode


def _succeeds(command: list[os.PathLike[str] | str]) -> bool:
    return _call(command) == 0


def run(command: list[os.PathLike[str] | str], env: dict[str, str] | None = None) -> None:
    """`command`, or exit with its code if it fails."""
    code = _call(command, env)
    if code != 0:
        sys.exit(code)


def demo(args: list[str]) -> None:
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "true")}
    manage = [PYTHON, ROOT / "manage.py"]
    run([*manage, "migrate", "--no-input"], env)
    run([*manage, "seed_demo"], env)
    address = args[0] if args else "127.0.0.1:8000"
    print(f"\nRadCollab is starting at http://{address}/ (Ctrl+C stops it).", flush=True)
    # The database task worker runs beside the web server so that emails go out; no
    # task that fails stops it (core/worker.py).
    worker = subprocess.Popen(
        [str(PYTHON), str(ROOT / "manage.py"), "run_worker"], cwd=ROOT, env=env
    )
    try:
        run([*manage, "runserver", address], env)
    finally:
        worker.terminate()


def test(args: list[str]) -> None:
    # Python keeps compiled modules (and pytest its rewritten test modules) in
    # __pycache__: a machine that turns that off (PYTHONDONTWRITEBYTECODE) would compile
    # the whole project again in every worker of every run, 10 of the 22 seconds it takes
    # to collect the suite.
    unwanted = {"DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE"}
    env = {key: value for key, value in os.environ.items() if key not in unwanted}
    # Tests are handed to the workers one at a time as each finishes one: xdist's default
    # hands out chunks, and the last chunk (the browser tests, which pytest-django puts
    # last) kept one worker busy for five minutes while the other sat idle. One at a time
    # keeps the collection's order on each worker (tests that commit, last).
    completed = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-n", "auto", "--maxschedchunk", "1", *args],
        cwd=ROOT,
        env=env,
        check=False,
    )
    sys.exit(completed.returncode)


def lock(args: list[str]) -> None:
    """Resolve pyproject.toml again into the two lock files, with every file's hash.

    The dev lock is resolved first (the app, its extras for tests and CI, pip and the
    build backend); the app's lock is then the app's share of it, constrained to the same
    versions, so the image and the test runs never differ. One resolution for Python 3.11+
    on every platform (`--universal`), so the lock also installs on macOS and Windows.
    """
    import tomllib  # here: an older python3 must reach the version message in main()

    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    # pip and the build backend are locked too (given on standard input), so an install
    # fetches nothing unpinned.
    tools = "\n".join(["pip", *build]) + "\n"
    common = ["pip", "compile", "--quiet", "--universal", "--python-version", "3.11"]
    common += ["--generate-hashes", "--no-header", "--annotation-style", "line"]
    for target, extra in ((DEV_LOCK, ["--extra", "dev"]), (LOCK, ["--constraint", DEV_LOCK.name])):
        command = [uv, *common, *extra, *args, "pyproject.toml", "-", "-o", target.name]
        done = subprocess.run([str(part) for part in command], cwd=ROOT, input=tools, text=True)
        if done.returncode != 0:
            sys.exit(done.returncode)
    print(f"Wrote {LOCK.name} and {DEV_LOCK.name}; commit both with pyproject.toml.")


COMMANDS = {"demo": demo, "test": test, "lock": lock}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
