"""Amounts: parsing typed and spreadsheet values, and exact yuan/fen conversion."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from sunshine.funds import actions
from sunshine.funds.models import Project
from sunshine.lib.money import MoneyError, parse_amount, ratio, to_fen, to_yuan
from tests.conftest import region

# FenField is a BigIntegerField: fen fit in a signed 64-bit integer.
MAX_FEN = 2**63 - 1


@pytest.mark.parametrize(("value", "expected"), [
    ("1200.50", "1200.50"),
    ("1,200.50", "1200.50"),
    ("1，200.50", "1200.50"),
    (" 1 200.5 ", "1200.50"),
    ("1200.50元", "1200.50"),
    ("12万元", "120000.00"),
    ("12.3456万元", "123456.00"),
    ("0.01", "0.01"),
    ("0", "0.00"),
    (1200, "1200.00"),
    (0.1, "0.10"),
    (Decimal("3.5"), "3.50"),
    ("-5", "-5.00"),
    ("１２３４．５", "1234.50"),
    ("１２，３４５", "12345.00"),
    ("12.5万", "125000.00"),
    ("¥100", "100.00"),
    ("￥1,200元", "1200.00"),
])
def test_parse_amount_accepts(value, expected):
    assert parse_amount(value) == Decimal(expected)


def test_parse_amount_in_wan():
    assert parse_amount("12", unit_wan=True) == Decimal("120000.00")
    assert parse_amount("0.0001", unit_wan=True) == Decimal("1.00")
    assert parse_amount("1.5万元", unit_wan=True) == Decimal("15000.00")


def test_typed_yuan_overrides_a_wan_column():
    assert parse_amount("100元", unit_wan=True) == Decimal("100.00")
    assert parse_amount("1,200.50 元", unit_wan=True) == Decimal("1200.50")


@pytest.mark.parametrize("value", [
    "1.005", "0.001", "12.3456789万元", "1.23456", 0.125,
])
def test_parse_amount_rejects_fractions_of_a_fen(value):
    with pytest.raises(MoneyError, match="两位小数"):
        parse_amount(value)


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "不是数字"),
    ("十二元", "不是数字"),
    ("", "不是数字"),
    (None, "为空"),
    (True, "为空"),
    ("NaN", "不是有效的数字，请填写数字"),
    ("Infinity", "不是有效的数字，请填写数字"),
    ("-inf", "不是有效的数字，请填写数字"),
    ("١٢٣", "不是数字"),
    ("1,00", "千位分隔符位置不对"),
    ("1,2,3", "千位分隔符位置不对"),
    ("12 34", "千位分隔符位置不对"),
])
def test_parse_amount_rejects(value, message):
    with pytest.raises(MoneyError, match=message):
        parse_amount(value)


def test_parse_amount_error_names_value_in_english():
    with translation.override("en"), pytest.raises(MoneyError, match="“abc” is not a number"):
        parse_amount("abc")


def test_parse_amount_rejects_huge_exponent():
    with pytest.raises(MoneyError):
        parse_amount("1e30")


def test_parse_amount_stops_at_one_trillion_yuan():
    assert parse_amount("1000000000000") == Decimal("1000000000000.00")
    assert parse_amount("10000000", unit_wan=True) == Decimal("100000000000.00")
    with pytest.raises(MoneyError, match="1000000000000.01"):
        parse_amount("1000000000000.01")
    with pytest.raises(MoneyError, match="50000000000000000"):
        parse_amount("50000000000000000")


def test_to_fen_and_back():
    assert to_fen(Decimal("0.01")) == 1
    assert to_fen("1200.50") == 120050
    assert to_fen(7) == 700
    assert to_yuan(120050) == Decimal("1200.50")
    assert to_yuan(None) is None


def test_to_fen_rounds_half_up():
    assert to_fen(Decimal("0.005")) == 1
    assert to_fen(Decimal("0.004")) == 0
    assert to_fen(Decimal("-0.005")) == -1


@given(st.integers(-MAX_FEN, MAX_FEN))
def test_fen_round_trip_is_exact(fen):
    assert to_fen(to_yuan(fen)) == fen


@given(st.decimals(min_value=Decimal("-92233720368547758.07"),
                   max_value=Decimal("92233720368547758.07"), places=2))
def test_yuan_round_trip_is_exact(yuan):
    assert to_yuan(to_fen(yuan)) == yuan


@given(st.lists(st.integers(0, 10**12), max_size=50))
def test_sum_in_fen_equals_sum_in_yuan(amounts):
    assert to_yuan(sum(amounts)) == sum((to_yuan(a) for a in amounts), Decimal("0.00"))


def test_ratio():
    assert ratio(Decimal("1"), Decimal("3")) == Decimal("0.3333")
    assert ratio(Decimal("2"), Decimal("3")) == Decimal("0.6667")
    assert ratio(Decimal("5"), Decimal("0")) is None
    assert ratio(None, Decimal("4")) == Decimal("0.0000")


@pytest.mark.django_db
def test_fen_field_stores_exact_amounts(operator_a):
    budget = Decimal("92233720368547758.07")
    project = actions.create_project(operator_a, code="JJ-MONEY-1", name="金额", budget=budget,
                                     region=region("331002"))
    for cents in ("0.01", "0.02", "0.07"):
        actions.add_allocation(operator_a, project, source="county",
                               approved_amount=Decimal(cents), arrived_amount=Decimal(cents))

    project = Project.all_objects.get(pk=project.pk)
    assert project.budget == budget
    assert project.allocated_total == Decimal("0.10")


def test_parse_amount_rejects_exponent_past_decimal_context():
    with pytest.raises(MoneyError, match="1e999999999999999999"):
        parse_amount("1e999999999999999999")
    with pytest.raises(MoneyError, match="-1e999999999999999999"):
        parse_amount("-1e999999999999999999", unit_wan=True)
