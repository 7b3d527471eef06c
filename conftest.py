from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test.utils import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Tests hash passwords with MD5: PBKDF2 (or Argon2) costs a quarter of a second of CPU per
# sign-in, sign-up and password change, by design. The production hashers follow, so a
# hash they made still verifies. This must come before the factories are imported: they
# hash their shared password once, at import.
override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *django_settings.PASSWORD_HASHERS,
    ]
).enable()

from core.testing.personas import Personas  # noqa: E402

pytest_plugins = ["core.testing.browser", "core.testing.s3"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On PostgreSQL, tests do not wait for each commit to reach the disk
    (`synchronous_commit=off`: a crash may lose the last commits, never corrupt; a test
    database is thrown away anyway). Set for the test connections only."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options = settings_dict.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's test databases, except that under pytest-xdist the workers copy one
    database migrated once for the run instead of each migrating its own
    (core/testing/databases.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from core.testing import databases

    keepdb = django_db_keepdb and not django_db_createdb
    verbosity = request.config.option.verbose
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    databases.empty_tables_with_delete()
    with django_db_blocker.unblock():
        if not serialized_aliases and databases.can_share(
            keepdb=keepdb, migrations=django_db_use_migrations
        ):
            shared = tmp_path_factory.getbasetemp().parent
            old_config = databases.setup_from_template(shared, verbosity)
        else:
            if not django_db_use_migrations:
                _disable_migrations()
            old_config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,  # type: ignore[arg-type]  # a set, as pytest-django passes
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(old_config, verbosity=verbosity)


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas.build()


@pytest.fixture
def two_factor(personas: Personas) -> Personas:
    """The same personas with two-factor on, as every privileged action asks of them."""
    return personas.with_two_factor()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits live in the cache; one test's failed logins must not throttle the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploads (certificates, documents, exports) go to a scratch folder, never media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


# Hypothesis: no deadline per example and no "too slow" health check. A test's outcome
# must not depend on how busy the machine is (CI shares two cores with other work);
# speed is measured by the benchmarks, never asserted.
hypothesis_settings.register_profile(
    "radcollab", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("radcollab")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In the controlling process of a pytest-xdist run, drop the database template the
    workers copied (core/testing/databases.py).

    With RADCOLLAB_MATRIX_LEDGER=<file>, write the routes the access matrices reached
    (core.testing.matrix.LEDGER) to that file, for the completeness test (docs/access.md)."""
    import os

    if not os.environ.get("PYTEST_XDIST_WORKER") and session.config.pluginmanager.has_plugin(
        "dsession"
    ):
        from pytest_django.plugin import blocking_manager_key

        from core.testing.databases import drop_template

        with session.config.stash[blocking_manager_key].unblock():
            drop_template(session.config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]

    target = os.environ.get("RADCOLLAB_MATRIX_LEDGER")
    if target:
        from core.testing.ledger import write_ledger

        write_ledger(target, os.environ.get("PYTEST_XDIST_WORKER"))
