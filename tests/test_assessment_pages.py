"""Every assessment staff page renders for its users and rejects the others."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sunshine.assessment import actions
from sunshine.assessment.models import AssessmentWeights, Deduction, Evaluation, SurveyTemplate
from sunshine.duties.periods import quarter_of
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Role, UnitKind
from tests.assessment_data import evaluator_fixture, perform, plan  # noqa: F401
from tests.conftest import make_staff, region
from tests.duties_data import NOW
from tests.hidden_ids import assert_looks_unknown, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def survey(city_admin, unit_a):
    template = actions.create_template(city_admin, name="满意度", region=unit_a.region,
                                       questions=[{"kind": "rating", "text": "评分"},
                                                  {"kind": "text", "text": "建议",
                                                   "required": False}])
    today = timezone.localdate()
    return actions.create_survey(city_admin, template=template, unit=unit_a,
                                 quarter=quarter_of(today).key, opens_on=today, closes_on=today)


@pytest.mark.parametrize("name", ["score_list", "weights_list", "evaluation_list",
                                  "deduction_list", "spot_check_list", "survey_list",
                                  "survey_create", "template_create"])
def test_list_pages_render(operator_a, name):
    assert client_for(operator_a).get(reverse(f"assessment:{name}")).status_code == 200


def test_evaluation_entered_on_page(evaluator, unit_a):
    client = client_for(evaluator)

    form = client.get(reverse("assessment:evaluation_create"))
    saved = client.post(reverse("assessment:evaluation_create"),
                        {"unit": unit_a.pk, "quarter": "2026Q1", "score": "77.5"})
    again = client.post(reverse("assessment:evaluation_create"),
                        {"unit": unit_a.pk, "quarter": "2026Q1", "score": "80"})

    assert form.status_code == 200
    assert saved.status_code == 302
    assert again.status_code == 400
    assert "77.5" in again.content.decode()


def test_evaluation_page_needs_evaluator(operator_a):
    assert client_for(operator_a).get(
        reverse("assessment:evaluation_create")).status_code == 403


def test_stale_evaluation_edit_shows_conflict(evaluator, unit_a):
    evaluation = actions.record_evaluation(evaluator, unit=unit_a, quarter="2026Q1", score="70")
    url = reverse("assessment:evaluation_edit", args=[evaluation.pk])
    client = client_for(evaluator)

    client.post(url, {"score": "71", "comments": "", "version": evaluation.version})
    stale = client.post(url, {"score": "72", "comments": "", "version": evaluation.version})

    assert stale.status_code == 400
    assert Evaluation.objects.get(pk=evaluation.pk).score_tenths == 710


def test_other_unit_evaluation_looks_unknown(evaluator, unit_a, operator_b):
    evaluation = actions.record_evaluation(evaluator, unit=unit_a, quarter="2026Q1", score="70")
    hidden_url = reverse("assessment:evaluation_edit", args=[evaluation.pk])
    missing_url = reverse("assessment:evaluation_edit", args=[evaluation.pk + 1000])

    assert_looks_unknown(logged_in(operator_b), "get", hidden_url, missing_url)


def test_deductions_applied_on_page(evaluator, unit_a, city_admin, operator_a):
    actions.record_evaluation(evaluator, unit=unit_a, quarter="2026Q1", score="40")

    refused = client_for(operator_a).post(reverse("assessment:deduction_apply"),
                                          {"quarter": "2026Q1"})
    applied = client_for(city_admin).post(reverse("assessment:deduction_apply"),
                                          {"quarter": "2026Q1"})
    listing = client_for(city_admin).get(reverse("assessment:deduction_list"),
                                         {"quarter": "2026Q1"})

    assert refused.status_code == 403
    assert applied.status_code == 302
    assert Deduction.objects.count() == 1
    assert "40.0" in listing.content.decode()


def test_bad_quarter_is_400(operator_a):
    response = client_for(operator_a).get(reverse("assessment:evaluation_list"),
                                          {"quarter": "2026Q5"})

    assert response.status_code == 400
    assert "2026Q5" in response.content.decode()


def test_evaluation_page_rejects_future_quarter(evaluator, unit_a):
    response = client_for(evaluator).post(
        reverse("assessment:evaluation_create"),
        {"unit": unit_a.pk, "quarter": "2099Q1", "score": "80"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "2099Q1" in response.content.decode()
    assert "尚未开始" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_weights_page_reports_sum(city_admin):
    response = client_for(city_admin).post(reverse("assessment:weights_create"), {
        "effective_from": "2026-01-01", "satisfaction": "50", "execution": "20",
        "evaluation": "20", "spot_check": "5"})

    assert response.status_code == 400
    assert "95%" in response.content.decode()
    assert not AssessmentWeights.objects.exists()


def test_template_page_parses_lines(operator_a, unit_a):
    client = client_for(operator_a)
    lines = "choice|总体满意吗|满意=100;不满意=0\nrating|效率\ntext|建议"

    bad = client.post(reverse("assessment:template_create"), {
        "name": "问卷", "region": unit_a.region_id, "questions": "choice|满意吗|满意=abc"})
    good = client.post(reverse("assessment:template_create"), {
        "name": "问卷", "region": unit_a.region_id, "questions": lines})

    assert bad.status_code == 400
    assert "满意=abc" in bad.content.decode()
    assert good.status_code == 302
    assert SurveyTemplate.objects.get().questions.count() == 3


def test_survey_pages_label_open_period(survey, operator_a):
    client = client_for(operator_a)

    detail = client.get(reverse("assessment:survey_detail", args=[survey.pk])).content.decode()
    listing = client.get(reverse("assessment:survey_list")).content.decode()

    for page in (detail, listing):
        assert "开放时间" in page
        assert "未锁定" not in page


def test_survey_detail_shows_results(survey, operator_a, operator_b):
    question = survey.template.questions.get(number=1)
    actions.submit_response(survey, mobile="13900001111", answers={question.pk: "5"})

    page = client_for(operator_a).get(reverse("assessment:survey_detail", args=[survey.pk]))

    assert page.status_code == 200
    assert survey.code in page.content.decode()
    assert "100.0" in page.content.decode()
    assert client_for(operator_a).get(
        reverse("assessment:survey_detail", args=[999999])).status_code == 404


def test_other_county_survey_looks_unknown(survey, operator_b):
    hidden_url = reverse("assessment:survey_detail", args=[survey.pk])
    missing_url = reverse("assessment:survey_detail", args=[survey.pk + 1000])

    assert_looks_unknown(logged_in(operator_b), "get", hidden_url, missing_url)


def test_follow_up_and_cancel_pages(inspector_a, unit_a):
    check = plan(inspector_a, unit_a)
    client = client_for(inspector_a)

    cancel = client.get(reverse("assessment:spot_check_cancel", args=[check.pk]))
    draw = client.get(reverse("assessment:spot_check_draw"))
    perform(inspector_a, check, score="20")
    task_pk = type(check).objects.get(pk=check.pk).rectification_task_id
    follow_up = client.post(reverse("assessment:follow_up_create", args=[task_pk]), {
        "planned_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "inspectors": [inspector_a.pk]})

    assert cancel.status_code == 200
    assert draw.status_code == 200
    assert follow_up.status_code == 302


def test_other_county_follow_up_looks_unknown(inspector_a, unit_a, django_user_model):
    check = perform(inspector_a, plan(inspector_a, unit_a), score="20")
    task_pk = type(check).objects.get(pk=check.pk).rectification_task_id
    commission = org_actions.create_unit(None, name="黄岩区纪委监委", kind=UnitKind.COMMISSION,
                                         region=region("331003"))
    inspector_b = make_staff(django_user_model, "inspector_b", Role.INSPECTOR, commission)
    hidden_url = reverse("assessment:follow_up_create", args=[task_pk])
    missing_url = reverse("assessment:follow_up_create", args=[task_pk + 1000])

    assert_looks_unknown(logged_in(inspector_b), "get", hidden_url, missing_url)


def test_operator_cannot_plan(operator_a):
    assert client_for(operator_a).get(
        reverse("assessment:spot_check_create")).status_code == 403
