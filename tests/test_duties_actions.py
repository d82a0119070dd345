"""Duty items: funding shares, deadline or cycle, procedure steps and the public manager."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sunshine.audit.verify import verify
from sunshine.duties import actions, formats
from sunshine.duties.models import Cycle, Duty, DutyFunding, DutyStep
from sunshine.lib.cells import CellError

pytestmark = pytest.mark.django_db

BASIS = "《浙江省农村集体资产管理条例》第二十五条"


def make_duty(actor, unit, code="JJ-01", **fields):
    values = {"name": "村级财务公开", "basis": BASIS, "cycle": Cycle.MONTHLY,
              "funding": [("county", Decimal("80")), ("township", Decimal("20"))],
              "steps": [{"number": 1, "name": "编制收支明细", "time_limit_days": 5,
                         "required_evidence": "收支明细表"},
                        {"number": 2, "name": "公开栏张贴", "is_disclosed": True}]}
    values.update(fields)
    return actions.create_duty(actor, unit=unit, code=code, **values)


def test_it_creates_a_duty_with_funding_and_steps(operator_a, unit_a):
    duty = make_duty(operator_a, unit_a)

    assert [(f.source, f.share) for f in duty.funding.all()] == [
        ("county", Decimal("80.00")), ("township", Decimal("20.00"))]
    assert [s.name for s in duty.steps.all()] == ["编制收支明细", "公开栏张贴"]
    assert DutyStep.objects.get(duty=duty, number=2).is_disclosed
    assert verify() == []


def test_funding_over_100_is_rejected_with_the_values(operator_a, unit_a):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        make_duty(operator_a, unit_a, funding=[("county", Decimal("80")),
                                               ("township", Decimal("30"))])

    message = caught.value.messages[0]
    assert caught.value.code == "funding_total"
    assert "110%" in message
    assert "县级 80%" in message
    assert "乡镇 30%" in message
    assert not Duty.all_objects.exists()


def test_funding_message_in_chinese(operator_a, unit_a):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        make_duty(operator_a, unit_a, funding=[("county", Decimal("80")),
                                               ("township", Decimal("30"))])

    assert "合计 110%" in caught.value.messages[0]


def test_funding_below_100_is_allowed(operator_a, unit_a):
    duty = make_duty(operator_a, unit_a, funding=[("county", Decimal("50"))])

    assert duty.funding.get().share == Decimal("50.00")


def test_once_duty_needs_a_deadline_and_cycles_none(operator_a, unit_a):
    with pytest.raises(ValidationError) as caught:
        make_duty(operator_a, unit_a, cycle=Cycle.ONCE)
    assert caught.value.code == "deadline_missing"

    with pytest.raises(ValidationError) as caught:
        make_duty(operator_a, unit_a, cycle=Cycle.YEARLY, deadline=datetime.date(2026, 6, 30))
    assert caught.value.code == "deadline_with_cycle"


def test_update_replaces_funding_and_steps(operator_a, unit_a):
    duty = make_duty(operator_a, unit_a)

    actions.update_duty(operator_a, duty, {"is_public": True},
                        funding=[("city", Decimal("100"))],
                        steps=[{"number": 1, "name": "公开"}], expected_version=duty.version)

    assert list(DutyFunding.objects.filter(duty=duty).values_list("source", flat=True)) == [
        "city"]
    assert list(duty.steps.values_list("name", flat=True)) == ["公开"]
    assert Duty.all_objects.get(pk=duty.pk).version == 2
    assert verify() == []


def test_public_manager_holds_only_public_duties(operator_a, unit_a):
    make_duty(operator_a, unit_a, code="A", is_public=True)
    make_duty(operator_a, unit_a, code="B", is_public=False)

    assert list(Duty.public_objects.values_list("code", flat=True)) == ["A"]
    assert Duty.all_objects.count() == 2
    assert not hasattr(Duty, "objects")


def test_other_county_cannot_create_duties_for_a_unit(operator_b, unit_a):
    with pytest.raises(PermissionDenied):
        make_duty(operator_b, unit_a)


@pytest.mark.parametrize(("text", "expected"), [
    ("县级 80%；乡镇 20%", [("county", Decimal("80.00")), ("township", Decimal("20.00"))]),
    ("县级财政80%;省级 12.5%", [("county", Decimal("80.00")), ("provincial", Decimal("12.50"))]),
    ("", []),
])
def test_funding_text_is_read(text, expected):
    assert formats.parse_funding(text) == expected


@pytest.mark.parametrize(("text", "named"), [
    ("县级", "县级"), ("月球 10%", "月球"), ("县级 1.234%", "1.234"),
])
def test_bad_funding_text_names_the_value(text, named):
    with pytest.raises(CellError) as caught:
        formats.parse_funding(text)

    assert named in str(caught.value)


def test_funding_text_round_trips():
    shares = [("county", Decimal("80.00")), ("self_raised", Decimal("20.00"))]

    assert formats.parse_funding(formats.format_funding(shares)) == shares
