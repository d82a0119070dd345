"""The Django admin stays inside each user's scope and audits every write.

operator_a and operator_b get ``is_staff`` and the model permissions they
need here; their scope still comes from their role assignments.
"""

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.models import Supplier
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Person, Region, Role, Unit
from sunshine.organisation.tokens import issue_token
from sunshine.rules.models import Setting
from tests.conftest import region

pytestmark = pytest.mark.django_db

PERMISSIONS = [
    "view_project", "change_project", "delete_project", "view_auditentry", "change_auditentry",
    "delete_auditentry", "view_region", "change_region", "view_unit", "add_unit", "change_unit",
    "delete_unit", "view_person", "add_person", "change_person", "view_assignment",
    "add_assignment", "view_apitoken", "delete_apitoken", "view_supplier", "add_supplier",
    "change_supplier", "view_setting", "add_setting", "view_user", "change_user",
]
CREDIT_CODE = "91110000600037341L"


def make_admin_user(user):
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=PERMISSIONS))
    return user


@pytest.fixture
def staff_a(operator_a):
    return make_admin_user(operator_a)


@pytest.fixture
def staff_b(operator_b):
    return make_admin_user(operator_b)


@pytest.fixture
def staff_township(township_operator):
    return make_admin_user(township_operator)


@pytest.fixture
def project_a(operator_a, unit_a):
    return actions.create_project(operator_a, code="JJ-2024-001", name="海门街道道路改造",
                                  region=region("331002001"), owner_unit=unit_a)


@pytest.fixture
def county_project_a(operator_a, unit_a):
    return actions.create_project(operator_a, code="JJ-2024-900", name="椒江区防洪堤加固",
                                  region=region("331002"), owner_unit=unit_a)


@pytest.fixture
def project_b(operator_b, unit_b):
    return actions.create_project(operator_b, code="HY-2024-001", name="东城街道污水管网",
                                  region=region("331003001"), owner_unit=unit_b)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def changelist_codes(user, model: str = "funds_project") -> set[str]:
    response = logged_in(user).get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


# who reaches the admin


def test_admin_requires_staff_flag(operator_a):
    response = logged_in(operator_a).get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_index_is_chinese(staff_a):
    response = logged_in(staff_a).get(reverse("admin:index"))

    assert response.status_code == 200
    assert "站点管理" in response.content.decode()


def test_staff_flag_without_role_sees_nothing(django_user_model, project_a):
    user = make_admin_user(django_user_model.objects.create_user("flag_only", password="x"))

    response = logged_in(user).get(reverse("admin:funds_project_changelist"))

    assert response.status_code == 403


# projects


def test_project_changelist_is_scoped(staff_a, staff_b, project_a, project_b):
    assert changelist_codes(staff_a) == {str(project_a)}
    assert changelist_codes(staff_b) == {str(project_b)}


def test_project_changelist_for_township(staff_township, project_a, county_project_a):
    assert changelist_codes(staff_township) == {str(project_a)}


def test_project_of_other_county_by_id_is_unreachable(staff_b, project_a):
    client = logged_in(staff_b)

    change = client.get(reverse("admin:funds_project_change", args=[project_a.pk]))
    history = client.get(reverse("admin:funds_project_history", args=[project_a.pk]))

    assert change.status_code == 302
    assert history.status_code == 302
    assert change["Location"] == reverse("admin:index")
    assert project_a.name not in client.get(change["Location"]).content.decode()


def test_project_is_read_only_even_with_change_permission(staff_a, project_a):
    client = logged_in(staff_a)

    view = client.get(reverse("admin:funds_project_change", args=[project_a.pk]))
    post = client.post(reverse("admin:funds_project_change", args=[project_a.pk]),
                       {"name": "改名"})
    delete = client.post(reverse("admin:funds_project_delete", args=[project_a.pk]),
                         {"post": "yes"})

    project_a.refresh_from_db()
    assert view.status_code == 200
    assert post.status_code == 403
    assert delete.status_code == 403
    assert project_a.name == "海门街道道路改造"


def test_project_search_stays_in_scope(staff_b, project_a):
    response = logged_in(staff_b).get(reverse("admin:funds_project_changelist"), {"q": "海门"})

    assert list(response.context["cl"].result_list) == []


# autocomplete


def autocomplete(user, model: str, field: str, term: str) -> list[str]:
    response = logged_in(user).get(reverse("admin:autocomplete"), {
        "app_label": "organisation", "model_name": model, "field_name": field, "term": term,
    })
    assert response.status_code == 200
    return [item["text"] for item in json.loads(response.content)["results"]]


def test_autocomplete_of_units_is_scoped(staff_a, staff_b, unit_a, unit_b):
    assert autocomplete(staff_a, "person", "unit", "人民政府") == ["椒江区人民政府"]
    assert autocomplete(staff_b, "person", "unit", "椒江") == []


def test_autocomplete_of_regions_is_scoped(staff_b):
    assert autocomplete(staff_b, "unit", "region", "海门") == []
    assert "东城街道" in autocomplete(staff_b, "unit", "region", "东城")


# audit entries


def test_audit_entries_are_scoped(staff_a, staff_b, project_a, project_b):
    def entries(user):
        response = logged_in(user).get(reverse("admin:audit_auditentry_changelist"),
                                       {"object_type": "funds.project"})
        return {e.object_id for e in response.context["cl"].result_list}

    assert entries(staff_a) == {str(project_a.pk)}
    assert entries(staff_b) == {str(project_b.pk)}


def test_audit_entry_of_other_county_is_unreachable(staff_b, project_a):
    entry = AuditEntry.objects.get(object_type="funds.project", object_id=str(project_a.pk))

    response = logged_in(staff_b).get(reverse("admin:audit_auditentry_change", args=[entry.pk]))

    assert response.status_code == 302


def test_audit_entries_are_read_only_for_superuser(django_user_model, project_a):
    root = django_user_model.objects.create_superuser("root", password="x-Pass-9271")
    entry = AuditEntry.objects.first()
    client = logged_in(root)

    view = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    change = client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]),
                         {"action": "forged"})
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]),
                         {"post": "yes"})
    add = client.get(reverse("admin:audit_auditentry_add"))
    changelist = client.get(reverse("admin:audit_auditentry_changelist"))

    assert view.status_code == 200
    assert change.status_code == 403
    assert delete.status_code == 403
    assert add.status_code == 403
    assert "delete_selected" not in changelist.content.decode()
    assert verify() == []


# units, regions and people


def test_unit_add_is_audited_and_confined_to_scope(staff_a, unit_a):
    client = logged_in(staff_a)

    inside = client.post(reverse("admin:organisation_unit_add"), {
        "name": "椒江区农业农村局", "kind": "department", "region": "331002", "parent": unit_a.pk,
    })
    outside = client.post(reverse("admin:organisation_unit_add"), {
        "name": "黄岩区农业农村局", "kind": "department", "region": "331003",
    })

    unit = Unit.objects.get(name="椒江区农业农村局")
    assert inside.status_code == 302
    assert unit.path == f"{unit_a.pk}/{unit.pk}/"
    assert AuditEntry.objects.filter(object_type="organisation.unit", object_id=str(unit.pk),
                                     actor_id=staff_a.pk).exists()
    assert outside.status_code == 200
    assert "region" in outside.context["adminform"].form.errors
    assert not Unit.objects.filter(name="黄岩区农业农村局").exists()


def test_unit_change_and_delete_are_audited(staff_a):
    unit = org_actions.create_unit(None, name="椒江区临时工作组", kind="other",
                                   region=region("331002"))
    client = logged_in(staff_a)

    client.post(reverse("admin:organisation_unit_change", args=[unit.pk]),
                {"name": "椒江区专项工作组", "kind": "other"})
    client.post(reverse("admin:organisation_unit_delete", args=[unit.pk]), {"post": "yes"})

    logged = list(AuditEntry.objects.filter(object_type="organisation.unit",
                                            object_id=str(unit.pk)).values_list("action", "changes"))
    assert ("update", {"name": "椒江区专项工作组"}) in logged
    assert "delete" in [action for action, _ in logged]
    assert not Unit.objects.filter(pk=unit.pk).exists()


def test_unit_of_other_county_cannot_be_changed(staff_b, unit_a):
    response = logged_in(staff_b).post(reverse("admin:organisation_unit_change", args=[unit_a.pk]),
                                       {"name": "改名", "kind": "government"})

    unit_a.refresh_from_db()
    assert response.status_code == 302
    assert unit_a.name == "椒江区人民政府"


def test_region_of_other_county_cannot_be_changed(staff_a):
    response = logged_in(staff_a).post(
        reverse("admin:organisation_region_change", args=["331003001"]), {"name": "改名"})

    assert response.status_code == 302
    assert Region.objects.get(code="331003001").name == "东城街道"


def test_region_change_is_audited(staff_a):
    response = logged_in(staff_a).post(
        reverse("admin:organisation_region_change", args=["331002001"]),
        {"name": "海门街道", "is_statutory": "on", "effective_from": "2001-01-01",
         "effective_to": "", "former_codes": "[]"},
    )

    assert response.status_code == 302
    assert AuditEntry.objects.filter(object_type="organisation.region", object_id="331002001",
                                     action="update").exists()


def test_person_add_validates_id_number(staff_a, unit_a):
    client = logged_in(staff_a)

    bad = client.post(reverse("admin:organisation_person_add"),
                      {"name": "张三", "unit": unit_a.pk, "id_number": "110105194912310021"})
    good = client.post(reverse("admin:organisation_person_add"),
                       {"name": "张三", "unit": unit_a.pk, "id_number": "11010519491231002x"})

    assert bad.status_code == 200
    assert "校验位不正确" in bad.content.decode()
    assert good.status_code == 302
    person = Person.objects.get()
    assert person.id_number_masked == "110105********002X"
    entry = AuditEntry.objects.get(object_type="organisation.person", action="create")
    assert "11010519491231002X" not in json.dumps(entry.changes)


def test_person_list_of_other_county_is_hidden(staff_b, unit_a):
    org_actions.create_person(None, name="张三", unit=unit_a)

    assert changelist_codes(staff_b, "organisation_person") == set()


def test_assignment_cannot_target_unit_outside_scope(staff_a, django_user_model, unit_b):
    newcomer = django_user_model.objects.create_user("newcomer", password="x-Pass-9271")

    response = logged_in(staff_a).post(reverse("admin:organisation_assignment_add"), {
        "user": newcomer.pk, "role": Role.ADMINISTRATOR, "unit": unit_b.pk,
    })

    assert response.status_code == 200
    assert not Assignment.objects.filter(user=newcomer).exists()


def test_api_tokens_are_scoped(staff_a, staff_b, operator_a):
    issue_token(None, operator_a)

    assert len(changelist_codes(staff_a, "organisation_apitoken")) == 1
    assert changelist_codes(staff_b, "organisation_apitoken") == set()


def test_users_are_managed_by_whole_city_only(staff_a, city_admin):
    make_admin_user(city_admin)

    county = logged_in(staff_a).get(reverse("admin:auth_user_changelist"))
    city = logged_in(city_admin).get(reverse("admin:auth_user_changelist"))

    assert county.status_code == 403
    assert city.status_code == 200


# suppliers


def test_supplier_edit_is_audited_and_version_checked(staff_a, staff_b, operator_a):
    supplier = actions.create_supplier(operator_a, name="台州某建设有限公司",
                                       credit_code=CREDIT_CODE)
    url = reverse("admin:funds_supplier_change", args=[supplier.pk])
    data = {"name": "台州某建设有限公司", "credit_code": CREDIT_CODE, "scheme": "",
            "identifier": "", "legal_representative": "李四", "address": "", "phone": "",
            "country": "", "expected_version": 1}

    first = logged_in(staff_a).post(url, data)
    second = logged_in(staff_b).post(url, {**data, "legal_representative": "王五"})

    supplier.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert "已被他人修改" in second.content.decode()
    assert supplier.legal_representative == "李四"
    assert supplier.version == 2
    assert verify() == []


def test_supplier_add_rejects_invalid_credit_code(staff_a):
    response = logged_in(staff_a).post(reverse("admin:funds_supplier_add"), {
        "name": "某公司", "credit_code": "91110000600037341X", "scheme": "", "identifier": "",
        "legal_representative": "", "address": "", "phone": "", "country": "",
    })

    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert not Supplier.objects.exists()


# versioned settings


def setting_data(**changes) -> dict:
    data = {"key": "assets.disclosure_days", "county": "331002", "value": "4",
            "effective_from": timezone.localdate().isoformat(), "source": "椒江区文件"}
    data.update(changes)
    return data


def test_setting_added_for_own_county(staff_a):
    response = logged_in(staff_a).post(reverse("admin:rules_setting_add"), setting_data())

    setting = Setting.objects.get()
    assert response.status_code == 302
    assert setting.value == 4
    assert setting.created_by == staff_a
    assert AuditEntry.objects.filter(object_type="rules.setting", action="create").exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"county": ""}, "county", "只有市级管理员"),
    ({"county": "331003"}, "county", ""),
    ({"value": "\"七\""}, "value", "不是数字"),
    ({"value": "7.5"}, "value", "不是整数"),
])
def test_setting_add_rejects(staff_a, changes, field, message):
    response = logged_in(staff_a).post(reverse("admin:rules_setting_add"),
                                       setting_data(**changes))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not Setting.objects.exists()


def test_setting_list_shows_own_and_all_county_versions(staff_a, staff_b):
    Setting.objects.create(key="assets.disclosure_days", value=5,
                           effective_from=datetime.date(2024, 1, 1))
    Setting.objects.create(key="assets.disclosure_days", county=region("331003"), value=3,
                           effective_from=datetime.date(2024, 1, 1))

    seen_by_a = changelist_codes(staff_a, "rules_setting")
    seen_by_b = changelist_codes(staff_b, "rules_setting")

    assert seen_by_a == {"assets.disclosure_days = 5 (2024-01-01)"}
    assert seen_by_b == {"assets.disclosure_days = 5 (2024-01-01)",
                         "assets.disclosure_days = 3 (2024-01-01)"}


def test_setting_versions_are_not_edited_in_place(staff_a):
    setting = Setting.objects.create(key="assets.disclosure_days", county=region("331002"),
                                     value=5, effective_from=datetime.date(2024, 1, 1))

    response = logged_in(staff_a).post(reverse("admin:rules_setting_change", args=[setting.pk]),
                                       setting_data(value="1"))

    setting.refresh_from_db()
    assert response.status_code == 403
    assert setting.value == 5


# every page renders


@pytest.mark.parametrize("model", [
    "organisation_region", "organisation_unit", "organisation_person", "organisation_assignment",
    "organisation_apitoken", "funds_project", "funds_supplier", "rules_setting",
    "audit_auditentry", "auth_user",
])
def test_admin_pages_render_for_superuser(django_user_model, operator_a, unit_a, project_a,
                                          model):
    root = django_user_model.objects.create_superuser("root", password="x-Pass-9271")
    org_actions.create_person(None, name="张三", unit=unit_a, id_number="11010519491231002X")
    issue_token(None, operator_a)
    actions.create_supplier(operator_a, name="台州某建设有限公司", credit_code=CREDIT_CODE)
    Setting.objects.create(key="assets.disclosure_days", value=5,
                           effective_from=datetime.date(2024, 1, 1))
    client = logged_in(root)

    changelist = client.get(reverse(f"admin:{model}_changelist"))
    first = changelist.context["cl"].result_list[0]
    change = client.get(reverse(f"admin:{model}_change", args=[first.pk]))
    add = client.get(reverse(f"admin:{model}_add"))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert add.status_code in (200, 403)


def test_admin_view_only_pages_render_for_county_staff(staff_a, unit_a, project_a):
    setting = Setting.objects.create(key="assets.disclosure_days", county=region("331002"),
                                     value=5, effective_from=datetime.date(2024, 1, 1))
    client = logged_in(staff_a)

    pages = [
        reverse("admin:rules_setting_change", args=[setting.pk]),
        reverse("admin:rules_setting_add"),
        reverse("admin:funds_project_change", args=[project_a.pk]),
        reverse("admin:organisation_unit_change", args=[unit_a.pk]),
        reverse("admin:organisation_region_change", args=["331002"]),
        reverse("admin:organisation_person_add"),
    ]

    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
