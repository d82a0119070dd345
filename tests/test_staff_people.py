"""Staff pages for cadres: list, create, detail and the audited reveal of an ID number."""

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.audit.models import AuditEntry
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Person, Role

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "360426199101010071"


@pytest.fixture
def person_a(operator_a, unit_a):
    return org_actions.create_person(operator_a, name="张三", unit=unit_a, post="科员",
                                     phone="13812345678", id_number=ID_NUMBER)


@pytest.fixture
def person_b(operator_b, unit_b):
    return org_actions.create_person(operator_b, name="李四", unit=unit_b,
                                     id_number=OTHER_ID_NUMBER)


@pytest.fixture
def county_admin_a(django_user_model, unit_a):
    user = django_user_model.objects.create_user("county_admin_a", password="x-Pass-9271")
    Assignment.objects.create(user=user, role=Role.ADMINISTRATOR, unit=unit_a)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_data(unit, **changes) -> dict:
    data = {"name": "王五", "unit": unit.pk, "post": "", "phone": "", "id_number": ""}
    data.update(changes)
    return data


def test_list_shows_masked_numbers_in_scope(operator_a, person_a, person_b):
    response = logged_in(operator_a).get(reverse("funds:person_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "张三" in body
    assert "李四" not in body
    assert "110105********002X" in body
    assert ID_NUMBER not in body
    assert "13812345678" not in body


def test_list_searches_by_name(operator_a, person_a, unit_a):
    org_actions.create_person(operator_a, name="赵六", unit=unit_a)

    response = logged_in(operator_a).get(reverse("funds:person_list"), {"q": "赵"})

    assert [p.name for p in response.context["page"].object_list] == ["赵六"]


def test_list_rejects_post(operator_a):
    assert logged_in(operator_a).post(reverse("funds:person_list")).status_code == 405


def test_list_forbids_user_without_role(django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-Pass-9271")

    assert logged_in(user).get(reverse("funds:person_list")).status_code == 403


def test_create_validates_and_encrypts_id_number(operator_a, unit_a):
    response = logged_in(operator_a).post(
        reverse("funds:person_create"), person_data(unit_a, id_number="110105 19491231 002x"))

    person = Person.objects.get(name="王五")
    assert response.status_code == 302
    assert person.id_number_masked == "110105********002X"
    assert ID_NUMBER not in person.id_number_encrypted
    assert person.reveal_id_number() == ID_NUMBER


@pytest.mark.parametrize(("value", "message"), [
    ("11010519491231002Y", "校验位不正确"),
    ("1101051949123100AX", "应为 18 位"),
    ("110105194912310021", "校验位不正确"),
    ("110105194902300023", "出生日期不存在"),
    ("1101051949123100", "应为 18 位"),
])
def test_create_rejects_invalid_id_number(operator_a, unit_a, value, message):
    response = logged_in(operator_a).post(reverse("funds:person_create"),
                                          person_data(unit_a, id_number=value))

    assert response.status_code == 400
    error = response.context["form"].errors["id_number"][0]
    assert message in error
    assert value in error
    assert not Person.objects.exists()


def test_create_rejects_duplicate_id_number(operator_a, unit_a, person_a):
    response = logged_in(operator_a).post(reverse("funds:person_create"),
                                          person_data(unit_a, id_number=ID_NUMBER))

    assert response.status_code == 400
    assert "已登记" in response.context["form"].errors["id_number"][0]


def test_create_rejects_unit_of_other_county(operator_a, unit_b):
    response = logged_in(operator_a).post(reverse("funds:person_create"), person_data(unit_b))

    assert response.status_code == 400
    assert "超出" in response.context["form"].errors["unit"][0]


def test_create_forbidden_for_inspector(inspector_a, unit_a):
    response = logged_in(inspector_a).post(reverse("funds:person_create"), person_data(unit_a))

    assert response.status_code == 403


def test_create_rejects_put(operator_a):
    assert logged_in(operator_a).put(reverse("funds:person_create")).status_code == 405


def test_detail_offers_reveal_to_administrator_only(operator_a, county_admin_a, person_a):
    url = reverse("funds:person_reveal", args=[person_a.pk])

    as_operator = logged_in(operator_a).get(reverse("funds:person_detail", args=[person_a.pk]))
    as_admin = logged_in(county_admin_a).get(reverse("funds:person_detail", args=[person_a.pk]))

    assert as_operator.status_code == 200
    assert url not in as_operator.content.decode()
    assert url in as_admin.content.decode()


def test_detail_of_other_county_is_not_found(operator_b, person_a):
    response = logged_in(operator_b).get(reverse("funds:person_detail", args=[person_a.pk]))

    assert response.status_code == 404


def test_detail_of_missing_person_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("funds:person_detail", args=[999999])).status_code == 404


def test_reveal_shows_number_and_audits(county_admin_a, person_a):
    response = logged_in(county_admin_a).post(reverse("funds:person_reveal", args=[person_a.pk]))

    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="view_personal", object_type="organisation.person",
                                     object_id=str(person_a.pk),
                                     actor_id=county_admin_a.pk).count() == 1


def test_reveal_by_city_admin(city_admin, person_b):
    response = logged_in(city_admin).post(reverse("funds:person_reveal", args=[person_b.pk]))

    assert OTHER_ID_NUMBER in response.content.decode()


def test_reveal_forbidden_for_operator(operator_a, person_a):
    response = logged_in(operator_a).post(reverse("funds:person_reveal", args=[person_a.pk]))

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="view_personal").exists()


def test_reveal_forbidden_for_administrator_acting_in_other_county(county_admin_a, unit_b,
                                                                   person_b):
    Assignment.objects.create(user=county_admin_a, role=Role.OPERATOR, unit=unit_b)

    response = logged_in(county_admin_a).post(reverse("funds:person_reveal", args=[person_b.pk]))

    assert response.status_code == 403


def test_reveal_of_other_county_is_not_found(operator_b, person_a):
    response = logged_in(operator_b).post(reverse("funds:person_reveal", args=[person_a.pk]))

    assert response.status_code == 404


def test_reveal_of_missing_person_is_404(county_admin_a):
    response = logged_in(county_admin_a).post(reverse("funds:person_reveal", args=[999999]))

    assert response.status_code == 404


def test_reveal_rejects_get(county_admin_a, person_a):
    response = logged_in(county_admin_a).get(reverse("funds:person_reveal", args=[person_a.pk]))

    assert response.status_code == 405
    assert not AuditEntry.objects.filter(action="view_personal").exists()
