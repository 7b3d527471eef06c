#!/usr/bin/env python3
"""The two commands that set RadCollab up on a machine with nothing but Python 3.11+.

    python3 dev.py demo   install, migrate, load demo data, serve http://127.0.0.1:8000
    python3 dev.py test   install, run the whole test suite (extra arguments go to pytest)

Both create `.venv/` beside this file on first use and reinstall only when
pyproject.toml changes, so the second run starts at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("RADCOLLAB_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".radcollab-installed"


def ensure_environment() -> None:
    """Create the virtual environment and install the project with its test tools."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"RadCollab needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing RadCollab and its dependencies ...", flush=True)
    run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"])
    STAMP.write_text(wanted)


def run(command: list[os.PathLike[str] | str], env: dict[str, str] | None = None) -> None:
    completed = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


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
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    completed = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-n", "auto", *args], cwd=ROOT, env=env, check=False
    )
    sys.exit(completed.returncode)


COMMANDS = {"demo": demo, "test": test}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
