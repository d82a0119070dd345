"""Composite scores: weights that sum to 100%, known inputs, missing parts, pages and API."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from sunshine.assessment import actions
from sunshine.assessment.models import AssessmentWeights
from sunshine.assessment.scores import composite_score, weights_for
from sunshine.duties.periods import quarter
from sunshine.organisation.models import Unit
from sunshine.organisation.tokens import issue_token
from tests.assessment_data import evaluator_fixture, perform, plan  # noqa: F401
from tests.conftest import region
from tests.duties_data import NOW, make_directive, make_leader, make_task
from tests.hidden_ids import assert_looks_unknown, logged_in, unknown_id

pytestmark = pytest.mark.django_db
Q1 = quarter(2026, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def weights(**values):
    base = {"satisfaction": Decimal(50), "execution": Decimal(20), "evaluation": Decimal(20),
            "spot_check": Decimal(10)}
    base.update({k: Decimal(v) for k, v in values.items()})
    return base


def test_weights_must_sum_to_100(city_admin):
    with pytest.raises(ValidationError) as raised:
        actions.set_weights(city_admin, region=None, effective_from=datetime.date(2026, 1, 1),
                            values=weights(spot_check="15"))

    assert raised.value.code == "weights_total"
    assert "105%" in raised.value.messages[0]
    assert not AssessmentWeights.objects.exists()


@pytest.mark.parametrize("effective_from", [datetime.date(1900, 1, 1), NOW.date()
                                            - datetime.timedelta(days=1)])
def test_backdated_weights_rejected(city_admin, effective_from):
    with pytest.raises(ValidationError) as raised:
        actions.set_weights(city_admin, region=None, effective_from=effective_from,
                            values=weights())

    assert raised.value.code == "weights_backdated"
    assert str(effective_from) in raised.value.messages[0]
    assert not AssessmentWeights.objects.exists()


def test_weights_from_today_accepted(city_admin):
    row = actions.set_weights(city_admin, region=None, effective_from=NOW.date(),
                              values=weights())

    assert row.effective_from == NOW.date()


def test_weights_page_rejects_backdating(city_admin):
    client = Client()
    client.force_login(city_admin)

    response = client.post(reverse("assessment:weights_create"), {
        "effective_from": "1900-01-01", "satisfaction": "50", "execution": "20",
        "evaluation": "20", "spot_check": "10", "reason": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "1900-01-01" in response.content.decode()
    assert "已发布" in response.content.decode()
    assert not AssessmentWeights.objects.exists()


def test_weights_need_administrator(operator_a):
    with pytest.raises(PermissionDenied):
        actions.set_weights(operator_a, region=region("331002"),
                            effective_from=datetime.date(2026, 1, 1), values=weights())


def test_nearest_region_weights_win(city_admin):
    with time_machine.travel(datetime.date(2024, 12, 1), tick=False):
        actions.set_weights(city_admin, region=None, effective_from=datetime.date(2026, 1, 1),
                            values=weights())
        actions.set_weights(city_admin, region=region("331002"),
                            effective_from=datetime.date(2025, 1, 1),
                            values=weights(satisfaction="40", spot_check="20"))

    assert weights_for(region("331002001"), Q1.end).values["satisfaction"] == 40
    assert weights_for(region("331003"), Q1.end).values["satisfaction"] == 50


def test_defaults_without_rows(db):
    assert weights_for(region("331002"), Q1.end).values == weights()
    assert weights_for(region("331002"), Q1.end).row is None


def satisfied_survey(surveyor, unit, scores):
    template = actions.create_template(surveyor, name="满意度", region=unit.region, questions=[
        {"kind": "choice", "text": "满意吗", "choices": [
            {"label": "满意", "score": 100}, {"label": "一般", "score": 70},
            {"label": "不满意", "score": 0}]}])
    survey = actions.create_survey(surveyor, template=template, unit=unit, quarter="2026Q1",
                                   opens_on=datetime.date(2026, 3, 1),
                                   closes_on=datetime.date(2026, 3, 31))
    question = template.questions.get()
    for number, index in enumerate(scores):
        actions.submit_response(survey, mobile=f"1380000{number:04d}",
                                answers={question.pk: str(index)})
    return survey


@pytest.fixture
def inputs(operator_a, unit_a, evaluator, inspector_a, city_admin, django_user_model):
    """Satisfaction 85, execution 50%, evaluation 70, spot check 90, no deduction."""
    satisfied_survey(city_admin, unit_a, [0, 1])  # 100 and 70
    directive = make_directive(operator_a, unit_a)
    done = make_task(operator_a, directive, "1", weight="50",
                     deadline=datetime.date(2026, 3, 10))
    make_task(operator_a, directive, "2", weight="50", deadline=datetime.date(2026, 3, 12))
    from sunshine.duties import actions as duty_actions
    leader = make_leader(django_user_model, unit_a)
    report = duty_actions.submit_report(operator_a, done, percent=100, text="完成",
                                        as_of=datetime.date(2026, 3, 9))
    duty_actions.approve_report(leader, report)
    actions.record_evaluation(evaluator, unit=unit_a, quarter="2026Q1", score="70")
    perform(inspector_a, plan(inspector_a, unit_a), score="90")


def test_composite_with_known_inputs(inputs, unit_a):
    composite = composite_score(unit_a, Q1)

    values = {part.name: part.value for part in composite.parts}
    assert values == {"satisfaction": Decimal("85.0"), "execution": Decimal("50.0"),
                      "evaluation": Decimal("70.0"), "spot_check": Decimal("90.0")}
    # 85×0.5 + 50×0.2 + 70×0.2 + 90×0.1 = 42.5 + 10 + 14 + 9
    assert composite.score == Decimal("75.5")
    assert composite.complete


def test_deduction_is_subtracted(inputs, unit_a, evaluator, django_user_model):
    from tests.conftest import make_staff
    low = make_staff(django_user_model, "evaluator_low", "evaluator",
                     evaluator.assignments.first().unit)
    actions.record_evaluation(low, unit=unit_a, quarter="2026Q1", score="30")
    actions.apply_deductions("2026Q1")

    composite = composite_score(unit_a, Q1)

    # evaluation mean 50: 42.5 + 10 + 10 + 9 = 71.5, minus 2 points
    assert composite.before_deductions == Decimal("71.5")
    assert composite.score == Decimal("69.5")


def test_missing_components_renormalised(evaluator, unit_a):
    actions.record_evaluation(evaluator, unit=unit_a, quarter="2026Q1", score="80")

    composite = composite_score(unit_a, Q1)

    assert composite.score == Decimal("80.0")
    assert not composite.complete
    assert composite.missing == ["satisfaction", "execution", "spot_check"]
    assert composite.weight_present == Decimal(20)


def test_no_data_no_score(unit_a):
    composite = composite_score(unit_a, Q1)

    assert composite.score is None
    assert composite.before_deductions is None


def test_unit_page_explains_each_part(inputs, unit_a, operator_a):
    client = Client()
    client.force_login(operator_a)

    page = client.get(reverse("assessment:unit_score", args=[unit_a.pk]), {"period": "2026Q1"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "75.5" in text
    assert "50%" in text
    assert "20%" in text
    assert reverse("duties:task_list") in text


def test_score_list_drills_down(inputs, city_admin):
    client = Client()
    client.force_login(city_admin)

    city = client.get(reverse("assessment:score_list"), {"period": "2026Q1"})
    county = client.get(reverse("assessment:score_list"), {"period": "2026Q1",
                                                          "region": "331002"})

    assert "椒江区" in city.content.decode()
    assert "75.5" in county.content.decode()
    assert client.get(reverse("assessment:score_list"),
                      {"period": "2026-13"}).status_code == 400


def test_other_county_unit_looks_unknown(inputs, unit_a, operator_b):
    hidden_url = reverse("assessment:unit_score", args=[unit_a.pk])
    missing_url = reverse("assessment:unit_score", args=[unknown_id(Unit)])

    assert_looks_unknown(logged_in(operator_b), "get", hidden_url, missing_url)


def test_api_scores(inputs, unit_a, operator_a, operator_b):
    def get(user, **query):
        return Client().get("/api/v1/assessment/scores/", query,
                            HTTP_AUTHORIZATION=f"Bearer {issue_token(None, user)}")

    mine = get(operator_a, period="2026Q1", region="331002")
    other = get(operator_b, period="2026Q1", region="331002")
    bad = get(operator_a, period="2026")

    row = next(item for item in mine.json()["items"] if item["unit_id"] == unit_a.pk)
    assert row["score"] == "75.5"
    assert {c["name"]: c["value"] for c in row["components"]}["execution"] == "50.0"
    assert other.status_code == 400
    assert bad.status_code == 400
    assert Client().get("/api/v1/assessment/scores/").status_code == 401
    assert Client().post("/api/v1/assessment/scores/").status_code == 405


def test_api_in_openapi(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/assessment/scores/" in paths
    assert "/api/v1/assessment/spot-checks/{check_id}/" in paths
