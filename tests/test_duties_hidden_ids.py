"""Duty pages return the same response for an id outside the user's scope as for an unknown id.

Every row here belongs to the 椒江区 government (``unit_a``). ``township_operator``
(海门街道 only) and ``operator_b`` (黄岩区 only) may read none of it, so each
page must not let them tell these ids from ids that do not exist.
"""

import pytest
from django.urls import reverse

from sunshine.duties import actions
from sunshine.duties.models import Directive, Duty, Evidence, Milestone, ProgressReport, Task
from sunshine.organisation.models import Person
from tests.duties_data import JPEG, NOW, TODAY, make_directive, make_person, make_task, upload
from tests.hidden_ids import assert_looks_unknown, logged_in, page_text, unknown_id
from tests.test_duties_actions import make_duty
from tests.test_duties_pages import duty_data
from tests.test_tasks_pages import task_data

pytestmark = pytest.mark.django_db

OUTSIDERS = ["township_operator", "operator_b"]

# Page name, HTTP method, model of the id in the address, and the form data posted.
OBJECT_PAGES = [
    ("duties:directive_detail", "get", Directive, None),
    ("duties:directive_edit", "get", Directive, None),
    ("duties:directive_edit", "post", Directive, {"title": "x"}),
    ("duties:directive_weights", "get", Directive, None),
    ("duties:duty_detail", "get", Duty, None),
    ("duties:duty_edit", "get", Duty, None),
    ("duties:task_detail", "get", Task, None),
    ("duties:task_edit", "get", Task, None),
    ("duties:task_weights", "get", Task, None),
    ("duties:task_cancel", "get", Task, None),
    ("duties:task_cancel", "post", Task, {"reason": "撤销"}),
    ("duties:milestone_create", "post", Task, {"name": "验收", "due_on": "2026-04-30"}),
    ("duties:milestone_done", "post", Milestone, {"done_on": "2026-03-15"}),
    ("duties:report_create", "get", Task, None),
    ("duties:report_create", "post", Task, {"percent": "50", "as_of": "2026-03-16",
                                            "text": "完成", "reason": ""}),
    ("duties:report_detail", "get", ProgressReport, None),
    ("duties:report_approve", "post", ProgressReport, {}),
    ("duties:report_return", "post", ProgressReport, {"reason": "照片不清晰"}),
    ("duties:evidence_download", "get", Evidence, None),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path, time_machine):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def rows(operator_a, unit_a) -> dict:
    """Create one row of each model the duty pages load by id, all in 椒江区."""
    directive = make_directive(operator_a, unit_a)
    task = make_task(operator_a, directive, "1")
    milestone = actions.add_milestone(operator_a, task, name="完成设计",
                                      due_on=TODAY.replace(month=5))
    report = actions.submit_report(operator_a, task, percent=40, text="完成清运", as_of=TODAY,
                                   files=[upload("现场.jpg", JPEG)])
    return {Directive: directive, Duty: make_duty(operator_a, unit_a), Task: task,
            Milestone: milestone, ProgressReport: report, Evidence: report.evidence.get(),
            Person: make_person(None, unit_a, name="王五")}


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
@pytest.mark.parametrize(("name", "method", "model", "data"), OBJECT_PAGES)
def test_hidden_id_looks_unknown(outsider, rows, name, method, model, data):
    hidden_url = reverse(name, args=[rows[model].pk])
    missing_url = reverse(name, args=[unknown_id(model)])

    assert_looks_unknown(logged_in(outsider), method, hidden_url, missing_url, data)


@pytest.mark.parametrize("outsider", OUTSIDERS, indirect=True)
@pytest.mark.parametrize(("parameter", "model"), [("directive", Directive), ("parent", Task)])
def test_hidden_task_place_looks_unknown(outsider, rows, parameter, model):
    client = logged_in(outsider)
    base = reverse("duties:task_create")
    hidden_url = f"{base}?{parameter}={rows[model].pk}"
    missing_url = f"{base}?{parameter}={unknown_id(model)}"

    hidden = client.get(hidden_url)
    missing = client.get(missing_url)

    assert hidden.status_code == 404
    assert missing.status_code == 404
    assert (page_text(hidden, hidden_url).replace(base, "")
            == page_text(missing, missing_url).replace(base, ""))


def field_errors(response, field: str, value: int) -> list[str]:
    """Return the form's errors on ``field`` with the value that was sent written as ID."""
    return [error.replace(str(value), "ID") for error in response.context["form"].errors[field]]


@pytest.fixture
def own_directive(township_operator, township_unit) -> Directive:
    return make_directive(township_operator, township_unit, number="海政发〔2026〕3号")


@pytest.mark.parametrize(("field", "model"), [("duty", Duty), ("responsible_person", Person)])
def test_hidden_task_choice_looks_unknown(township_operator, township_unit, own_directive,
                                          rows, field, model):
    client = logged_in(township_operator)
    url = reverse("duties:task_create") + f"?directive={own_directive.pk}"
    hidden_id, missing_id = rows[model].pk, unknown_id(model)

    hidden = client.post(url, task_data(township_unit, **{field: hidden_id}))
    missing = client.post(url, task_data(township_unit, **{field: missing_id}))

    assert hidden.status_code == 400
    assert missing.status_code == 400
    assert field_errors(hidden, field, hidden_id) == field_errors(missing, field, missing_id)
    assert str(rows[model]) not in hidden.content.decode()


def test_hidden_duty_directive_looks_unknown(township_operator, township_unit, rows):
    client = logged_in(township_operator)
    url = reverse("duties:duty_create")
    hidden_id, missing_id = rows[Directive].pk, unknown_id(Directive)

    hidden = client.post(url, duty_data(township_unit, directive=hidden_id))
    missing = client.post(url, duty_data(township_unit, directive=missing_id))

    assert hidden.status_code == 400
    assert missing.status_code == 400
    assert (field_errors(hidden, "directive", hidden_id)
            == field_errors(missing, "directive", missing_id))
    assert rows[Directive].title not in hidden.content.decode()


def test_read_only_user_gets_403(inspector_a, rows):
    url = reverse("duties:task_edit", args=[rows[Task].pk])

    assert logged_in(inspector_a).get(url).status_code == 403
