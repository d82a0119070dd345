"""Planner statistics refreshed inside a transaction that has just written many rows."""

import datetime

import pytest
from django.db import connection

from sunshine.lib.planner_statistics import refresh_planner_statistics
from sunshine.rules.models import Setting

pytestmark = pytest.mark.django_db


def estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_refresh_counts_uncommitted_rows():
    table = Setting._meta.db_table
    first = datetime.date(2020, 1, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - a model's table name
    Setting.objects.bulk_create(
        Setting(key="test.value", value=n, effective_from=first + datetime.timedelta(days=n))
        for n in range(500))

    refresh_planner_statistics()

    assert Setting.objects.count() == 500
    if connection.vendor == "postgresql":
        assert estimated_rows(table) >= 500
