"""The test databases' own helpers (core/testing/databases.py): emptying the tables after
a transactional test names only the tables that hold rows, and still empties them all."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from core.testing.databases import holding_rows
from network.models import Membership, Site

pytestmark = pytest.mark.django_db(transaction=True)


def tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def test_only_the_tables_that_hold_rows_are_named(personas):
    holding = holding_rows(connection.ops, tables())
    for model in (User, Site, Membership):
        assert model._meta.db_table in holding
    assert "projects_project" not in holding
    assert all(holding_rows(connection.ops, [table]) == [table] for table in holding)
    assert holding_rows(connection.ops, []) == []


def test_the_flush_after_a_transactional_test_leaves_every_table_empty(personas):
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert holding_rows(connection.ops, tables()) == []
    assert not User.objects.exists()
