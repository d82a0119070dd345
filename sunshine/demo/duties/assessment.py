"""Demo effectiveness assessment of one county: evaluations, surveys and spot checks.

Everything goes through the ``sunshine.assessment`` actions, as the
pages would write it, so the rows are audited and the deductions,
rectification task and merit points of a failed check follow from them.
The actions accept only recent quarters and the current day, so the
assessment follows the day the demo is built, not AS_OF. Evaluations
cover the current quarter and the one before, and surveys the current
quarter. Surveys, responses and spot checks are dated today. While
that day lies in AS_OF's quarter, as when the demo was calibrated, the
composite scores combine them with the tasks' execution rates.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from sunshine.assessment.actions.deductions import apply_deductions
from sunshine.assessment.actions.evaluations import record_evaluation
from sunshine.assessment.actions.spot_checks import perform_spot_check, plan_spot_check
from sunshine.assessment.actions.surveys import create_survey, create_template, submit_response
from sunshine.assessment.models import Deduction, Evaluation, SpotCheck, SurveyResponse
from sunshine.demo import bulk
from sunshine.demo.organisation import Organisation
from sunshine.duties.periods import quarter_of
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Region, Role, Unit, UnitKind

COUNTY = "331002"
EVALUATOR_UNIT = "台州市第三方评估中心"
EVALUATOR = "evaluator"
INSPECTOR = "inspector"
# Units of the county evaluated below the deduction line in the earlier quarter.
WEAK_UNITS = 3
EVALUATED_TOWNSHIPS = 6
SURVEYED_UNITS = 3
RESPONSES_PER_SURVEY = 6
QUESTIONS: list[dict[str, Any]] = [
    {"text": "您对本单位办事效率的评价", "kind": "rating"},
    {"text": "您对本单位工作人员服务态度是否满意", "kind": "choice",
     "choices": [{"label": "满意", "score": 100}, {"label": "基本满意", "score": 70},
                 {"label": "不满意", "score": 20}]},
    {"text": "您的意见和建议", "kind": "text", "required": False},
]


@dataclass
class DemoAssessment:
    evaluations: int
    deductions: int
    responses: int
    spot_checks: int


def build_assessment(actor: Any, rng: random.Random, organisation: Organisation) -> DemoAssessment:
    county = next(c for c in organisation.counties if c.region.code == COUNTY)
    townships = [t.government for t in organisation.townships if t.county is county]
    units = ([county.units[key] for key in ("finance", "agriculture", "transport")]
             + townships[:EVALUATED_TOWNSHIPS])
    evaluator = _evaluator(actor, organisation)
    admin = get_user_model().objects.get(username="admin")

    current = quarter_of(timezone.localdate())
    earlier = quarter_of(current.start - datetime.timedelta(days=1))
    weak = set(rng.sample(range(len(units)), WEAK_UNITS))
    for index, unit in enumerate(units):
        for period in (earlier, current):
            low = index in weak and period is earlier
            score = rng.randint(50, 58) if low else rng.randint(66, 96)
            record_evaluation(evaluator, unit=unit, quarter=period.key, score=Decimal(score),
                              comments="台账资料完整，现场核查与报送一致。" if not low
                              else "多项任务逾期，佐证材料缺失。")
    for period in (earlier, current):
        apply_deductions(period.key, actor=admin, region=county.region)

    _surveys(admin, rng, county.region, townships[:SURVEYED_UNITS], current.key)
    _spot_checks(organisation, townships[-3:])
    return DemoAssessment(Evaluation.objects.count(), Deduction.objects.count(),
                          SurveyResponse.objects.count(), SpotCheck.objects.count())


def _evaluator(actor: Any, organisation: Organisation) -> Any:
    """Create the third-party evaluator's unit at the city and its demo account."""
    city = organisation.city_government.region
    unit = org_actions.create_unit(actor, name=EVALUATOR_UNIT, kind=UnitKind.EVALUATOR, region=city)
    # The admin's password hash is the demo password's; hashing it again would take a second.
    password = get_user_model().objects.get(username="admin").password
    user = get_user_model()(username=EVALUATOR, last_name="评", first_name="估员",
                            password=password)
    bulk.insert_plain(actor, [user])
    bulk.insert_plain(actor, [Assignment(user=user, role=Role.EVALUATOR, unit=unit)])
    return user


def _surveys(admin: Any, rng: random.Random, county: Region, units: list[Unit],
             quarter: str) -> None:
    today = timezone.localdate()
    template = create_template(admin, name="乡镇（街道）群众满意度调查",
                               region=county, questions=QUESTIONS)
    questions = list(template.questions.order_by("number"))
    for unit in units:
        survey = create_survey(admin, template=template, unit=unit, quarter=quarter,
                               opens_on=today - datetime.timedelta(days=20),
                               closes_on=today + datetime.timedelta(days=20))
        for number in range(RESPONSES_PER_SURVEY):
            answers = {questions[0].pk: rng.randint(2, 5), questions[1].pk: rng.choice((0, 0, 1, 2))}
            submit_response(survey, mobile=f"139{survey.pk:04d}{number:04d}", answers=answers)


def _spot_checks(organisation: Organisation, units: list[Unit]) -> None:
    """Plan three checks: one passed, one failed with its rectification, one still secret."""
    inspector = get_user_model().objects.get(username=INSPECTOR)
    today = timezone.localdate()
    checks = [plan_spot_check(inspector, title=f"{unit.name}基层减负和任务落实情况暗访",
                              target_unit=unit, planned_on=today, inspectors=[inspector])
              for unit in units]
    performed_at = timezone.now() - datetime.timedelta(minutes=5)
    perform_spot_check(inspector, checks[0], performed_at=performed_at, score=Decimal(86),
                       findings="台账规范，现场情况与报送一致。", location="镇政府便民服务中心")
    head = organisation.people[units[1].pk][0]
    perform_spot_check(inspector, checks[1], performed_at=performed_at, score=Decimal(48),
                       findings="村庄清洁行动台账与现场不符，两处点位垃圾未清运。",
                       location="村文化礼堂周边", responsible_person=head)
