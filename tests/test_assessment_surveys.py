"""Satisfaction surveys: one response per phone without storing the phone, and the public page."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sunshine.assessment import actions
from sunshine.assessment.models import SurveyAnswer, SurveyResponse
from sunshine.assessment.respondents import respondent_hash
from sunshine.audit.models import AuditEntry
from sunshine.duties.periods import quarter_of
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Role
from sunshine.rules.models import Setting
from sunshine.rules.values import settings_changed
from tests.conftest import make_staff, region

pytestmark = pytest.mark.django_db
PHONE = "138 1234 5678"
DIGITS = "13812345678"
QUESTIONS = [
    {"kind": "choice", "text": "总体是否满意", "choices": [
        {"label": "满意", "score": 100}, {"label": "基本满意", "score": 60},
        {"label": "不满意", "score": 0}]},
    {"kind": "rating", "text": "办事效率"},
    {"kind": "text", "text": "意见建议", "required": False},
]


@pytest.fixture
def template(city_admin, unit_a):
    return actions.create_template(city_admin, name="群众满意度调查", region=unit_a.region,
                                   questions=QUESTIONS)


@pytest.fixture(autouse=True)
def empty_cache():
    # The per-address survey limit counts in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey(city_admin, template, unit_a):
    """A survey of ``unit_a`` for the current quarter, run by the city administrator."""
    today = timezone.localdate()
    return actions.create_survey(city_admin, template=template, unit=unit_a,
                                 quarter=quarter_of(today).key,
                                 opens_on=today - datetime.timedelta(days=1),
                                 closes_on=today + datetime.timedelta(days=30))


def answers(survey, choice=0, rating=5, text=""):
    choice_q, rating_q, text_q = survey.template.questions.order_by("number")
    return {choice_q.pk: str(choice), rating_q.pk: str(rating), text_q.pk: text}


def test_response_scores_scored_questions(survey):
    response = actions.submit_response(survey, mobile=PHONE, answers=answers(survey, 1, 4))

    assert response.score == Decimal("67.5")
    assert SurveyAnswer.objects.filter(response=response).count() == 2


def test_second_response_same_phone_refused(survey):
    actions.submit_response(survey, mobile=PHONE, answers=answers(survey))

    with pytest.raises(actions.DuplicateResponse) as raised:
        actions.submit_response(survey, mobile="+86 138-1234-5678", answers=answers(survey, 2))

    assert "已经" in str(raised.value.messages[0]) or "already" in raised.value.messages[0]
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("mobile", ["13８12345678", "１３８１２３４５６７８", "＋86 138 1234 5678"])
def test_full_width_phone_is_same_respondent(survey, mobile):
    actions.submit_response(survey, mobile=DIGITS, answers=answers(survey))

    with pytest.raises(actions.DuplicateResponse):
        actions.submit_response(survey, mobile=mobile, answers=answers(survey, 2))

    assert SurveyResponse.objects.count() == 1


def test_public_page_rejects_full_width_repeat(survey):
    url = reverse("assessment_public:survey", args=[survey.code])
    choice_q, rating_q, _text_q = survey.template.questions.order_by("number")
    data = {f"q{choice_q.pk}": "0", f"q{rating_q.pk}": "5"}

    first = Client().post(url, {**data, "mobile": DIGITS})
    second = Client().post(url, {**data, "mobile": "13８12345678"})

    assert first.status_code == 200
    assert second.status_code == 409
    assert SurveyResponse.objects.count() == 1


def test_hash_is_keyed_per_survey(survey):
    response = actions.submit_response(survey, mobile=PHONE, answers=answers(survey))

    assert response.respondent_hash == respondent_hash(survey.pk, DIGITS)
    assert response.respondent_hash != respondent_hash(survey.pk + 1, DIGITS)


def test_phone_not_stored_anywhere(survey):
    actions.submit_response(survey, mobile=PHONE, answers=answers(survey, text="很好"))

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            found += [table for row in cursor.fetchall() if DIGITS in str(row)]

    assert found == []
    assert not AuditEntry.objects.filter(changes__icontains=DIGITS).exists()


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "0576-88123456", "abc"])
def test_invalid_mobile_rejected(survey, mobile):
    with pytest.raises(ValidationError) as raised:
        actions.submit_response(survey, mobile=mobile, answers=answers(survey))

    assert raised.value.code == "invalid_mobile"
    assert mobile in raised.value.messages[0]


def test_answer_outside_options_rejected(survey):
    with pytest.raises(ValidationError) as raised:
        actions.submit_response(survey, mobile=PHONE, answers=answers(survey, rating=6))

    assert raised.value.code == "answer_invalid"


def test_closed_survey_refuses_answers(survey, city_admin):
    closed = actions.create_survey(city_admin, template=survey.template, unit=survey.unit,
                                   quarter="2025Q1", opens_on=datetime.date(2025, 1, 1),
                                   closes_on=datetime.date(2025, 1, 31))

    with pytest.raises(ValidationError) as raised:
        actions.submit_response(closed, mobile=PHONE, answers=answers(closed))

    assert raised.value.code == "survey_closed"


def test_public_page_takes_answer_once(survey):
    url = reverse("assessment_public:survey", args=[survey.code])
    choice_q, rating_q, _text_q = survey.template.questions.order_by("number")
    data = {"mobile": PHONE, f"q{choice_q.pk}": "0", f"q{rating_q.pk}": "5"}

    page = Client().get(url)
    first = Client().post(url, data)
    second = Client().post(url, data)

    assert page.status_code == 200
    assert "群众满意度调查" in page.content.decode()
    assert first.status_code == 200
    assert second.status_code == 409
    assert SurveyResponse.objects.count() == 1


def test_public_page_limits_answers_per_address(survey):
    Setting.objects.create(key="assessment.survey_max_per_ip", value=2,
                           effective_from=datetime.date(2020, 1, 1))
    settings_changed()
    url = reverse("assessment_public:survey", args=[survey.code])
    choice_q, rating_q, _text_q = survey.template.questions.order_by("number")

    statuses = [Client().post(url, {"mobile": f"1390000000{n}", f"q{choice_q.pk}": "0",
                                    f"q{rating_q.pk}": "1"}).status_code for n in range(4)]
    refused = Client().post(url, {"mobile": "13900000009", f"q{choice_q.pk}": "0",
                                  f"q{rating_q.pk}": "1"})

    assert statuses == [200, 200, 429, 429]
    assert "最多 2 份" in refused.content.decode()
    assert int(refused["Retry-After"]) == 60 * 60
    assert SurveyResponse.objects.count() == 2


def test_public_page_reports_bad_mobile(survey):
    url = reverse("assessment_public:survey", args=[survey.code])

    response = Client().post(url, {"mobile": "12345"})

    assert response.status_code == 400
    assert "12345" in response.content.decode()


def test_unknown_code_is_404(db):
    assert Client().get(reverse("assessment_public:survey", args=["nope"])).status_code == 404


def test_template_needs_two_options(operator_a, unit_a):
    with pytest.raises(ValidationError) as raised:
        actions.create_template(operator_a, name="调查", region=unit_a.region, questions=[
            {"kind": "choice", "text": "满意吗", "choices": [{"label": "是", "score": 100}]}])

    assert raised.value.code == "question_choices"


def survey_dates(template, actor, unit, quarter, opens_on, closes_on):
    return actions.create_survey(actor, template=template, unit=unit, quarter=quarter,
                                 opens_on=opens_on, closes_on=closes_on)


def test_unit_cannot_survey_itself(template, operator_a, unit_a):
    with pytest.raises(ValidationError) as raised:
        survey_dates(template, operator_a, unit_a, "2026Q4", datetime.date(2026, 10, 1),
                     datetime.date(2026, 12, 31))

    assert raised.value.code == "surveyor_in_unit"
    assert "椒江区人民政府" in raised.value.messages[0]


def test_unit_inside_cannot_survey_parent(template, township_unit, unit_a, django_user_model):
    office = org_actions.create_unit(None, name="椒江区考核办", kind="government",
                                     region=region("331002"))
    clerk = make_staff(django_user_model, "clerk", Role.OPERATOR, office)
    Assignment.objects.create(user=clerk, role=Role.LEADER, unit=township_unit)

    with pytest.raises(ValidationError) as raised:
        survey_dates(template, clerk, unit_a, "2026Q4", datetime.date(2026, 10, 1),
                     datetime.date(2026, 12, 31))

    assert raised.value.code == "surveyor_in_unit"


def test_unit_above_may_survey_below(template, operator_a, township_unit):
    survey = survey_dates(template, operator_a, township_unit, "2026Q4",
                          datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))

    assert survey.unit == township_unit


@pytest.mark.parametrize(("opens_on", "closes_on", "code"), [
    (datetime.date(1900, 1, 1), datetime.date(2026, 12, 31), "opens_too_early"),
    (datetime.date(2026, 10, 1), datetime.date(9999, 12, 31), "closes_too_late"),
    (datetime.date(2026, 8, 31), datetime.date(2026, 12, 31), "opens_too_early"),
    (datetime.date(2026, 10, 1), datetime.date(2027, 1, 31), "closes_too_late"),
    (datetime.date(2027, 2, 1), datetime.date(2027, 2, 1), "closes_too_late"),
    (datetime.date(2026, 11, 2), datetime.date(2026, 11, 1), "closes_before_opening"),
])
def test_survey_dates_outside_window_rejected(template, city_admin, unit_a, opens_on, closes_on,
                                              code):
    with pytest.raises(ValidationError) as raised:
        survey_dates(template, city_admin, unit_a, "2026Q4", opens_on, closes_on)

    assert raised.value.code == code
    assert str(opens_on if code == "opens_too_early" else closes_on) in raised.value.messages[0]


def test_survey_window_edges_accepted(template, city_admin, unit_a):
    survey = survey_dates(template, city_admin, unit_a, "2026Q4", datetime.date(2026, 9, 1),
                          datetime.date(2027, 1, 30))

    assert survey.quarter == "2026Q4"


def test_survey_window_is_a_setting(template, city_admin, unit_a):
    Setting.objects.create(key="assessment.survey_window_days", value=0,
                           effective_from=datetime.date(2000, 1, 1))
    settings_changed()

    with pytest.raises(ValidationError) as raised:
        survey_dates(template, city_admin, unit_a, "2026Q4", datetime.date(2026, 9, 30),
                     datetime.date(2026, 12, 31))

    assert raised.value.code == "opens_too_early"


def test_survey_page_explains_self_survey(template, operator_a, unit_a):
    client = Client()
    client.force_login(operator_a)

    response = client.post(reverse("assessment:survey_create"), {
        "template": template.pk, "unit": unit_a.pk, "quarter": "2026Q4",
        "opens_on": "2026-10-01", "closes_on": "2026-12-31"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert "不能" in response.content.decode()
    assert "椒江区人民政府" in response.content.decode()
