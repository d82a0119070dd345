"""The staff petition list at /staff/petitions/ and its CSV export: scope, firewall, filters.

Personas (see tests/conftest.py): ``operator_a`` sees 椒江区's suggestions
and requests; ``operator_b`` those of 黄岩区; ``inspector_a`` also sees the
report routed to the 椒江区 commission; ``township_operator`` and
``township_leader`` belong to the accused township and must see no trace
of the report, in the list, the search, the export or the admin.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse

from sunshine.organisation.models import Role
from sunshine.petitions.models import Kind, State
from tests.conftest import make_staff
from tests.petition_web_data import NOW, SHANGHAI, make_categories, make_world

pytestmark = pytest.mark.django_db

LIST = reverse("petitions:staff_list")
EXPORT = reverse("petitions:staff_export")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    return time_machine


@pytest.fixture
def world(db, inspector_a, township_unit):
    return make_world(make_categories(), township_unit=township_unit)


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_staff(django_user_model, "township_leader", Role.LEADER, township_unit)


def listed(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(LIST, params)
    assert response.status_code == 200
    return response.content.decode()


def count(client, user, **params) -> int:
    client.force_login(user)
    return client.get(LIST, params).context["page"].paginator.count


def test_operator_sees_own_county_requests_only(client, world, operator_a):
    text = listed(client, operator_a)

    assert world["request"].tracking_code in text
    assert world["elsewhere"].tracking_code not in text
    assert world["report"].tracking_code not in text
    assert count(client, operator_a) == 1


def test_other_county_operator_sees_its_own(client, world, operator_b):
    text = listed(client, operator_b)

    assert world["elsewhere"].tracking_code in text
    assert world["request"].tracking_code not in text


def test_inspector_sees_the_report(client, world, inspector_a):
    text = listed(client, inspector_a)

    assert world["report"].tracking_code in text
    assert world["request"].tracking_code in text


@pytest.mark.parametrize("persona", ["township_operator", "township_leader"])
def test_accused_unit_never_sees_the_report(client, world, persona, request):
    user = request.getfixturevalue(persona)
    code = world["report"].tracking_code

    text = listed(client, user)
    searched = listed(client, user, q=code)
    exported = b"".join(client.get(EXPORT, {"q": code}).streaming_content).decode()

    assert world["request"].tracking_code in text
    assert code not in text
    # The search box repeats the typed code; no result row may link to the report.
    assert reverse("petitions:staff_detail", args=[world["report"].pk]) not in searched
    assert count(client, user, q=code) == 0
    assert code not in exported


def test_accused_unit_does_not_find_the_report_in_the_admin(client, world, township_operator):
    township_operator.is_staff = True
    township_operator.save()
    township_operator.user_permissions.add(Permission.objects.get(codename="view_petition"))
    client.force_login(township_operator)
    report = world["report"]

    listing = client.get(reverse("admin:petitions_petition_changelist"))
    change = client.get(reverse("admin:petitions_petition_change", args=[report.pk]))

    assert listing.status_code == 200
    assert report.tracking_code not in listing.content.decode()
    assert world["request"].tracking_code in listing.content.decode()
    assert change.status_code != 200
    assert report.tracking_code not in change.content.decode()


def test_it_filters_by_state_kind_and_region(client, world, inspector_a):
    by_kind = listed(client, inspector_a, kind=Kind.ACCUSATION)
    by_state = count(client, inspector_a, state=State.HANDLING)
    by_region = listed(client, inspector_a, region="331002001")

    assert world["report"].tracking_code in by_kind
    assert world["request"].tracking_code not in by_kind
    assert by_state == 0
    assert world["request"].tracking_code in by_region


def test_it_filters_overdue_and_due_soon(client, world, operator_a, frozen):
    frozen.move_to(datetime.datetime(2026, 3, 15, 10, tzinfo=SHANGHAI), tick=False)
    due_soon = listed(client, operator_a, due="due_soon")
    frozen.move_to(datetime.datetime(2026, 3, 18, 10, tzinfo=SHANGHAI), tick=False)
    overdue = listed(client, operator_a, due="overdue")
    on_time = listed(client, operator_a, due="due_soon")

    assert world["request"].tracking_code in due_soon
    assert world["request"].tracking_code in overdue
    assert "已超期" in overdue
    assert world["request"].tracking_code not in on_time


def test_it_rejects_an_unknown_region(client, world, operator_a):
    client.force_login(operator_a)

    response = client.get(LIST, {"region": "999999"})

    assert response.status_code == 400
    assert "999999" in response.content.decode()


def test_it_rejects_a_region_outside_the_scope(client, world, operator_a):
    client.force_login(operator_a)

    response = client.get(LIST, {"region": "331003"})

    assert response.status_code == 400


def test_it_sends_anonymous_users_to_the_login(client, world):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_users_without_a_role(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-Pass-9271"))

    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_it_rejects_post(client, world, operator_a):
    client.force_login(operator_a)

    assert client.post(LIST).status_code == 405
    assert client.post(EXPORT).status_code == 405


def test_export_has_chinese_headers_and_the_visible_rows(client, world, inspector_a):
    client.force_login(inspector_a)

    response = client.get(EXPORT)

    text = b"".join(response.streaming_content).decode("utf-8")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeff查询码,类型,类别")
    assert world["report"].tracking_code in text
    assert world["request"].tracking_code in text
    assert world["elsewhere"].tracking_code not in text
    assert "李四" not in text
    assert "13812345678" not in text


def test_export_rejects_an_invalid_filter(client, world, operator_a):
    client.force_login(operator_a)

    response = client.get(EXPORT, {"region": "999999"})

    assert response.status_code == 400
    assert "999999" in response.content.decode()
