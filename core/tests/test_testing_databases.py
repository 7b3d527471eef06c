"""The test databases' own helpers (core/testing/databases.py): the flush after a
transactional test empties every table with DELETE on PostgreSQL, and leaves none behind."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def rows_left() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    left = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            (count,) = cursor.fetchone()
            if count:
                left[table] = count
    return left


def test_the_flush_after_a_transactional_test_leaves_every_table_empty(personas):
    assert User.objects.count() == len(personas.people)
    call_command(
        "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
    )
    assert rows_left() == {}
