"""Staff supplier pages: list, create and edit with credit code checks."""

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.audit.models import AuditEntry
from sunshine.funds import actions
from sunshine.funds.models import Supplier

pytestmark = pytest.mark.django_db

CREDIT_CODE = "91110000600037341L"


@pytest.fixture
def supplier(operator_a):
    return actions.create_supplier(operator_a, name="台州某建设有限公司", credit_code=CREDIT_CODE)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def supplier_data(**changes) -> dict:
    data = {"name": "台州另一建设有限公司", "credit_code": "", "legal_representative": "",
            "address": "", "phone": ""}
    data.update(changes)
    return data


def test_list_searches_by_name_and_code(operator_b, supplier):
    client = logged_in(operator_b)

    by_name = client.get(reverse("funds:supplier_list"), {"q": "建设"})
    by_code = client.get(reverse("funds:supplier_list"), {"q": CREDIT_CODE.lower()})
    other = client.get(reverse("funds:supplier_list"), {"q": "农业"})

    assert by_name.status_code == 200
    assert "台州某建设有限公司" in by_name.content.decode()
    assert "台州某建设有限公司" in by_code.content.decode()
    assert "台州某建设有限公司" not in other.content.decode()


def test_list_forbids_user_without_role(django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-Pass-9271")

    assert logged_in(user).get(reverse("funds:supplier_list")).status_code == 403


def test_list_rejects_post(operator_a):
    assert logged_in(operator_a).post(reverse("funds:supplier_list")).status_code == 405


def test_create_normalises_credit_code(operator_a):
    response = logged_in(operator_a).post(
        reverse("funds:supplier_create"),
        supplier_data(credit_code=" 9111 0000 6000 3734 1l ", phone="0576-88123456"),
    )

    supplier = Supplier.objects.get()
    assert response.status_code == 302
    assert supplier.credit_code == CREDIT_CODE
    assert AuditEntry.objects.filter(object_type="funds.supplier", action="create").exists()


def test_create_without_credit_code_stores_null(operator_a):
    logged_in(operator_a).post(reverse("funds:supplier_create"), supplier_data())
    logged_in(operator_a).post(reverse("funds:supplier_create"), supplier_data(name="第二家"))

    assert list(Supplier.objects.values_list("credit_code", flat=True)) == [None, None]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("credit_code", "91110000600037341X", "校验位不正确"),
    ("credit_code", "9111000060003734", "18 位"),
    ("credit_code", "91110000600037341I", "不允许"),
    ("phone", "电话号码", "不是有效的电话号码"),
    ("name", "", ""),
])
def test_create_rejects_bad_input(operator_a, field, value, message):
    response = logged_in(operator_a).post(reverse("funds:supplier_create"),
                                          supplier_data(**{field: value}))

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert value in errors
    assert not Supplier.objects.exists()


def test_create_rejects_duplicate_credit_code(operator_a, supplier):
    response = logged_in(operator_a).post(reverse("funds:supplier_create"),
                                          supplier_data(credit_code=CREDIT_CODE))

    assert response.status_code == 400
    assert "台州某建设有限公司" in response.context["form"].errors["credit_code"][0]


def test_create_forbidden_for_inspector(inspector_a):
    response = logged_in(inspector_a).post(reverse("funds:supplier_create"), supplier_data())

    assert response.status_code == 403
    assert not Supplier.objects.exists()


def test_create_rejects_put(operator_a):
    assert logged_in(operator_a).put(reverse("funds:supplier_create")).status_code == 405


def test_edit_saves(operator_b, supplier):
    response = logged_in(operator_b).post(
        reverse("funds:supplier_edit", args=[supplier.pk]),
        supplier_data(name="台州某建设有限公司", credit_code=CREDIT_CODE,
                      legal_representative="李四", version=supplier.version),
    )

    supplier.refresh_from_db()
    assert response.status_code == 302
    assert supplier.legal_representative == "李四"
    assert supplier.version == 2


def test_edit_may_keep_own_credit_code(operator_a, supplier):
    response = logged_in(operator_a).post(
        reverse("funds:supplier_edit", args=[supplier.pk]),
        supplier_data(name="改名", credit_code=CREDIT_CODE, version=supplier.version),
    )

    assert response.status_code == 302


def test_edit_conflict_keeps_input(operator_a, supplier):
    actions.update_supplier(operator_a, supplier, {"address": "椒江区某路 1 号"},
                            expected_version=1)

    response = logged_in(operator_a).post(
        reverse("funds:supplier_edit", args=[supplier.pk]),
        supplier_data(name="台州某建设有限公司", credit_code=CREDIT_CODE, address="我的地址",
                      version=1),
    )

    supplier.refresh_from_db()
    assert response.status_code == 409
    assert 'value="我的地址"' in response.content.decode()
    assert supplier.address == "椒江区某路 1 号"


def test_edit_forbidden_for_inspector(inspector_a, supplier):
    response = logged_in(inspector_a).get(reverse("funds:supplier_edit", args=[supplier.pk]))

    assert response.status_code == 403


def test_edit_of_missing_supplier_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("funds:supplier_edit", args=[999999])).status_code == 404


def test_edit_rejects_delete_method(operator_a, supplier):
    response = logged_in(operator_a).delete(reverse("funds:supplier_edit", args=[supplier.pk]))

    assert response.status_code == 405
