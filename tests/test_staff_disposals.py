"""Collective asset disposal pages and their disclosure flags.

Time is frozen at 2024-06-30 (Asia/Shanghai). The defaults are
``assets.disclosure_days`` = 5 and ``assets.objection_days`` = 15.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sunshine.funds import actions
from sunshine.funds.models import AssetDisposal
from sunshine.rules.models import Setting
from tests.conftest import region

pytestmark = pytest.mark.django_db

VILLAGE_A = "331002001003"  # 城隍浦社区, 海门街道, 椒江区
VILLAGE_A2 = "331002002001"  # 横河社区, 白云街道, 椒江区
VILLAGE_B = "331003001001"  # 百花社区居委会, 东城街道, 黄岩区


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(datetime.datetime(2024, 6, 30, 4, tzinfo=datetime.UTC), tick=False):
        yield


def disposal(actor, **fields) -> AssetDisposal:
    values = {"region": region(VILLAGE_A), "asset_name": "村集体仓库", "method": "auction",
              "price": Decimal("80000"), "buyer_name": "台州某贸易有限公司",
              "decided_on": datetime.date(2024, 5, 1)}
    values.update(fields)
    return actions.record_disposal(actor, **values)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def checks_by_asset(user) -> dict:
    response = logged_in(user).get(reverse("funds:disposal_list"))
    assert response.status_code == 200
    return {d.asset_name: d.check for d in response.context["page"].object_list}


def form_data(**changes) -> dict:
    data = {"region": VILLAGE_A, "asset_name": "村集体仓库", "method": "auction",
            "appraised_amount": "100000", "price": "90000", "buyer_name": "台州某贸易有限公司",
            "buyer_credit_code": "", "decided_on": "2024-05-01", "disclosed_on": "2024-05-03",
            "disclosure_end": "2024-05-18", "is_public": "on"}
    data.update(changes)
    return data


def test_list_flags_late_disclosure(operator_a):
    disposal(operator_a, asset_name="迟延", disclosed_on=datetime.date(2024, 5, 10),
             disclosure_end=datetime.date(2024, 5, 25))

    check = checks_by_asset(operator_a)["迟延"]

    assert check.late is True
    assert check.deadline == datetime.date(2024, 5, 6)
    assert check.objection_short is False


def test_list_flags_missing_disclosure_after_deadline_only(operator_a):
    disposal(operator_a, asset_name="已超期")
    disposal(operator_a, asset_name="未到期", decided_on=datetime.date(2024, 6, 28))

    checks = checks_by_asset(operator_a)

    assert checks["已超期"].missing is True
    assert checks["未到期"].missing is False
    assert checks["未到期"].flagged is False


def test_list_flags_short_objection_period(operator_a):
    disposal(operator_a, asset_name="七日", disclosed_on=datetime.date(2024, 5, 3),
             disclosure_end=datetime.date(2024, 5, 10))
    disposal(operator_a, asset_name="十五日", disclosed_on=datetime.date(2024, 5, 3),
             disclosure_end=datetime.date(2024, 5, 18))
    disposal(operator_a, asset_name="无截止", disclosed_on=datetime.date(2024, 5, 3))

    checks = checks_by_asset(operator_a)

    assert checks["七日"].objection_short is True
    assert checks["七日"].objection_days == 7
    assert checks["十五日"].objection_short is False
    assert checks["十五日"].flagged is False
    assert checks["无截止"].objection_unknown is True


def test_list_flags_price_below_appraisal(operator_a):
    disposal(operator_a, asset_name="低价", appraised_amount=Decimal("100000"),
             disclosed_on=datetime.date(2024, 5, 2), disclosure_end=datetime.date(2024, 5, 20))

    assert checks_by_asset(operator_a)["低价"].below_appraisal is True


def test_list_uses_county_setting_on_decision_date(operator_a):
    Setting.objects.create(key="assets.disclosure_days", county=region("331002"), value=10,
                           effective_from=datetime.date(2024, 1, 1))
    Setting.objects.create(key="assets.objection_days", county=region("331002"), value=20,
                           effective_from=datetime.date(2024, 6, 1))
    disposal(operator_a, asset_name="县定", disclosed_on=datetime.date(2024, 5, 10),
             disclosure_end=datetime.date(2024, 5, 27))

    check = checks_by_asset(operator_a)["县定"]

    assert check.late is False
    assert check.minimum_objection_days == 15
    assert check.objection_short is False


def test_list_shows_flags_in_chinese(operator_a):
    disposal(operator_a, asset_name="已超期")

    body = logged_in(operator_a).get(reverse("funds:disposal_list")).content.decode()

    assert "未公示：应于 2024-05-06 前公示" in body


def test_list_is_scoped(operator_a, operator_b, township_operator):
    disposal(operator_a, asset_name="海门")
    disposal(operator_a, asset_name="白云", region=region(VILLAGE_A2))
    disposal(operator_b, asset_name="黄岩", region=region(VILLAGE_B))

    assert set(checks_by_asset(operator_a)) == {"海门", "白云"}
    assert set(checks_by_asset(operator_b)) == {"黄岩"}
    assert set(checks_by_asset(township_operator)) == {"海门"}


def test_list_rejects_post(operator_a):
    assert logged_in(operator_a).post(reverse("funds:disposal_list")).status_code == 405


def test_create_saves(operator_a):
    response = logged_in(operator_a).post(reverse("funds:disposal_create"), form_data())

    saved = AssetDisposal.objects.get()
    assert response.status_code == 302
    assert saved.price == Decimal("90000.00")
    assert saved.region_id == VILLAGE_A


def test_create_offers_only_villages_in_scope(township_operator):
    response = logged_in(township_operator).get(reverse("funds:disposal_create"))

    codes = {r.code for r in response.context["form"].fields["region"].queryset}
    assert VILLAGE_A in codes
    assert VILLAGE_A2 not in codes
    assert "331002001" not in codes


@pytest.mark.parametrize(("field", "value", "message"), [
    ("region", VILLAGE_B, "超出"),
    ("price", "-1", "负数"),
    ("appraised_amount", "很多", "不是数字"),
    ("disclosure_end", "2024-05-01", "早于公示日期"),
    ("buyer_credit_code", "123", "18 位"),
    ("decided_on", "", ""),
])
def test_create_rejects_bad_input(operator_a, field, value, message):
    response = logged_in(operator_a).post(reverse("funds:disposal_create"),
                                          form_data(**{field: value}))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not AssetDisposal.objects.exists()


def test_create_forbidden_for_inspector(inspector_a):
    response = logged_in(inspector_a).post(reverse("funds:disposal_create"), form_data())

    assert response.status_code == 403


def test_create_rejects_put(operator_a):
    assert logged_in(operator_a).put(reverse("funds:disposal_create")).status_code == 405


def test_edit_saves_disclosure(operator_a):
    row = disposal(operator_a)

    response = logged_in(operator_a).post(
        reverse("funds:disposal_edit", args=[row.pk]),
        form_data(appraised_amount="", price="80000", version=row.version),
    )

    row.refresh_from_db()
    assert response.status_code == 302
    assert row.disclosed_on == datetime.date(2024, 5, 3)


def test_edit_conflict_keeps_input(operator_a):
    row = disposal(operator_a)
    actions.update_disposal(operator_a, row, {"buyer_name": "他人修改"}, expected_version=1)

    response = logged_in(operator_a).post(reverse("funds:disposal_edit", args=[row.pk]),
                                          form_data(buyer_name="我的受让方", version=1))

    row.refresh_from_db()
    assert response.status_code == 409
    assert 'value="我的受让方"' in response.content.decode()
    assert row.buyer_name == "他人修改"


def test_edit_on_other_county_is_not_found(operator_a, operator_b):
    row = disposal(operator_a)

    response = logged_in(operator_b).post(reverse("funds:disposal_edit", args=[row.pk]),
                                          form_data(region=VILLAGE_B, version=1))

    assert response.status_code == 404


def test_edit_of_missing_row_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("funds:disposal_edit", args=[999999])).status_code == 404


def test_edit_rejects_patch(operator_a):
    row = disposal(operator_a)

    assert logged_in(operator_a).patch(reverse("funds:disposal_edit", args=[row.pk])).status_code == 405
