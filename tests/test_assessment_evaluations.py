"""Third-party evaluations and the performance deductions they cause."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from sunshine.assessment import actions
from sunshine.assessment.models import Deduction, DeductionStatus, Evaluation
from sunshine.audit.actions import ConflictError
from sunshine.duties.actions import lock_quarter, unlock_quarter
from sunshine.duties.periods import quarter
from sunshine.rules.models import Setting
from sunshine.rules.values import settings_changed
from tests.assessment_data import evaluator_fixture, second_evaluator_fixture  # noqa: F401
from tests.conftest import region

pytestmark = pytest.mark.django_db
QUARTER = "2026Q1"
# Mid 2026Q2: 2026Q1 and 2026Q2 may be evaluated, and four quarters back reach 2025Q2.
NOW = datetime.datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def evaluate(user, unit, score, quarter=QUARTER):
    return actions.record_evaluation(user, unit=unit, quarter=quarter, score=score)


def test_evaluation_stores_tenths(evaluator, unit_a):
    evaluation = evaluate(evaluator, unit_a, "87.5")

    stored = Evaluation.objects.get(pk=evaluation.pk)
    assert stored.score_tenths == 875
    assert stored.score == Decimal("87.5")
    assert stored.audit_entry_id is not None


def test_second_evaluation_same_quarter_rejected(evaluator, unit_a):
    evaluate(evaluator, unit_a, "80")

    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, "90")

    assert raised.value.code == "duplicate_evaluation"
    assert "80" in raised.value.messages[0]
    assert Evaluation.objects.count() == 1


def test_other_quarter_and_evaluator_allowed(evaluator, second_evaluator, unit_a):
    evaluate(evaluator, unit_a, "80")
    evaluate(evaluator, unit_a, "70", quarter="2026Q2")
    evaluate(second_evaluator, unit_a, "60")

    assert Evaluation.objects.count() == 3


@pytest.mark.parametrize("score, code", [("100.1", "score_range"), ("-1", "score_range"),
                                         ("abc", "score_format"), ("1e2", "score_format"),
                                         ("8_5", "score_format"), ("NaN", "score_format"),
                                         ("85.55", "score_places")])
def test_invalid_scores_rejected(evaluator, unit_a, score, code):
    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, score)

    assert raised.value.code == code
    assert score in raised.value.messages[0]


def test_full_width_score_is_read(evaluator, unit_a):
    evaluation = evaluate(evaluator, unit_a, "８５.５")

    assert evaluation.score == Decimal("85.5")


def test_month_is_not_a_quarter(evaluator, unit_a):
    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, "80", quarter="2026-03")

    assert raised.value.code == "invalid_quarter"


def test_quarter_of_an_uncovered_year_says_so(evaluator, unit_a):
    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, "80", quarter="1999Q1")

    assert raised.value.code == "period_out_of_range"
    assert "1999Q1" in raised.value.messages[0]


@pytest.mark.parametrize("quarter", ["2099Q1", "2026Q3"])
def test_future_quarter_rejected(evaluator, unit_a, quarter):
    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, "80", quarter=quarter)

    assert raised.value.code == "quarter_future"
    assert quarter in raised.value.messages[0]
    assert "2026Q2" in raised.value.messages[0]
    assert not Evaluation.objects.exists()


def test_old_quarter_rejected(evaluator, unit_a):
    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, "80", quarter="2025Q1")

    assert raised.value.code == "quarter_too_old"
    assert "2025Q1" in raised.value.messages[0]
    assert "2025Q2" in raised.value.messages[0]
    assert not Evaluation.objects.exists()


def test_quarter_before_platform_years_rejected(evaluator, unit_a):
    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, "80", quarter="1999Q1")

    assert "1999Q1" in raised.value.messages[0]
    assert not Evaluation.objects.exists()


def test_oldest_open_quarter_accepted(evaluator, unit_a):
    assert evaluate(evaluator, unit_a, "80", quarter="2025Q2").quarter == "2025Q2"


def test_past_quarters_is_a_setting(evaluator, unit_a):
    Setting.objects.create(key="assessment.evaluation_past_quarters", value=0,
                           effective_from=datetime.date(2000, 1, 1))
    settings_changed()

    with pytest.raises(ValidationError) as raised:
        evaluate(evaluator, unit_a, "80", quarter="2026Q1")

    assert raised.value.code == "quarter_too_old"
    assert evaluate(evaluator, unit_a, "80", quarter="2026Q2").quarter == "2026Q2"


def test_edit_outside_window_rejected(evaluator, unit_a):
    evaluation = evaluate(evaluator, unit_a, "80", quarter="2025Q3")

    with time_machine.travel(datetime.date(2026, 12, 1), tick=False), \
            pytest.raises(ValidationError) as raised:
        actions.update_evaluation(evaluator, evaluation, score="90", comments="",
                                  expected_version=evaluation.version)

    assert raised.value.code == "quarter_too_old"
    assert Evaluation.objects.get().score == Decimal("80")


def test_only_evaluators_in_scope_may_evaluate(evaluator, operator_a, unit_a, unit_b):
    with pytest.raises(PermissionDenied):
        evaluate(operator_a, unit_a, "80")
    with pytest.raises(PermissionDenied):
        evaluate(evaluator, unit_b, "80")


def test_stale_edit_rejected(evaluator, unit_a):
    evaluation = evaluate(evaluator, unit_a, "80")
    actions.update_evaluation(evaluator, evaluation, score="82", comments="",
                              expected_version=evaluation.version)

    with pytest.raises(ConflictError):
        actions.update_evaluation(evaluator, evaluation, score="85", comments="",
                                  expected_version=evaluation.version)

    assert Evaluation.objects.get(pk=evaluation.pk).score == Decimal("82")


def test_deduction_below_threshold(evaluator, second_evaluator, unit_a, unit_b):
    evaluate(evaluator, unit_a, "50")
    evaluate(second_evaluator, unit_a, "65")

    counts = actions.apply_deductions(QUARTER)

    deduction = Deduction.objects.get(unit=unit_a)
    assert counts == {"created": 1}
    assert deduction.mean == Decimal("57.5")
    assert deduction.threshold == Decimal("60")
    assert deduction.points == Decimal("2")
    assert sorted(deduction.evaluation_ids) == sorted(
        Evaluation.objects.filter(unit=unit_a).values_list("pk", flat=True))


def test_mean_at_threshold_not_deducted(evaluator, second_evaluator, unit_a):
    evaluate(evaluator, unit_a, "55")
    evaluate(second_evaluator, unit_a, "65")

    assert actions.apply_deductions(QUARTER) == {"unchanged": 1}
    assert not Deduction.objects.exists()


def test_rerun_makes_no_duplicates(evaluator, unit_a):
    evaluate(evaluator, unit_a, "40")
    actions.apply_deductions(QUARTER)
    entry = Deduction.objects.get().audit_entry_id

    assert actions.apply_deductions(QUARTER) == {"unchanged": 1}
    assert Deduction.objects.count() == 1
    assert Deduction.objects.get().audit_entry_id == entry


def test_lifting_evaluation_cancels_deduction(evaluator, second_evaluator, unit_a):
    evaluate(evaluator, unit_a, "40")
    actions.apply_deductions(QUARTER)

    evaluate(second_evaluator, unit_a, "90")

    deduction = Deduction.objects.get()
    assert deduction.status == DeductionStatus.CANCELLED
    assert "65" in deduction.cancel_reason
    assert deduction.cancelled_at is not None
    assert actions.apply_deductions(QUARTER) == {"unchanged": 1}


def test_new_drop_after_cancellation_records_new_deduction(evaluator, second_evaluator, unit_a):
    first = evaluate(evaluator, unit_a, "40")
    actions.apply_deductions(QUARTER)
    second = evaluate(second_evaluator, unit_a, "90")
    actions.update_evaluation(second_evaluator, second, score="50", comments="",
                              expected_version=second.version)

    actions.apply_deductions(QUARTER)

    statuses = sorted(Deduction.objects.values_list("status", flat=True))
    assert statuses == ["active", "cancelled"]
    assert Deduction.objects.get(status="active").evaluation_ids == [first.pk, second.pk]


def test_threshold_is_versioned_setting(evaluator, unit_a):
    Setting.objects.create(key="assessment.deduction_threshold", value="45",
                           effective_from="2026-01-01")
    settings_changed()
    evaluate(evaluator, unit_a, "50")

    assert actions.apply_deductions(QUARTER) == {"unchanged": 1}


def test_command_is_idempotent(evaluator, unit_a):
    evaluate(evaluator, unit_a, "30")
    out = StringIO()

    call_command("apply_deductions", QUARTER, stdout=out)
    call_command("apply_deductions", QUARTER, stdout=out)

    assert "created 1" in out.getvalue()
    assert "unchanged 1" in out.getvalue()
    assert Deduction.objects.count() == 1


def test_operator_cannot_apply(operator_a, unit_a):
    with pytest.raises(PermissionDenied):
        actions.apply_deductions(QUARTER, actor=operator_a, region=unit_a.region)


@pytest.fixture
def city_admin(django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="x-Pass-9271")


def test_locked_quarter_rejects_evaluations(evaluator, second_evaluator, unit_a,
                                            city_admin):
    # 2026Q1 locked itself for progress reports in April. Evaluations stay open until a decision.
    evaluation = evaluate(evaluator, unit_a, "80")
    lock_quarter(city_admin, region("331002"), quarter(2026, 1), reason="第一季度已通报")

    with translation.override("en"):
        with pytest.raises(ValidationError) as edit:
            actions.update_evaluation(evaluator, evaluation, score="50", comments="",
                                      expected_version=evaluation.version)
        with pytest.raises(ValidationError) as new:
            evaluate(second_evaluator, unit_a, "60")

    for error in (edit, new):
        assert error.value.code == "period_locked"
        assert "Q1 2026" in error.value.messages[0]
        assert "unlock" in error.value.messages[0]
    assert Evaluation.objects.get().score == Decimal("80")
    assert evaluate(evaluator, unit_a, "70", quarter="2026Q2").quarter == "2026Q2"

    unlock_quarter(city_admin, region("331002"), quarter(2026, 1), reason="更正评估")
    changed = actions.update_evaluation(evaluator, evaluation, score="50", comments="",
                                        expected_version=evaluation.version)
    assert changed.score == Decimal("50")


def test_other_county_lock_ignored(evaluator, unit_a, city_admin):
    lock_quarter(city_admin, region("331003"), quarter(2026, 1), reason="黄岩区已通报")

    assert evaluate(evaluator, unit_a, "80").quarter == QUARTER
