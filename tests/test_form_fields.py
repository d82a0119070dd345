"""Shared form fields whose errors name the value typed and the form or range expected."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sunshine.lib.coordinates import CoordinateField
from sunshine.lib.form_fields import ClockTimeField, DayField, NumberField, WholeNumberField
from sunshine.petitions.forms import ReplyForm
from sunshine.petitions.views_ops.forms import DayForm


def error_of(field, value, language="zh-hans") -> str:
    with translation.override(language), pytest.raises(ValidationError) as raised:
        field.clean(value)
    with translation.override(language):
        return " ".join(raised.value.messages)


def test_day_reads_full_width_digits():
    assert DayField().clean("２０２６-１２-０６") == datetime.date(2026, 12, 6)


@pytest.mark.parametrize("value", ["2027-02-30", "2026/13/01", "明天"])
def test_day_error_names_value_and_format(value):
    message = error_of(DayField(), value)

    assert f"“{value}”不是日期" in message
    assert "2024-03-31" in message


def test_day_error_in_english():
    assert error_of(DayField(), "2027-02-30", "en") == (
        "“2027-02-30” is not a date; enter it as YYYY-MM-DD, for example 2024-03-31")


def test_clock_time_reads_full_width_digits():
    assert ClockTimeField().clean("０９：３０") == datetime.time(9, 30)


@pytest.mark.parametrize("value", ["25:00", "9点"])
def test_clock_time_error_names_value_and_format(value):
    message = error_of(ClockTimeField(), value)

    assert f"“{value}”不是有效的时间" in message
    assert "00:00 至 23:59" in message


@pytest.mark.parametrize(("field", "value", "expected"), [
    (CoordinateField(min_value=-90, max_value=90), "95", "“95”超出了 -90 至 90 的范围"),
    (CoordinateField(min_value=-90, max_value=90), "北纬", "“北纬”不是数字"),
    (WholeNumberField(min_value=1), "0", "“0”小于 1"),
    (WholeNumberField(max_value=500), "501", "“501”大于 500"),
    (WholeNumberField(), "3.5", "“3.5”不是整数"),
])
def test_number_errors_name_value_and_range(field, value, expected):
    assert expected in error_of(field, value)


def test_number_error_in_english():
    field = NumberField(min_value=-180, max_value=180)

    assert error_of(field, "200", "en") == (
        "“200” is outside the range -180 to 180; enter a number from -180 to 180")


def test_coordinate_rounds_in_range_values():
    assert CoordinateField(min_value=-90, max_value=90).clean("２８.６８０３１２５") == \
        Decimal("28.680312")


def test_reply_form_delivery_date_message():
    form = ReplyForm(data={"text": "已处理。", "delivered_on": "２０２６-１２-３２"})

    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert "“２０２６-１２-３２”不是日期" in form.errors["delivered_on"][0]


@pytest.mark.django_db
def test_supervision_day_form_date_and_time_messages(city_admin):
    form = DayForm(city_admin, {"date": "2027-02-30", "starts_at": "25:00", "ends_at": "11:00",
                                "capacity": "0"})

    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert "“2027-02-30”不是日期" in form.errors["date"][0]
        assert "“25:00”不是有效的时间" in form.errors["starts_at"][0]
        assert "“0”超出了 1 至 500 的范围" in form.errors["capacity"][0]
