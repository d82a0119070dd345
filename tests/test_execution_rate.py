"""The execution rate: the counting rule, open overdue tasks, drill-down and the page."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sunshine.duties import actions, rates
from sunshine.duties.models import Task
from sunshine.duties.periods import quarter
from tests.conftest import region
from tests.duties_data import NOW, make_directive, make_task

pytestmark = pytest.mark.django_db

Q1 = quarter(2026, 1)
Q4 = quarter(2025, 4)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def complete(task: Task, on: datetime.date) -> None:
    Task.objects.filter(pk=task.pk).update(progress=Decimal("100"), completed_on=on)


@pytest.fixture
def world(operator_a, operator_b, unit_a, unit_b, township_unit):
    """Tasks of 椒江区 (county and 海门街道) and 黄岩区 around the first quarter of 2026.

    On 2026-03-16, in Q1:
    - A due 03-10, done 03-09 (on time); B due 03-12, done 03-14 (late).
    - C due 03-15, open (overdue); D due 03-31 (not yet due).
    - E due 2025-12-20, still open (carried in).
    - F due 2025-11-30, done 2026-01-20 (late, carried in).
    - G due 2025-12-10, done 2025-12-01 (finished before Q1, not counted).
    - H cancelled.
    - 海门街道: T1 due 03-01, done on time; T2 due 03-02, open.
    - 黄岩区: Y1 due 03-05, done on time.
    """
    early = datetime.date(2025, 10, 1)
    directive = make_directive(operator_a, unit_a, issued_on=early)
    tasks = {}
    for code, deadline in [("A", (2026, 3, 10)), ("B", (2026, 3, 12)), ("C", (2026, 3, 15)),
                           ("D", (2026, 3, 31)), ("E", (2025, 12, 20)), ("F", (2025, 11, 30)),
                           ("G", (2025, 12, 10)), ("H", (2026, 3, 5))]:
        tasks[code] = make_task(operator_a, directive, code, weight="10", start=early,
                                deadline=datetime.date(*deadline))
    for code, deadline in [("T1", (2026, 3, 1)), ("T2", (2026, 3, 2))]:
        tasks[code] = make_task(operator_a, directive, code, weight="10", start=early,
                                deadline=datetime.date(*deadline), lead_unit=township_unit)
    complete(tasks["A"], datetime.date(2026, 3, 9))
    complete(tasks["B"], datetime.date(2026, 3, 14))
    complete(tasks["F"], datetime.date(2026, 1, 20))
    complete(tasks["G"], datetime.date(2025, 12, 1))
    complete(tasks["T1"], datetime.date(2026, 3, 1))
    actions.cancel_task(operator_a, tasks["H"], reason="并入其他任务")
    other = make_directive(operator_b, unit_b, number="黄政办发〔2026〕3号", issued_on=early)
    tasks["Y1"] = make_task(operator_b, other, "Y1", start=early,
                            deadline=datetime.date(2026, 3, 5))
    complete(tasks["Y1"], datetime.date(2026, 3, 5))
    return tasks


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_due_counts_period_deadlines_and_open_overdue_tasks(world):
    due = rates.tasks_behind(Task.objects.in_region(region("331002")), Q1, NOW.date(), "due")

    assert codes(due) == {"A", "B", "C", "E", "F", "T1", "T2"}


def test_done_on_time_needs_deadline_in_period(world):
    done = rates.tasks_behind(Task.objects.in_region(region("331002")), Q1, NOW.date(),
                              "done_on_time")

    assert codes(done) == {"A", "T1"}


def test_county_rate_is_done_on_time_over_due(world):
    counts = rates.counts(Task.objects.in_region(region("331002")), Q1, NOW.date())

    assert (counts.due, counts.done_on_time) == (7, 2)
    assert counts.execution_rate == Decimal("0.2857")
    assert counts.not_done == 5


def test_past_period_counts_to_its_end(world):
    counts = rates.counts(Task.objects.in_region(region("331002")), Q4, NOW.date())

    # E (open), F (done late in January) and G (done on time) were due in Q4.
    assert (counts.due, counts.done_on_time) == (3, 1)


def test_future_period_has_nothing_due(world):
    counts = rates.counts(Task.objects.all(), quarter(2026, 3), NOW.date())

    assert counts.due == 0
    assert counts.execution_rate is None


def test_drill_down_by_child_region_and_unit(world, unit_a):
    tasks = Task.objects.all()

    counties = {row.region.code: row.counts for row in
                rates.by_child_region(tasks, region("331000"), Q1, NOW.date())}
    assert counties["331002"] == rates.Counts(7, 2)
    assert counties["331003"] == rates.Counts(1, 1)
    assert counties["331004"] == rates.Counts(0, 0)

    townships = {row.region.code: row.counts for row in
                 rates.by_child_region(tasks, region("331002"), Q1, NOW.date())}
    assert townships["331002001"] == rates.Counts(2, 1)

    units = rates.by_unit(tasks, region("331002"), Q1, NOW.date())
    assert [(row.unit, row.counts) for row in units] == [(unit_a, rates.Counts(5, 1))]


def test_drill_down_is_one_grouped_query(world, django_assert_num_queries):
    city = region("331000")

    # One query lists the counties, one groups the tasks by county.
    with django_assert_num_queries(2):
        rates.by_child_region(Task.objects.all(), city, Q1, NOW.date())


def test_for_unit_counts_the_unit_itself(world, unit_a):
    assert rates.for_unit(unit_a, Q1, NOW.date()) == rates.Counts(5, 1)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_shows_definition_and_linked_numbers(world, operator_a):
    url = reverse("duties:execution_rate") + "?region=331002&period=2026Q1"

    with translation.override("en"):
        response = logged_in(operator_a).get(url, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert "open overdue tasks count as due" in html
    assert "28.6%" in html
    assert "region=331002&amp;period=2026Q1&amp;measure=due" in html
    assert "region=331002001&amp;period=2026Q1&amp;measure=done_on_time" in html


def test_page_is_chinese_by_default(world, operator_a):
    response = logged_in(operator_a).get(reverse("duties:execution_rate"))

    assert response.status_code == 200
    assert "执行率" in response.content.decode()


def test_numbers_link_to_the_tasks_behind_them(world, operator_a):
    url = reverse("duties:task_list") + "?region=331002&period=2026Q1&measure=due"

    response = logged_in(operator_a).get(url, HTTP_ACCEPT_LANGUAGE="en")

    listed = {task.code for task in response.context["page"].object_list}
    assert listed == {"A", "B", "C", "E", "F", "T1", "T2"}
    assert {t.code for t in response.context["page"].object_list if t.counted_done} == {"A", "T1"}
    assert "due, not done on time" in response.content.decode()


def test_page_of_another_county_is_forbidden(world, operator_b):
    url = reverse("duties:execution_rate") + "?region=331002"

    assert logged_in(operator_b).get(url).status_code == 403


def test_page_counts_only_the_users_scope(world, township_operator):
    response = logged_in(township_operator).get(reverse("duties:execution_rate"))

    assert response.context["region"].code == "331002001"
    assert response.context["total"] == rates.Counts(2, 1)


@pytest.mark.parametrize("query", ["period=2026Q5", "period=abc", "region=999999"])
def test_bad_filters_are_400(world, operator_a, query):
    response = logged_in(operator_a).get(reverse("duties:execution_rate") + "?" + query)

    assert response.status_code == 400


def test_page_rejects_post(operator_a):
    assert logged_in(operator_a).post(reverse("duties:execution_rate")).status_code == 405


def test_page_needs_login(client):
    response = client.get(reverse("duties:execution_rate"))

    assert response.status_code == 302
