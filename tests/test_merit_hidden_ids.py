"""Merit pages return the same response for an id outside the user's scope as for an unknown id.

Every row here concerns 张三 of the 椒江区 government (``unit_a``). ``leader_b``
(黄岩区) and ``township_leader`` (海门街道, below ``unit_a``) read the merit
ledger of their own units only, so they must not tell these ids from ids that
do not exist.
"""

import datetime

import pytest
from django.urls import reverse

from sunshine.merit import actions
from sunshine.merit.models import Appeal, Award, Exemption, PointEntry
from sunshine.organisation.models import Unit
from tests.hidden_ids import assert_looks_unknown, logged_in, unknown_id
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db

OUTSIDERS = ["leader_b", "township_leader"]

DECISION = {"decision": "approve", "reason": "核实属实"}

# Page name, HTTP method, model of the id in the address, and the form data posted.
OBJECT_PAGES = [
    ("merit:entry_detail", "get", PointEntry, None),
    ("merit:entry_reverse", "post", PointEntry, {"reason": "录入错误"}),
    ("merit:entry_appeal", "post", PointEntry, {"reason": "时限已批准顺延"}),
    ("merit:entry_exempt", "post", PointEntry, {"reason": "先行先试", "followed_procedure": "on"}),
    ("merit:exemption_detail", "get", Exemption, None),
    ("merit:exemption_decide", "post", Exemption, DECISION),
    ("merit:appeal_detail", "get", Appeal, None),
    ("merit:appeal_decide", "post", Appeal, DECISION),
    ("merit:award_detail", "get", Award, None),
    ("merit:award_decide", "post", Award, DECISION),
]

# Pages that take a unit id in their query string.
UNIT_PAGES = ["merit:rankings", "merit:promotion", "merit:ledger"]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def leader_b(django_user_model, unit_b):
    return make_leader(django_user_model, unit_b, username="leader_b")


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_leader(django_user_model, township_unit, username="township_leader")


@pytest.fixture
def rows(operator_a, leader_a, unit_a) -> dict:
    """Create one row of each model the merit pages load by id, all about 张三 of 椒江区."""
    cadre = make_person(operator_a, unit_a)
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1", responsible_person=cadre)
    penalty = post("task_overdue", cadre, task, datetime.date(2026, 2, 27))
    appeal = actions.file_appeal(operator_a, penalty, reason="时限已批准顺延")
    exemption = actions.request_exemption(
        operator_a, penalty, reason="按程序集体决策", followed_procedure=True,
        private_gain=False, prohibited_by_superior=False)
    colleague = make_person(None, unit_a, name="王五")
    award = actions.nominate_award(leader_a, colleague, reason="攻坚克难")
    return {PointEntry: penalty, Appeal: appeal, Exemption: exemption, Award: award}


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
@pytest.mark.parametrize(("name", "method", "model", "data"), OBJECT_PAGES)
def test_hidden_id_looks_unknown(outsider, rows, name, method, model, data):
    hidden_url = reverse(name, args=[rows[model].pk])
    missing_url = reverse(name, args=[unknown_id(model)])

    assert_looks_unknown(logged_in(outsider), method, hidden_url, missing_url, data)


def unit_errors(response, value: int) -> list[str]:
    """Return the form's errors on ``unit`` with the id that was sent written as ID."""
    return [error.replace(str(value), "ID") for error in response.context["form"].errors["unit"]]


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
@pytest.mark.parametrize("name", UNIT_PAGES)
def test_hidden_unit_looks_unknown(outsider, unit_a, name):
    client = logged_in(outsider)
    hidden_id, missing_id = unit_a.pk, unknown_id(Unit)

    hidden = client.get(reverse(name), {"unit": hidden_id, "period": "2026Q1"})
    missing = client.get(reverse(name), {"unit": missing_id, "period": "2026Q1"})

    assert hidden.status_code == 400
    assert missing.status_code == 400
    assert unit_errors(hidden, hidden_id) == unit_errors(missing, missing_id)
    assert unit_a.name not in hidden.content.decode()


def test_own_unit_ranking_opens(township_leader, township_unit):
    response = logged_in(township_leader).get(reverse("merit:rankings"),
                                              {"unit": township_unit.pk, "period": "2026Q1"})

    assert response.status_code == 200
