"""Finding whether directives are spot check rectifications takes a fixed number of queries.

Every task or directive change checks whether its directive is the
rectification of a failed spot check. These tests count the queries on the
spot check tables (``assessment_*``) of a workbook import, and of a weights
change, with few and with many rows: the count must not grow with the rows.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from sunshine.assessment.models import SpotCheck
from sunshine.duties import actions
from sunshine.duties.excel.importer import import_workbook
from sunshine.duties.models import Directive, Task
from tests.assessment_data import perform, plan
from tests.duties_data import NOW, make_directive, make_task
from tests.test_duties_excel import DIRECTIVE_HEADERS, TASK_HEADERS

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 20
START, DEADLINE = datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def spot_check_queries(context: CaptureQueriesContext) -> int:
    """Return how many captured queries read the assessment tables, spot checks among them."""
    return sum("assessment_" in query["sql"] for query in context.captured_queries)


def write_book(path, sheets: dict[str, list[list]]):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def task_rows(number: str, unit_name: str, count: int, parent: str = "") -> list[list]:
    """Return ``count`` new task rows whose weights sum to 100, under ``parent`` or the top."""
    weight = 100 // count
    prefix = f"{parent}." if parent else ""
    return [[number, f"{prefix}{index}", parent, f"任务{index}", unit_name, "", "", START,
             DEADLINE, weight, "", "", ""] for index in range(1, count + 1)]


def import_counting(actor, path) -> int:
    with CaptureQueriesContext(connection) as context:
        import_workbook(actor, path)
    return spot_check_queries(context)


def test_new_task_rows_query_once(tmp_path, operator_a, unit_a):
    few_directive = make_directive(operator_a, unit_a, number="椒政办发〔2026〕21号")
    many_directive = make_directive(operator_a, unit_a, number="椒政办发〔2026〕22号")
    few = write_book(tmp_path / "few.xlsx", {"任务分解": [TASK_HEADERS, *task_rows(
        few_directive.document_number, unit_a.name, FEW)]})
    many = write_book(tmp_path / "many.xlsx", {"任务分解": [TASK_HEADERS, *task_rows(
        many_directive.document_number, unit_a.name, MANY)]})

    few_queries = import_counting(operator_a, few)
    many_queries = import_counting(operator_a, many)

    assert Task.objects.filter(directive=many_directive).count() == MANY
    assert few_queries == 1
    assert many_queries == few_queries


def test_changed_directive_rows_query_once(tmp_path, operator_a, unit_a):
    stored = [make_directive(operator_a, unit_a, number=f"椒政办发〔2026〕{index}号")
              for index in range(1, MANY + 1)]

    def directive_book(name: str, directives: list[Directive]):
        rows = [[directive.document_number, f"{directive.title}（修订）", directive.issuer,
                 directive.issued_on, directive.region_id, unit_a.name, ""]
                for directive in directives]
        return write_book(tmp_path / name, {"决策部署": [DIRECTIVE_HEADERS, *rows]})

    few_queries = import_counting(operator_a, directive_book("few.xlsx", stored[:FEW]))
    many_queries = import_counting(operator_a, directive_book("many.xlsx", stored))

    assert Directive.objects.filter(title__endswith="（修订）").count() == MANY
    assert few_queries == 1
    assert many_queries == few_queries


def make_rectification(inspector, unit, title: str) -> Task:
    """Fail a spot check of ``unit`` and return the rectification task it creates."""
    check = perform(inspector, plan(inspector, unit, title=title), score="40")
    return Task.objects.select_related("directive").get(
        pk=SpotCheck.objects.get(pk=check.pk).rectification_task_id)


def sub_task_rows(rectification: Task, unit_name: str, count: int) -> list[list]:
    rows = task_rows(rectification.directive.document_number, unit_name, count, parent="1")
    return [[*row[:7], rectification.start, rectification.deadline, *row[9:]] for row in rows]


def test_rectification_rows_query_a_bounded_number(tmp_path, inspector_a, operator_a,
                                                   township_unit):
    few_task = make_rectification(inspector_a, township_unit, "海门街道暗访")
    many_task = make_rectification(inspector_a, township_unit, "海门街道回访")
    few = write_book(tmp_path / "few.xlsx", {"任务分解": [
        TASK_HEADERS, *sub_task_rows(few_task, township_unit.name, FEW)]})
    many = write_book(tmp_path / "many.xlsx", {"任务分解": [
        TASK_HEADERS, *sub_task_rows(many_task, township_unit.name, MANY)]})

    few_queries = import_counting(operator_a, few)
    many_queries = import_counting(operator_a, many)

    assert Task.objects.filter(parent=many_task).count() == MANY
    assert few_queries > 0
    assert many_queries == few_queries


def test_set_weights_queries_once(operator_a, unit_a):
    directive = make_directive(operator_a, unit_a)
    tasks = [make_task(operator_a, directive, str(index), weight="5")
             for index in range(1, MANY + 1)]
    weights = {task.pk: Decimal("5") for task in tasks}
    weights[tasks[0].pk] = Decimal("5.5")
    weights[tasks[1].pk] = Decimal("4.5")

    with CaptureQueriesContext(connection) as context:
        actions.set_weights(operator_a, directive, None, weights)

    assert Task.objects.get(pk=tasks[0].pk).weight == Decimal("5.5")
    assert spot_check_queries(context) == 1


def test_update_task_queries_once(operator_a, unit_a):
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1")

    with CaptureQueriesContext(connection) as context:
        actions.update_task(operator_a, task, {"name": "改名"}, expected_version=task.version)

    assert spot_check_queries(context) == 1
