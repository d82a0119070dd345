"""Survey templates and surveys (staff), and anonymous responses (citizens)."""

import datetime
import logging
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.assessment.actions.common import HUNDRED, require_unit_write
from sunshine.assessment.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from sunshine.assessment.models.surveys import RATING_MAX, RATING_MIN
from sunshine.assessment.models.tenths import round_score, to_tenths
from sunshine.assessment.quarters import parse_quarter
from sunshine.assessment.respondents import normalize_mobile, respondent_hash
from sunshine.assessment.visibility import own_unit_paths
from sunshine.audit import chain
from sunshine.duties.actions.batch import Batch
from sunshine.duties.periods import Period
from sunshine.organisation.models import Region, Unit
from sunshine.organisation.scoping import scope_for
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

CODE_BYTES = 12
SURVEY_WINDOW = "assessment.survey_window_days"
RATING_STEP = HUNDRED / (RATING_MAX - RATING_MIN)


def create_template(actor: Any, *, name: str, region: Region, introduction: str = "",
                    questions: list[dict]) -> SurveyTemplate:
    """Create a template with its questions, each ``{"text", "kind", "choices", "required"}``."""
    if actor is not None and not scope_for(actor, write=True).contains_region(region):
        raise ValidationError(_("%(region)s is outside the regions you may change; choose a "
                                "region in your scope") % {"region": region.name},
                              code="region_scope")
    if not (name or "").strip():
        raise ValidationError(_("Enter a name for the survey template"), code="name_missing")
    if not questions:
        raise ValidationError(_("A survey needs at least one question"), code="questions_missing")
    for number, question in enumerate(questions, start=1):
        check_question(number, question)
    template = SurveyTemplate(name=name.strip(), region=region,
                              introduction=(introduction or "").strip())
    with transaction.atomic():
        batch = Batch()
        batch.insert(template)
        for number, question in enumerate(questions, start=1):
            batch.insert(SurveyQuestion(template=template, number=number,
                                        text=question["text"].strip(), kind=question["kind"],
                                        choices=question.get("choices", []),
                                        required=question.get("required", True)))
        batch.commit(actor, "create", object_type=chain.object_type_of(SurveyTemplate),
                     object_id=template.pk, changes={"name": template.name,
                                                     "questions": len(questions)})
    return template


def check_question(number: int, question: dict) -> None:
    if not question.get("text", "").strip():
        raise ValidationError(_("Question %(number)s has no text; write the question")
                              % {"number": number}, code="question_text")
    if question.get("kind") not in QuestionKind.values:
        raise ValidationError(_("Question %(number)s has the unknown kind “%(kind)s”; use choice, "
                                "rating or text") % {"number": number, "kind": question.get("kind")},
                              code="question_kind")
    choices = question.get("choices", [])
    if question["kind"] != QuestionKind.CHOICE:
        return
    if len(choices) < 2:
        raise ValidationError(_("Question %(number)s needs at least two options") % {
            "number": number}, code="question_choices")
    for choice in choices:
        score = choice.get("score")
        if not choice.get("label") or not isinstance(score, int) or not 0 <= score <= 100:
            raise ValidationError(
                _("Option “%(label)s” of question %(number)s needs a label and a whole score "
                  "from 0 to 100") % {"label": choice.get("label", ""), "number": number},
                code="question_choices")


def create_survey(actor: Any, *, template: SurveyTemplate, unit: Unit, quarter: str,
                  opens_on: datetime.date, closes_on: datetime.date) -> Survey:
    """Open a template to the citizens of ``unit``, with a fresh unguessable public code."""
    require_unit_write(actor, unit)
    check_surveyor(actor, unit)
    period = parse_quarter(quarter)
    check_survey_dates(unit, period, opens_on, closes_on)
    survey = Survey(template=template, unit=unit, quarter=period.key, opens_on=opens_on,
                    closes_on=closes_on, code=secrets.token_urlsafe(CODE_BYTES))
    with transaction.atomic():
        batch = Batch()
        batch.insert(survey)
        batch.commit(actor, "create", object_type=chain.object_type_of(Survey),
                     object_id=survey.pk, changes={"unit": unit.pk, "quarter": period.key})
    return survey


def check_surveyor(actor: Any, unit: Unit) -> None:
    """Reject a survey run by the surveyed unit itself or by a unit inside it.

    The satisfaction score feeds the unit's own composite score, so the
    people it rates must not run the survey. An actor of None (the system) passes.
    """
    if actor is None:
        return
    if any(path.startswith(unit.path) for path in own_unit_paths(actor)):
        raise ValidationError(
            _("You work in “%(unit)s” or in a unit inside it, so you cannot survey it; a unit "
              "above it, such as the assessment office, runs its survey") % {"unit": unit},
            code="surveyor_in_unit")


def check_survey_dates(unit: Unit, period: Period, opens_on: datetime.date,
                       closes_on: datetime.date) -> None:
    """Require the survey to run within ``assessment.survey_window_days`` of its quarter."""
    if closes_on < opens_on:
        raise ValidationError(_("Closing date %(closes)s is before the opening date %(opens)s; "
                                "correct one of the two dates") % {"closes": closes_on,
                                                                    "opens": opens_on},
                              code="closes_before_opening")

    days = get_setting(SURVEY_WINDOW, region=unit.region)
    earliest = period.start - datetime.timedelta(days=days)
    latest = period.end + datetime.timedelta(days=days)
    if opens_on < earliest:
        raise ValidationError(
            _("Opening date %(opens)s is more than %(days)s days before %(quarter)s starts; "
              "open the survey on %(earliest)s or later") % {
                "opens": opens_on, "days": days, "quarter": period.key, "earliest": earliest},
            code="opens_too_early")
    if closes_on > latest:
        raise ValidationError(
            _("Closing date %(closes)s is more than %(days)s days after %(quarter)s ends; "
              "close the survey on %(latest)s or earlier") % {
                "closes": closes_on, "days": days, "quarter": period.key, "latest": latest},
            code="closes_too_late")


class DuplicateResponse(ValidationError):
    """Raised when the phone number has already answered the survey."""


def submit_response(survey: Survey, *, mobile: str, answers: dict[int, Any]) -> SurveyResponse:
    """Store an anonymous response; ``answers`` maps question ids to option index, rating or text.

    The phone number only feeds the keyed hash and is dropped afterwards.
    Raises DuplicateResponse when the same number already answered.
    """
    today = timezone.localdate()
    if not survey.is_open(today):
        raise ValidationError(_("This survey is open from %(opens)s to %(closes)s; answers are "
                                "not taken today") % {"opens": survey.opens_on,
                                                      "closes": survey.closes_on},
                              code="survey_closed")
    digest = respondent_hash(survey.pk, normalize_mobile(mobile))
    if SurveyResponse.objects.filter(survey=survey, respondent_hash=digest).exists():
        raise duplicate()
    questions = list(survey.template.questions.all())
    rows = [answer_row(question, answers.get(question.pk)) for question in questions]
    scores = [score for _row, score in rows if score is not None]
    score = round_score(sum(scores, Decimal(0)) / len(scores)) if scores else None
    response = SurveyResponse(survey=survey, respondent_hash=digest, submitted_on=today,
                              score_tenths=None if score is None else to_tenths(score))
    try:
        with transaction.atomic():
            write_response(response, [row for row, _score in rows if row is not None])
    except IntegrityError:
        raise duplicate() from None
    logger.info("survey %s response %s stored", survey.pk, response.pk)
    return response


def duplicate() -> DuplicateResponse:
    return DuplicateResponse(_("This phone number has already answered this survey; each "
                               "person answers once. Thank you for taking part."),
                             code="duplicate_response")


def write_response(response: SurveyResponse, answers: list[SurveyAnswer]) -> None:
    batch = Batch()
    batch.insert(response)
    for answer in answers:
        answer.response = response
        batch.insert(answer)
    batch.commit(None, "respond", object_type=chain.object_type_of(SurveyResponse),
                 object_id=response.pk, changes={"survey": response.survey_id})


def answer_row(question: SurveyQuestion, value: Any) -> tuple[SurveyAnswer | None, Decimal | None]:
    """Check one answer; return the row to store (None when skipped) and its 0–100 score."""
    text = "" if value is None else str(value).strip()
    if not text:
        if question.required:
            raise ValidationError(_("Question %(number)s is required; answer it before sending")
                                  % {"number": question.number}, code="answer_missing")
        return None, None
    if question.kind == QuestionKind.TEXT:
        return SurveyAnswer(question=question, text=text), None
    number = int(text) if text.isdigit() else -1
    if question.kind == QuestionKind.RATING:
        if not RATING_MIN <= number <= RATING_MAX:
            raise invalid_answer(question, text)
        return (SurveyAnswer(question=question, rating=number),
                (number - RATING_MIN) * RATING_STEP)
    if not 0 <= number < len(question.choices):
        raise invalid_answer(question, text)
    return (SurveyAnswer(question=question, choice_index=number),
            Decimal(question.choices[number]["score"]))


def invalid_answer(question: SurveyQuestion, text: str) -> ValidationError:
    return ValidationError(_("Answer “%(value)s” to question %(number)s is not one of the "
                             "offered options; choose one of them") % {
        "value": text, "number": question.number}, code="answer_invalid")
