"""Satisfaction surveys: one response per phone without storing the phone, and the public page."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sunshine.assessment import actions
from sunshine.assessment.models import SurveyAnswer, SurveyResponse
from sunshine.assessment.respondents import respondent_hash
from sunshine.audit.models import AuditEntry

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
def survey(operator_a, unit_a):
    template = actions.create_template(operator_a, name="群众满意度调查", region=unit_a.region,
                                       questions=QUESTIONS)
    today = timezone.localdate()
    return actions.create_survey(operator_a, template=template, unit=unit_a, quarter="2026Q1",
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


def test_closed_survey_refuses_answers(survey, operator_a):
    closed = actions.create_survey(operator_a, template=survey.template, unit=survey.unit,
                                   quarter="2026Q1", opens_on=datetime.date(2025, 1, 1),
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
