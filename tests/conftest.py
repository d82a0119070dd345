"""Shared fixtures: the Taizhou regions, once per test database, and the personas.

Personas and what they may see:
- ``operator_a``: operator of the 椒江区 government; all of 椒江区 (331002).
- ``operator_b``: operator of the 黄岩区 government; all of 黄岩区 (331003).
- ``township_operator``: operator of 海门街道 (331002001) in 椒江区; that township only.
- ``inspector_a``: discipline inspector of the 椒江区 commission; reads 椒江区, edits nothing.
- ``city_admin``: administrator of the city; everything.
- a citizen is the anonymous ``client``.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_started
from django.db import connection, connections
from django.utils import translation

from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Region, Role, Unit, UnitKind

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run there unless DJANGO_ALLOW_ASYNC_UNSAFE marks the thread as safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0)
    yield
    with django_db_blocker.unblock():
        end_other_sessions()


def end_other_sessions() -> None:
    """End connections that threads left open, so the test database can be dropped.

    With persistent connections (CONN_MAX_AGE), a connection opened by a
    thread a test started stays open after the thread ends, and PostgreSQL
    then refuses to drop the database it is using.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    connections.close_all()


@pytest.fixture(autouse=True)
def site_language():
    """Start every test in the site language.

    LocaleMiddleware activates the request's language in the thread and
    nothing deactivates it, so a test that requests an English page would
    otherwise leave English active for whichever test the worker runs next.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Reload the regions after a transactional test, whose teardown empties every table.

    This runs after all fixtures are torn down, so after pytest-django's
    flush. The in-process cache of versioned settings is dropped as well,
    because a flush deletes setting rows without sending signals.
    """
    yield
    if nextitem is None:
        return  # The session's fixtures, the test database among them, are gone.
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction")
    if not (transactional or "live_server" in getattr(item, "fixturenames", ())):
        return
    from pytest_django.plugin import blocking_manager_key

    from sunshine.petitions.workdays import overrides_changed
    from sunshine.rules.values import settings_changed

    with item.config.stash[blocking_manager_key].unblock():
        call_command("load_regions", verbosity=0)
        settings_changed()
        overrides_changed()


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.environ.get("SUNSHINE_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=f"browser tests need Debian's chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_staff(django_user_model, username: str, role: str, unit: Unit):
    user = django_user_model.objects.create_user(username=username, password="x-Pass-9271")
    Assignment.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def unit_a(db):
    return org_actions.create_unit(None, name="椒江区人民政府", kind=UnitKind.GOVERNMENT,
                                   region=region("331002"))


@pytest.fixture
def unit_b(db):
    return org_actions.create_unit(None, name="黄岩区人民政府", kind=UnitKind.GOVERNMENT,
                                   region=region("331003"))


@pytest.fixture
def township_unit(db, unit_a):
    return org_actions.create_unit(None, name="海门街道办事处", kind=UnitKind.GOVERNMENT,
                                   region=region("331002001"), parent=unit_a)


@pytest.fixture
def operator_a(django_user_model, unit_a):
    return make_staff(django_user_model, "operator_a", Role.OPERATOR, unit_a)


@pytest.fixture
def operator_b(django_user_model, unit_b):
    return make_staff(django_user_model, "operator_b", Role.OPERATOR, unit_b)


@pytest.fixture
def township_operator(django_user_model, township_unit):
    return make_staff(django_user_model, "township_operator", Role.OPERATOR, township_unit)


@pytest.fixture
def inspector_a(django_user_model):
    commission = org_actions.create_unit(None, name="椒江区纪委监委", kind=UnitKind.COMMISSION,
                                         region=region("331002"))
    return make_staff(django_user_model, "inspector_a", Role.INSPECTOR, commission)


@pytest.fixture
def city_admin(django_user_model):
    city_unit = org_actions.create_unit(None, name="台州市人民政府", kind=UnitKind.GOVERNMENT,
                                        region=region("331000"))
    return make_staff(django_user_model, "city_admin", Role.ADMINISTRATOR, city_unit)


@pytest.fixture(scope="module")
def restore_regions(django_db_blocker):
    """Reload the regions after a module of live-server tests, each of which empties every table.

    Modules that run a live server use it through ``pytest.mark.usefixtures``.
    The connection is closed afterwards, because PostgreSQL would otherwise
    still count it as a session on the test database when the run drops it.
    """
    yield
    with django_db_blocker.unblock():
        call_command("load_regions", verbosity=0)
        connections.close_all()


def skip_without_concurrent_writers() -> None:
    """Skip a test of simultaneous writes on the in-memory SQLite test database.

    That database shares its cache between threads, and a second writer then
    fails with "table is locked" at once instead of queueing as on a file.
    PostgreSQL runs these tests.
    """
    if connection.vendor == "sqlite":
        pytest.skip("two writing threads need PostgreSQL or an SQLite file")


@pytest.fixture
def outsider(request):
    """Return the fixture named by the test's indirect parameter, such as a user of another county."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def full_stack_calls():
    """Collect the requests that reach Django's request cycle, to tell which skipped it."""
    calls: list[object] = []

    def count(sender, **kwargs):
        calls.append(sender)

    request_started.connect(count)
    yield calls
    request_started.disconnect(count)
