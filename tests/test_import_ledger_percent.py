"""Progress cells of the ledger: a percentage-formatted 0.5 is 50, a plain 50 stays 50.

The workbooks are written by openpyxl with the number format set on the
形象进度(%) cells of the 项目 sheet, as Excel stores a cell typed as 50%.
"""

import pytest
from openpyxl import load_workbook

from sunshine.funds.ledger.importer import LedgerError, import_workbook
from sunshine.funds.models import Project
from sunshine.lib.xlsx_styles import has_percent_cell_format
from tests.ledger_workbooks import PROJECT_HEADERS, project, write_workbook

pytestmark = pytest.mark.django_db

PROGRESS = "形象进度(%)"
PROJECTS = "项目"


def progress_workbook(tmp_path, cells: list[tuple[object, str]], *, shift: int = 0):
    """Write one project per (progress value, number format), coded JJ-2024-0001 onwards.

    ``shift`` inserts that many empty rows and columns before the table.
    """
    rows = [project(**{"项目编号": f"JJ-2024-{number:04d}"})
            for number in range(1, len(cells) + 1)]
    path = write_workbook(tmp_path / "progress.xlsx", projects=rows)
    book = load_workbook(path)
    sheet = book[PROJECTS]
    column = PROJECT_HEADERS.index(PROGRESS) + 1
    for row, (value, number_format) in enumerate(cells, start=2):
        cell = sheet.cell(row=row, column=column)
        cell.value = value
        cell.number_format = number_format
    if shift:
        sheet.insert_rows(1, shift)
        sheet.insert_cols(1, shift)
    book.save(path)
    return path


def stored_progress() -> list[int]:
    return list(Project.all_objects.order_by("code").values_list("progress", flat=True))


def progress_issue(tmp_path, cells, language="zh-hans"):
    """Import expecting a rejection at a progress cell; return that issue."""
    with pytest.raises(LedgerError) as caught:
        import_workbook(None, progress_workbook(tmp_path, cells), language=language)
    assert not Project.all_objects.exists()
    assert len(caught.value.errors) == 1, caught.value.errors
    return caught.value.errors[0]


def test_percent_cells_read_as_percent(tmp_path, unit_a):
    cells = [(0.5, "0%"), (1, "0%"), (0, "0.00%"), (0.07, "0.0%")]

    import_workbook(None, progress_workbook(tmp_path, cells))

    assert stored_progress() == [50, 100, 0, 7]


def test_plain_numbers_keep_their_value(tmp_path, unit_a):
    cells = [(40, "General"), (40, "0"), ("60%", "@"), (100, "0.00")]

    import_workbook(None, progress_workbook(tmp_path, cells))

    assert stored_progress() == [40, 40, 60, 100]


def test_quoted_percent_sign_is_text(tmp_path, unit_a):
    cells = [(40, '0"%"'), (50, "0\\%")]

    import_workbook(None, progress_workbook(tmp_path, cells))

    assert stored_progress() == [40, 50]


def test_percent_cell_found_below_and_right(tmp_path, unit_a):
    cells = [(0.5, "0%"), (30, "General")]

    import_workbook(None, progress_workbook(tmp_path, cells, shift=2))

    assert stored_progress() == [50, 30]


def test_percent_cell_above_100_is_rejected(tmp_path, unit_a):
    issue = progress_issue(tmp_path, [(0.5, "0%"), (50, "0%")])

    assert (issue.sheet, issue.row, issue.column) == (PROJECTS, 3, PROGRESS)
    assert issue.value == "5000%"
    assert "“5000%”超出 0%–100% 的范围" in issue.reason
    assert "请在单元格中输入 50%" in issue.reason


def test_negative_percent_cell_is_rejected(tmp_path, unit_a):
    issue = progress_issue(tmp_path, [(-0.05, "0%")])

    assert (issue.row, issue.value) == (2, "-5%")
    assert "超出 0%–100% 的范围" in issue.reason


def test_fractional_percent_cell_is_rejected(tmp_path, unit_a):
    issue = progress_issue(tmp_path, [(0.335, "0%")])

    assert (issue.row, issue.column, issue.value) == (2, PROGRESS, "33.5%")
    assert "“33.5%”不是整数百分比" in issue.reason


def test_plain_fraction_is_still_rejected(tmp_path, unit_a):
    issue = progress_issue(tmp_path, [(0.5, "General")])

    assert issue.value == "0.5"
    assert "“0.5”超出 0–100 或不是整数" in issue.reason


def test_english_message_names_the_fix(tmp_path, unit_a):
    issue = progress_issue(tmp_path, [(50, "0%")], language="en")

    assert "“5000%” is outside 0%–100%" in issue.reason
    assert "type 50% in the cell" in issue.reason


@pytest.mark.parametrize(("number_format", "expected"), [
    ("0%", True),
    ("0.0%", True),
    ("General", False),
    ("0.00", False),
    ('0"%"', False),
])
def test_has_percent_cell_format(tmp_path, number_format, expected):
    path = progress_workbook(tmp_path, [(40, number_format)])

    assert has_percent_cell_format(path) is expected


def test_unreadable_styles_count_as_percent(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip archive")

    assert has_percent_cell_format(path) is True
