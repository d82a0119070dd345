"""Scope rules from ``sunshine.organisation.scoping`` for each persona and model."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sunshine.funds import actions
from sunshine.funds.models import AssetDisposal, Disbursement, Project
from sunshine.funds.views.access import get_readable
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import ApiToken, Person, Region, Unit
from sunshine.organisation.scoping import is_staff_user, scope_for, scoped
from sunshine.organisation.tokens import issue_token
from sunshine.rules.models import Setting
from tests.conftest import region

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(operator_a, operator_b, unit_a, unit_b):
    township = actions.create_project(operator_a, code="JJ-T", name="海门项目",
                                      region=region("331002001"), owner_unit=unit_a)
    actions.create_project(operator_a, code="JJ-C", name="椒江区级项目", region=region("331002"),
                           owner_unit=unit_a)
    actions.create_project(operator_a, code="JJ-V", name="白云村项目",
                           region=region("331002002001"), owner_unit=unit_a)
    actions.create_project(operator_b, code="HY-T", name="东城项目", region=region("331003001"),
                           owner_unit=unit_b)
    actions.add_disbursement(operator_a, township, paid_on=datetime.date(2024, 5, 1),
                             amount=Decimal("10"), payee_name="某公司")


def codes(user, *, write: bool = False) -> set[str]:
    return set(scoped(Project.all_objects.all(), user, write=write).values_list("code", flat=True))


def test_county_operator_sees_whole_county(operator_a, projects):
    assert codes(operator_a) == {"JJ-T", "JJ-C", "JJ-V"}
    assert codes(operator_a, write=True) == {"JJ-T", "JJ-C", "JJ-V"}


def test_operator_never_sees_sibling_county(operator_b, projects):
    assert codes(operator_b) == {"HY-T"}


def test_township_operator_sees_own_township_only(township_operator, projects):
    assert codes(township_operator) == {"JJ-T"}


def test_inspector_reads_but_does_not_write(inspector_a, projects):
    assert codes(inspector_a) == {"JJ-T", "JJ-C", "JJ-V"}
    assert codes(inspector_a, write=True) == set()
    assert scope_for(inspector_a, write=True).empty


def test_city_admin_and_superuser_see_everything(city_admin, django_user_model, projects):
    root = django_user_model.objects.create_superuser("root", password="x-Pass-9271")

    assert scope_for(city_admin).everything
    assert codes(root) == {"JJ-T", "JJ-C", "JJ-V", "HY-T"}


def test_user_without_role_sees_nothing(django_user_model, projects):
    user = django_user_model.objects.create_user("nobody", password="x-Pass-9271")

    assert codes(user) == set()
    assert is_staff_user(user) is False


def test_child_rows_follow_their_project(operator_b, township_operator, projects):
    assert scoped(Disbursement.objects.all(), operator_b).count() == 0
    assert scoped(Disbursement.objects.all(), township_operator).count() == 1


def test_get_readable_hides_out_of_scope(operator_b, projects):
    project = Project.all_objects.get(code="JJ-T")

    with pytest.raises(Http404) as hidden:
        get_readable(Project.all_objects.all(), operator_b, pk=project.pk)
    with pytest.raises(Http404) as missing:
        get_readable(Project.all_objects.all(), operator_b, pk=999999)
    assert str(hidden.value) == str(missing.value)


def test_get_readable_write_refuses_reader(inspector_a, projects):
    project = Project.all_objects.get(code="JJ-T")

    assert get_readable(Project.all_objects.all(), inspector_a, pk=project.pk) == project
    with pytest.raises(PermissionDenied):
        get_readable(Project.all_objects.all(), inspector_a, write=True, pk=project.pk)


def test_regions_units_and_people_are_scoped(township_operator, unit_a, unit_b, township_unit):
    org_actions.create_person(None, name="张三", unit=unit_a)
    org_actions.create_person(None, name="王五", unit=township_unit)
    org_actions.create_person(None, name="李四", unit=unit_b)

    regions = scoped(Region.objects.all(), township_operator)
    people = scoped(Person.objects.all(), township_operator)
    units = scoped(Unit.objects.all(), township_operator)

    assert regions.filter(code="331002001003").exists()
    assert not regions.filter(code__in=["331002", "331002002", "331003"]).exists()
    assert set(people.values_list("name", flat=True)) == {"王五"}
    assert set(units.values_list("name", flat=True)) == {"海门街道办事处"}


def test_api_tokens_are_scoped_by_their_user(operator_a, operator_b):
    issue_token(None, operator_a)

    assert scoped(ApiToken.objects.all(), operator_a).distinct().count() == 1
    assert scoped(ApiToken.objects.all(), operator_b).count() == 0


def test_settings_are_scoped_by_county(operator_a, operator_b):
    Setting.objects.create(key="assets.disclosure_days", county=region("331002"), value=7,
                           effective_from=datetime.date(2024, 1, 1))

    assert scoped(Setting.objects.all(), operator_a).count() == 1
    assert scoped(Setting.objects.all(), operator_b).count() == 0


def test_asset_disposals_are_scoped(operator_a, operator_b):
    actions.record_disposal(operator_a, region=region("331002001003"), asset_name="仓库",
                            method="auction", price=Decimal("1"), buyer_name="某公司",
                            decided_on=datetime.date(2024, 5, 1))

    assert scoped(AssetDisposal.objects.all(), operator_a).count() == 1
    assert scoped(AssetDisposal.objects.all(), operator_b).count() == 0
