"""Percent cells of the duty workbook: a percentage-formatted 0.5 is 50, a plain 50 stays 50.

The workbooks are written by openpyxl with the number format set on the
weight cells (权重(%) of 任务分解), as Excel stores a cell typed as 50%.
"""

from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from sunshine.duties.excel.importer import LedgerError, import_workbook
from sunshine.duties.models import Task
from sunshine.lib.number_formats import is_percent_format
from tests.duties_data import NOW, make_person
from tests.test_duties_excel import sheets

pytestmark = pytest.mark.django_db

WEIGHT = "权重(%)"
TASKS = "任务分解"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def people(operator_a, unit_a, township_unit):
    return make_person(operator_a, unit_a)


def weighted_workbook(tmp_path, weights: list[tuple[object, str]]):
    """Write the standard workbook with each task row's weight and its number format.

    ``weights`` contains (value, number format) for the task rows in order.
    """
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets().items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    tasks = book[TASKS]
    column = sheets()[TASKS][0].index(WEIGHT) + 1
    for row, (value, number_format) in enumerate(weights, start=2):
        cell = tasks.cell(row=row, column=column)
        cell.value = value
        cell.number_format = number_format
    path = tmp_path / "weights.xlsx"
    book.save(path)
    return path


def stored_weights() -> dict[str, Decimal]:
    """Return the weights of the workbook's four tasks, leaving out the monthly duty's tasks."""
    tasks = Task.objects.filter(code__in=["1", "1.1", "1.2", "2"])
    return dict(tasks.values_list("code", "weight"))


def rejected_weight(tmp_path, actor, weights) -> tuple:
    with translation.override("zh-hans"), pytest.raises(LedgerError) as caught:
        import_workbook(actor, weighted_workbook(tmp_path, weights))
    issues = [issue for issue in caught.value.errors if issue.column == WEIGHT]
    assert issues, caught.value.errors
    assert not Task.objects.exists()
    return issues[0]


def test_percent_cells_read_as_percent(tmp_path, people, operator_a):
    weights = [(0.6, "0%"), (0.5, "0%"), (0.5, "0.00%"), (0.4, "0%")]

    import_workbook(operator_a, weighted_workbook(tmp_path, weights))

    assert stored_weights() == {"1": Decimal("60.00"), "1.1": Decimal("50.00"),
                                "1.2": Decimal("50.00"), "2": Decimal("40.00")}


def test_plain_numbers_keep_their_value(tmp_path, people, operator_a):
    weights = [(60, "General"), (50, "0"), (50, "0.00"), (40, "General")]

    import_workbook(operator_a, weighted_workbook(tmp_path, weights))

    assert stored_weights() == {"1": Decimal("60.00"), "1.1": Decimal("50.00"),
                                "1.2": Decimal("50.00"), "2": Decimal("40.00")}


def test_mixed_formats_in_one_column(tmp_path, people, operator_a):
    weights = [(0.6, "0%"), (33.33, "General"), ("66.67%", "@"), (0.4, "0.0%")]

    import_workbook(operator_a, weighted_workbook(tmp_path, weights))

    assert stored_weights() == {"1": Decimal("60.00"), "1.1": Decimal("33.33"),
                                "1.2": Decimal("66.67"), "2": Decimal("40.00")}


def test_percent_cell_keeps_two_decimals(tmp_path, people, operator_a):
    weights = [(0.6, "0%"), (0.3333, "0.00%"), (0.6667, "0.00%"), (0.4, "0%")]

    import_workbook(operator_a, weighted_workbook(tmp_path, weights))

    assert stored_weights()["1.1"] == Decimal("33.33")
    assert stored_weights()["1.2"] == Decimal("66.67")


def test_quoted_percent_sign_is_text(tmp_path, people, operator_a):
    weights = [(60, '0"%"'), (50, '0\\%'), (50, "General"), (40, "General")]

    import_workbook(operator_a, weighted_workbook(tmp_path, weights))

    assert stored_weights()["1"] == Decimal("60.00")
    assert stored_weights()["1.1"] == Decimal("50.00")


def test_percent_cell_above_100_is_rejected(tmp_path, people, operator_a):
    weights = [(60, "0%"), (0.5, "0%"), (0.5, "0%"), (0.4, "0%")]

    issue = rejected_weight(tmp_path, operator_a, weights)

    assert (issue.sheet, issue.row, issue.column) == (TASKS, 2, WEIGHT)
    assert issue.value == "6000%"
    assert "“6000%”超出 0%–100%" in issue.reason
    assert "请在单元格中输入 50%" in issue.reason


def test_plain_number_above_100_is_rejected(tmp_path, people, operator_a):
    weights = [(60, "General"), (150, "General"), (50, "General"), (40, "General")]

    issue = rejected_weight(tmp_path, operator_a, weights)

    assert (issue.sheet, issue.row, issue.column) == (TASKS, 3, WEIGHT)
    assert issue.value == "150"
    assert "“150”超出 0–100" in issue.reason


def test_negative_percent_cell_is_rejected(tmp_path, people, operator_a):
    weights = [(0.6, "0%"), (-0.5, "0%"), (0.5, "0%"), (0.4, "0%")]

    issue = rejected_weight(tmp_path, operator_a, weights)

    assert (issue.row, issue.value) == (3, "-50%")


def test_percent_cell_with_three_decimals_is_rejected(tmp_path, people, operator_a):
    weights = [(0.6, "0%"), (0.33333, "0.000%"), (0.66667, "0.000%"), (0.4, "0%")]

    issue = rejected_weight(tmp_path, operator_a, weights)

    assert (issue.row, issue.value) == (3, "33.333%")
    assert "0.01" in issue.reason


def test_english_message_names_the_fix(tmp_path, people, operator_a):
    weights = [(60, "0%"), (0.5, "0%"), (0.5, "0%"), (0.4, "0%")]

    with translation.override("en"), pytest.raises(LedgerError) as caught:
        import_workbook(operator_a, weighted_workbook(tmp_path, weights))

    reason = caught.value.errors[0].reason
    assert "“6000%” is outside 0%–100%" in reason
    assert "type 50% in the cell" in reason


@pytest.mark.parametrize(("code", "expected"), [
    ("0%", True),
    ("0.00%", True),
    ("#,##0.0%;[Red]-#,##0.0%", True),
    ("General", False),
    ("0.00", False),
    ('0"%"', False),
    ("0\\%", False),
    ("0_%", False),
    ("", False),
])
def test_is_percent_format(code, expected):
    assert is_percent_format(code) is expected
