"""The cached execution-rate figures that keep the rate page fast at the benchmark's size.

These tests run outside a transaction, because figures are never cached
inside one.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction

from sunshine.audit import chain
from sunshine.duties import rate_cache
from sunshine.duties.models import Task
from sunshine.duties.periods import year
from tests.conftest import region
from tests.duties_data import make_directive, make_task

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = datetime.date(2026, 12, 1)
PERIOD = year(2026)


@pytest.fixture
def tasks(unit_a, city_admin):
    cache.clear()
    directive = make_directive(None, unit_a)
    make_task(None, directive, "1", deadline=datetime.date(2026, 6, 30))
    return Task.objects.all()


def test_figures_are_reused_until_a_write(tasks, city_admin):
    jiaojiang = region("331002")
    first = rate_cache.figures(tasks, city_admin, jiaojiang, PERIOD, TODAY)
    # A raw update bypasses the audit chain, so it leaves the cached figures in place.
    Task.objects.update(completed_on=datetime.date(2026, 6, 1))
    second = rate_cache.figures(tasks, city_admin, jiaojiang, PERIOD, TODAY)
    with transaction.atomic():
        chain.append(None, "test", object_type="duties.task", changes={})
    third = rate_cache.figures(tasks, city_admin, jiaojiang, PERIOD, TODAY)

    assert (first.total.due, first.total.done_on_time) == (1, 0)
    assert second == first
    assert (third.total.due, third.total.done_on_time) == (1, 1)


def test_keys_differ_by_scope_region_and_period(tasks, city_admin, operator_a):
    jiaojiang, city = region("331002"), region("331000")
    keys = {
        rate_cache.cache_key(city_admin, jiaojiang, PERIOD, TODAY),
        rate_cache.cache_key(operator_a, jiaojiang, PERIOD, TODAY),
        rate_cache.cache_key(city_admin, city, PERIOD, TODAY),
        rate_cache.cache_key(city_admin, jiaojiang, year(2025), TODAY),
        rate_cache.cache_key(city_admin, jiaojiang, PERIOD, TODAY + datetime.timedelta(days=1)),
    }

    assert len(keys) == 5


def test_cached_figures_equal_computed_ones(tasks, city_admin):
    city = region("331000")
    cached = rate_cache.figures(tasks, city_admin, city, PERIOD, TODAY)

    assert rate_cache.figures(tasks, city_admin, city, PERIOD, TODAY) == cached
    assert rate_cache.compute(tasks, city, PERIOD, TODAY) == cached


def test_named_values_are_computed_once_per_generation(tasks, city_admin):
    jiaojiang = region("331002")
    calls = []

    def compute_value():
        calls.append(1)
        return len(calls)

    first = rate_cache.cached(city_admin, jiaojiang, PERIOD, TODAY, "ranked_units", compute_value)
    again = rate_cache.cached(city_admin, jiaojiang, PERIOD, TODAY, "ranked_units", compute_value)
    other = rate_cache.cached(city_admin, jiaojiang, PERIOD, TODAY, "other", compute_value)
    with transaction.atomic():
        chain.append(None, "test", object_type="duties.task", changes={})
    after_write = rate_cache.cached(city_admin, jiaojiang, PERIOD, TODAY, "ranked_units",
                                    compute_value)

    assert (first, again) == (1, 1)
    assert other == 2
    assert after_write == 3
