"""The container image, the compose stack and the lock files keep their promises.

No Docker engine runs where the tests run, so these read the Dockerfile, compose.yaml,
the Caddyfile and the locks as text and check what each must hold: a non-root image built
from the same lock that dev.py installs, every variable the settings need set for the
app's services (and the settings really load with them), the health paths resolvable.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import override_settings
from django.urls import resolve

from deploy import healthcheck

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web-a", "web-b", "worker", "storage-setup")
# Read by gunicorn, not by the settings.
NOT_SETTINGS = {"WEB_CONCURRENCY"}


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "compose.yaml").read_text()))


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, from `env`."""

    def one(match: re.Match[str]) -> str:
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {rest}")
        return rest or ""

    return re.sub(r"\$\{([A-Z_0-9]+)(?:(:[-?])([^}]*))?\}", one, value)


def settings_names() -> set[str]:
    """Every environment variable radcollab/settings.py reads (its env_* calls)."""
    import ast

    tree = ast.parse((ROOT / "radcollab" / "settings.py").read_text())
    return {
        str(node.args[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("env_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


SECRETS = {
    "SECRET_KEY": "x" * 60,
    "POSTGRES_PASSWORD": "pg-secret",
    "MINIO_ROOT_PASSWORD": "minio-secret",
    "MINIO_KMS_SECRET_KEY": "radcollab:" + "A" * 43 + "=",
}


def test_the_image_is_slim_python_311_and_runs_as_a_user_without_privileges():
    steps = instructions()
    base = [rest for word, rest in steps if word == "FROM"]
    assert base
    assert all(re.match(r"python:3\.11-slim", b) for b in base), base
    users = [(i, rest) for i, (word, rest) in enumerate(steps) if word == "USER"]
    assert users, "no USER: the image would run as root"
    last, user = users[-1]
    assert user.split(":")[0] not in ("root", "0"), user
    # Nothing runs as root after the switch, and nothing switches back.
    assert all(word != "RUN" for word, _ in steps[last:])


def test_the_image_installs_exactly_the_lock_with_hashes_and_collects_static_files():
    runs = " ".join(rest for word, rest in instructions() if word == "RUN")
    copies = [rest for word, rest in instructions() if word == "COPY"]
    assert any(c.startswith("requirements.lock ") for c in copies), copies
    assert "pip install --require-hashes -r /tmp/requirements.lock" in runs
    assert "manage.py collectstatic --no-input" in runs
    # No other pip install could bring in an unlocked version.
    assert runs.count("pip install") == 1


def test_the_image_serves_with_gunicorn_and_its_healthcheck_asks_a_real_path():
    steps = dict(instructions())
    assert json.loads(steps["CMD"])[:2] == ["gunicorn", "radcollab.wsgi"]
    check = steps["HEALTHCHECK"]
    script = re.search(r"deploy/healthcheck\.py", check)
    assert script
    assert (ROOT / "deploy" / "healthcheck.py").exists()
    assert "/healthz" in (ROOT / "deploy" / "healthcheck.py").read_text()
    assert resolve("/healthz").url_name == "healthz"
    assert resolve("/readyz").url_name == "readyz"


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("radcollab.example.org,localhost", "radcollab.example.org"),
        (".example.org", "example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_healthcheck_asks_with_a_host_name_django_accepts(monkeypatch, allowed, host):
    monkeypatch.setenv("ALLOWED_HOSTS", allowed)
    assert healthcheck.host() == host


@pytest.mark.django_db
def test_the_health_probes_answer_over_plain_http_while_pages_redirect_to_https(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/accounts/login/").status_code == 301


def test_the_image_leaves_out_history_secrets_local_data_and_tests_but_not_the_app():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".env", "/media", "/db.sqlite3*", "**/tests"} <= ignored
    for needed in ("requirements.lock", "manage.py", "deploy", "radcollab", "core", "capture"):
        assert needed not in ignored
        assert f"/{needed}" not in ignored


def test_compose_runs_two_web_nodes_a_worker_and_every_service_they_need():
    services = compose()["services"]
    assert {"db", "redis", "minio", "proxy", "worker", "web-a", "web-b"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "minio" in services["minio"]["image"]
    assert services["proxy"]["image"].startswith("caddy:")
    worker = services["worker"]["command"]
    assert worker[1:3] == ["manage.py", "rqworker"]
    assert "django_tasks_rq.Job" in worker
    for name in ("web-a", "web-b"):
        # The image's own command (gunicorn) and HEALTHCHECK.
        assert "command" not in services[name]
        assert "healthcheck" not in services[name]
        after = services[name]["depends_on"]
        assert after["migrate"]["condition"] == "service_completed_successfully"
        assert after["storage-setup"]["condition"] == "service_completed_successfully"


def test_the_proxy_sends_traffic_to_every_web_node_only_while_it_is_ready():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams is not None
    assert set(upstreams.group(1).split()) == {"web-a:8000", "web-b:8000"}
    assert "health_uri /readyz" in caddyfile
    volume = compose()["services"]["proxy"]["volumes"][0]
    assert volume.startswith("./deploy/Caddyfile:")


def test_every_variable_compose_gives_the_app_is_one_the_settings_read():
    known = settings_names() | NOT_SETTINGS
    services = compose()["services"]
    for name in APP_SERVICES:
        unknown = set(services[name]["environment"]) - known
        assert not unknown, f"{name}: {unknown}"


def test_docs_deployment_names_every_variable_the_settings_read():
    text = (ROOT / "docs" / "deployment.md").read_text()
    missing = {name for name in settings_names() if f"`{name}`" not in text}
    assert not missing, f"docs/deployment.md does not name {sorted(missing)}"


def test_compose_refuses_to_start_without_its_secrets():
    environment = compose()["services"]["web-a"]["environment"]
    for secret in ("SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"):
        given = {k: v for k, v in SECRETS.items() if k != secret}
        with pytest.raises(KeyError, match=secret):
            {k: interpolate(str(v), given) for k, v in environment.items()}


def test_the_settings_load_with_compose_environment_as_a_multi_node_deployment():
    """The web node's environment, interpolated as compose would, in a fresh interpreter."""
    environment = compose()["services"]["web-a"]["environment"]
    env = {k: interpolate(str(v), SECRETS) for k, v in environment.items()}
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'db': s.DATABASES['default']['ENGINE'], "
        "'storage': s.STORAGES['default']['BACKEND'], 'tasks': s.TASKS['default']['BACKEND'], "
        "'proxy': s.SECURE_PROXY_SSL_HEADER, 'hosts': s.ALLOWED_HOSTS, "
        "'redirect': s.SECURE_SSL_REDIRECT}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "radcollab.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {
        "debug": False,
        "db": "django.db.backends.postgresql",
        "storage": "storages.backends.s3.S3Storage",
        "tasks": "django_tasks_rq.RQBackend",
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
        "hosts": ["localhost"],
        "redirect": True,
    }


def locked(name: str) -> dict[str, set[str]]:
    """package -> versions in a lock file (a universal lock may hold two, by marker)."""
    found: dict[str, set[str]] = {}
    text = (ROOT / name).read_text()
    for match in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", text, re.M):
        found.setdefault(normal(match.group(1)), set()).add(match.group(2))
    return found


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    out = {}
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        out[normal(re.sub(r"\[.*\]", "", name))] = version
    return out


def test_the_locks_hold_every_pin_of_pyproject_and_a_hash_for_every_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    for name, version in pins(project["dependencies"]).items():
        assert runtime.get(name) == {version}, name
        assert dev.get(name) == {version}, name
    for name, version in pins(project["optional-dependencies"]["dev"]).items():
        assert dev.get(name) == {version}, name
    # The image and the test runs never differ: the app's lock is a share of the dev lock.
    for name, versions in runtime.items():
        assert versions <= dev.get(name, set()), name
    for lock in ("requirements.lock", "requirements-dev.lock"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().strip())
        assert all("--hash=sha256:" in block for block in blocks), lock


def test_statsmodels_is_for_tests_and_benchmarks_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "statsmodels" not in pins(project["dependencies"])
    assert "statsmodels" not in locked("requirements.lock")
    assert "statsmodels" in pins(project["optional-dependencies"]["dev"])


def test_dev_py_bootstraps_the_locked_uv_with_its_hashes_and_nothing_else():
    import dev

    entry = dev.lock_entry((ROOT / "requirements-dev.lock").read_text(), "uv")
    assert entry is not None
    pin, *hashes = [line.strip(" \\") for line in entry.splitlines()]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert pin == next(p for p in project["optional-dependencies"]["dev"] if p.startswith("uv=="))
    assert hashes
    assert all(line.startswith("--hash=sha256:") for line in hashes)
    assert dev.lock_entry("uvicorn==1.0 \\\n    --hash=sha256:ab\n", "uv") is None
    # The last entry of a file ends the entry, with or without a trailing backslash.
    assert dev.lock_entry("uv==1.0 \\\n    --hash=sha256:ab", "uv") == (
        "uv==1.0 \\\n    --hash=sha256:ab\n"
    )
