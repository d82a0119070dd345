"""Shared data for the assessment tests.

Besides the conftest personas: ``evaluator`` is a third-party evaluator
assigned in 椒江区 (so it may evaluate ``unit_a``), ``leader_a`` leads
``unit_a``, and ``inspector_a`` (椒江区 commission) plans spot checks of
``unit_a`` without working in it.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sunshine.assessment import actions
from sunshine.assessment.models import SpotCheck
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Role, UnitKind
from tests.conftest import make_staff, region
from tests.duties_data import make_leader

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(name="evaluator")
def evaluator_fixture(django_user_model):
    firm = org_actions.create_unit(None, name="台州评估中心", kind=UnitKind.EVALUATOR,
                                   region=region("331002"))
    return make_staff(django_user_model, "evaluator", Role.EVALUATOR, firm)


@pytest.fixture(name="second_evaluator")
def second_evaluator_fixture(django_user_model, evaluator):
    firm = evaluator.assignments.first().unit
    return make_staff(django_user_model, "evaluator_2", Role.EVALUATOR, firm)


@pytest.fixture(name="leader_a")
def leader_a_fixture(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


def plan(inspector, unit, **fields) -> SpotCheck:
    values = {"title": "农村人居环境暗访", "target_unit": unit,
              "planned_on": timezone.localdate() + datetime.timedelta(days=3),
              "inspectors": [inspector]}
    values.update(fields)
    return actions.plan_spot_check(inspector, **values)


def perform(inspector, check: SpotCheck, score: str = "85", **fields) -> SpotCheck:
    values = {"performed_at": timezone.now() - datetime.timedelta(hours=1),
              "findings": "垃圾分类台账不全", "score": Decimal(score), "location": "海门街道"}
    values.update(fields)
    return actions.perform_spot_check(inspector, check, **values)
