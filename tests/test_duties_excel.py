"""The duty workbook: import, idempotent re-import, export round trip and rejections."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.duties.excel.importer import LedgerError, import_workbook
from sunshine.duties.excel.writer import export_workbook, write_template
from sunshine.duties.models import Directive, Duty, DutyStep, Milestone, Task
from tests.duties_data import NOW, download, make_person

pytestmark = pytest.mark.django_db

DIRECTIVE_HEADERS = ["文号", "标题", "发文单位", "发文日期", "区划代码", "承办单位", "说明"]
DUTY_HEADERS = ["执行单位", "事项编号", "事项名称", "事项类别", "法律政策依据", "资金来源及比例",
                "履职周期", "完成时限", "必交材料", "是否公开", "决策部署文号"]
STEP_HEADERS = ["执行单位", "事项编号", "序号", "节点名称", "时限(天)", "必交材料", "是否公开节点"]
TASK_HEADERS = ["决策部署文号", "任务编号", "上级任务编号", "任务名称", "牵头单位", "配合单位",
                "责任人", "开始日期", "完成时限", "权重(%)", "里程碑", "权责事项编号", "任务说明"]
NUMBER = "椒政办发〔2026〕8号"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def sheets(**overrides) -> dict[str, list[list]]:
    day = datetime.date
    data = {
        "决策部署": [DIRECTIVE_HEADERS,
                     [NUMBER, "美丽乡村建设", "椒江区人民政府办公室", day(2026, 1, 5), "331002",
                      "椒江区人民政府", ""]],
        "权责清单": [DUTY_HEADERS,
                     ["椒江区人民政府", "JJ-01", "村级财务公开", "村务公开", "《村民委员会组织法》第三十条",
                      "县级 80%；乡镇 20%", "每月", None, "公开栏照片", "是", NUMBER],
                     ["海门街道办事处", "HM-01", "垃圾分类督查", "", "《浙江省生活垃圾管理条例》",
                      "", "一次性", day(2026, 6, 30), "", "否", ""]],
        "流程节点": [STEP_HEADERS,
                     ["椒江区人民政府", "JJ-01", 1, "编制明细", 5, "明细表", "否"],
                     ["椒江区人民政府", "JJ-01", 2, "张贴公开", None, "照片", "是"]],
        "任务分解": [TASK_HEADERS,
                     [NUMBER, "1", "", "道路硬化", "椒江区人民政府", "海门街道办事处", "张三",
                      day(2026, 1, 10), day(2026, 9, 30), 60, "2026-03-31 完成设计", "JJ-01", ""],
                     [NUMBER, "1.1", "1", "海门段", "海门街道办事处", "", "",
                      day(2026, 1, 10), day(2026, 6, 30), 50, "", "", "先行段"],
                     [NUMBER, "1.2", "1", "东山段", "海门街道办事处", "", "",
                      day(2026, 2, 1), day(2026, 8, 31), 50, "", "", ""],
                     [NUMBER, "2", "", "污水治理", "椒江区人民政府", "", "",
                      day(2026, 1, 10), day(2026, 12, 31), 40, "", "", ""]],
    }
    data.update(overrides)
    return data


def workbook(tmp_path, name="duties.xlsx", **overrides):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets(**overrides).items():
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def replace_cell(overrides_sheet: list[list], row: int, header: str, value) -> list[list]:
    rows = [list(r) for r in overrides_sheet]
    rows[row - 1][rows[0].index(header)] = value
    return rows


@pytest.fixture
def people(operator_a, unit_a, township_unit):
    return make_person(operator_a, unit_a)


def issues_of(error: LedgerError) -> list[tuple]:
    return [(i.sheet, i.row, i.column, i.value, i.reason) for i in error.errors]


def test_it_imports_every_sheet(tmp_path, people, operator_a, township_unit):
    report = import_workbook(operator_a, workbook(tmp_path))

    assert (report.directives.created, report.duties.created, report.tasks.created) == (1, 2, 4)
    directive = Directive.objects.get(document_number=NUMBER)
    parent = Task.objects.get(directive=directive, code="1")
    assert parent.responsible_person == people
    assert list(parent.cooperating_units.all()) == [township_unit]
    assert parent.duty.code == "JJ-01"
    assert Milestone.objects.get(task=parent).due_on == datetime.date(2026, 3, 31)
    assert {t.code for t in parent.children.all()} == {"1.1", "1.2"}
    assert Task.objects.get(code="1.1").path == f"{parent.pk}/{Task.objects.get(code='1.1').pk}/"
    duty = Duty.all_objects.get(code="JJ-01")
    assert [(f.source, f.share) for f in duty.funding.all()] == [
        ("county", Decimal("80.00")), ("township", Decimal("20.00"))]
    assert list(DutyStep.objects.filter(duty=duty).values_list("name", flat=True)) == [
        "编制明细", "张贴公开"]
    assert AuditEntry.objects.filter(action="import_duties").count() == 1
    assert verify() == []


def test_reimport_changes_nothing(tmp_path, people, operator_a):
    path = workbook(tmp_path)
    import_workbook(operator_a, path)
    entries = AuditEntry.objects.count()

    report = import_workbook(operator_a, path)

    assert not report.changed
    assert report.tasks.unchanged == 4
    assert AuditEntry.objects.count() == entries


def test_export_then_import_changes_nothing(tmp_path, people, operator_a):
    import_workbook(operator_a, workbook(tmp_path))
    exported = tmp_path / "export.xlsx"
    export_workbook(operator_a, exported, directives=Directive.objects.all(),
                    duties=Duty.all_objects.all(), tasks=Task.objects.all())
    entries = AuditEntry.objects.count()

    report = import_workbook(operator_a, exported)

    assert not report.changed, report.summary_lines()
    assert AuditEntry.objects.count() == entries
    assert verify() == []


def test_export_writes_chinese_headers_and_values(tmp_path, people, operator_a):
    import_workbook(operator_a, workbook(tmp_path))
    target = io.BytesIO()
    export_workbook(operator_a, target, directives=Directive.objects.all(),
                    duties=Duty.all_objects.all(), tasks=Task.objects.all())

    book = load_workbook(io.BytesIO(target.getvalue()))
    tasks = list(book["任务分解"].values)
    assert list(tasks[0]) == TASK_HEADERS
    rows = [dict(zip(TASK_HEADERS, row, strict=True)) for row in tasks[1:]]
    first = next(row for row in rows if row["决策部署文号"] == NUMBER)
    assert first["任务编号"] == "1"
    assert first["牵头单位"] == "椒江区人民政府"
    assert first["权重(%)"] == 60
    assert first["里程碑"] == "2026-03-31 完成设计"
    assert list(book["权责清单"].values)[1][5] == "县级 80%；乡镇 20%"
    assert AuditEntry.objects.filter(action="export_duties").exists()


def test_changed_cell_updates_only_that_task(tmp_path, people, operator_a):
    import_workbook(operator_a, workbook(tmp_path))
    tasks = replace_cell(sheets()["任务分解"], 4, "任务名称", "东山段（调整）")

    report = import_workbook(operator_a, workbook(tmp_path, "changed.xlsx", 任务分解=tasks))

    assert (report.tasks.updated, report.tasks.unchanged) == (1, 3)
    assert Task.objects.get(code="1.2").name == "东山段（调整）"
    assert verify() == []


def test_template_imports_as_nothing(tmp_path, operator_a):
    path = tmp_path / "template.xlsx"
    write_template(path)

    report = import_workbook(operator_a, path)

    assert report.rows == 0
    assert not report.changed


def rejected(tmp_path, actor, language="zh-hans", **overrides) -> LedgerError:
    with translation.override(language), pytest.raises(LedgerError) as caught:
        import_workbook(actor, workbook(tmp_path, "bad.xlsx", **overrides))
    assert not Task.objects.exists()
    assert not Directive.objects.exists()
    return caught.value


def test_one_bad_date_rejects_the_whole_file(tmp_path, people, operator_a):
    tasks = replace_cell(sheets()["任务分解"], 3, "完成时限", "2026-02-30")

    error = rejected(tmp_path, operator_a, 任务分解=tasks)

    assert issues_of(error) == [("任务分解", 3, "完成时限", "2026-02-30",
                                 "“2026-02-30”不是真实存在的日期；请核对月份和日")]


@pytest.mark.parametrize(("value", "shown", "words"), [
    (datetime.date(1, 1, 1), "0001-01-01", "早于 1900 年"),
    (datetime.date(1800, 5, 6), "1800-05-06", "早于 1900 年"),
    ("0001-01-01", "0001-01-01", "早于 1900 年"),
    (datetime.date(1900, 1, 1), "1900-01-01", "1949-10-01 至 2100-12-31"),
    (datetime.date(9999, 12, 31), "9999-12-31", "1949-10-01 至 2100-12-31"),
    ("9999-12-31", "9999-12-31", "1949-10-01 至 2100-12-31"),
])
def test_absurd_date_names_cell_and_value(tmp_path, people, operator_a, value, shown, words):
    tasks = replace_cell(sheets()["任务分解"], 3, "完成时限", value)

    error = rejected(tmp_path, operator_a, 任务分解=tasks)

    [(sheet, row, column, found, reason)] = issues_of(error)
    assert (sheet, row, column, found) == ("任务分解", 3, "完成时限", shown)
    assert f"“{shown}”" in reason
    assert words in reason
    assert "请填写实际日期，如 2024-03-05" in reason


def date_cell_book(tmp_path, number: float):
    """Write the task sheet with ``number`` in a date-formatted 完成时限 cell of row 3."""
    path = workbook(tmp_path, "numbers.xlsx")
    book = load_workbook(path)
    sheet = book["任务分解"]
    cell = sheet.cell(row=3, column=TASK_HEADERS.index("完成时限") + 1)
    cell.value = number
    cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


@pytest.mark.parametrize(("number", "shown"), [
    (0, "1900-01-00"), (0.5, "1900-01-00 12:00:00"), (-693593, "0001-01-01"),
    (-800000, "########"),
])
def test_date_cell_without_day_names_value(tmp_path, people, operator_a, number, shown):
    path = date_cell_book(tmp_path, number)

    with translation.override("zh-hans"), pytest.raises(LedgerError) as caught:
        import_workbook(operator_a, path)

    [(sheet, row, column, found, reason)] = issues_of(caught.value)
    assert (sheet, row, column, found) == ("任务分解", 3, "完成时限", shown)
    assert f"“{shown}”" in reason
    assert "00:00:00" not in found
    assert "如 2024-03-05" in reason


def test_weights_not_100_name_sheet_row_and_values(tmp_path, people, operator_a):
    tasks = replace_cell(sheets()["任务分解"], 4, "权重(%)", 40)

    error = rejected(tmp_path, operator_a, 任务分解=tasks)

    sheet, row, column, value, reason = issues_of(error)[0]
    assert (sheet, row, column, value) == ("任务分解", 3, "权重(%)", "50%")
    assert "90%" in reason
    assert "1.1 海门段 50%" in reason
    assert "1.2 东山段 40%" in reason


def test_english_messages_follow_the_language(tmp_path, people, operator_a):
    tasks = replace_cell(sheets()["任务分解"], 4, "权重(%)", 40)

    error = rejected(tmp_path, operator_a, language="en", 任务分解=tasks)

    assert "they must sum to 100%" in error.errors[0].reason


@pytest.mark.parametrize(("sheet", "row", "header", "value", "words"), [
    ("任务分解", 2, "牵头单位", "不存在的单位", "不存在的单位"),
    ("任务分解", 3, "完成时限", datetime.date(2026, 10, 30), "上级任务"),
    ("任务分解", 3, "上级任务编号", "9", "9"),
    ("任务分解", 2, "任务名称", "", "任务名称"),
    ("任务分解", 2, "完成时限", datetime.date(2026, 1, 1), "早于开始日期"),
    ("任务分解", 2, "责任人", "李四", "李四"),
    ("权责清单", 2, "资金来源及比例", "县级 80%；乡镇 30%", "110%"),
    ("权责清单", 2, "履职周期", "每周", "每周"),
    ("权责清单", 3, "完成时限", None, "完成时限"),
    ("决策部署", 2, "区划代码", "331003", "黄岩区"),
    ("决策部署", 2, "文号", "权责清单〔2026〕999号", "保留"),
    ("流程节点", 2, "事项编号", "JJ-99", "JJ-99"),
])
def test_bad_cells_are_reported_in_chinese(tmp_path, people, operator_a, sheet, row, header,
                                           value, words):
    changed = replace_cell(sheets()[sheet], row, header, value)

    error = rejected(tmp_path, operator_a, **{sheet: changed})

    found = [issue for issue in error.errors if issue.sheet == sheet and issue.row == row]
    assert found, issues_of(error)
    assert found[0].column == header
    assert words in found[0].reason + found[0].value


def test_missing_header_is_reported(tmp_path, people, operator_a):
    tasks = [row[:9] + row[10:] for row in sheets()["任务分解"]]

    error = rejected(tmp_path, operator_a, 任务分解=tasks)

    assert error.errors[0].column == "权重(%)"
    assert "缺少" in error.errors[0].reason


def test_duplicate_task_numbers_are_reported(tmp_path, people, operator_a):
    tasks = sheets()["任务分解"] + [sheets()["任务分解"][4]]

    error = rejected(tmp_path, operator_a, 任务分解=tasks)

    assert any(issue.row == 6 and issue.column == "任务编号" for issue in error.errors)


def test_parent_loop_is_reported(tmp_path, people, operator_a):
    tasks = replace_cell(sheets()["任务分解"], 2, "上级任务编号", "1.1")

    error = rejected(tmp_path, operator_a, 任务分解=tasks)

    assert any("循环" in issue.reason for issue in error.errors), issues_of(error)


def test_an_import_cannot_move_a_task_to_another_parent(tmp_path, people, operator_a):
    import_workbook(operator_a, workbook(tmp_path))
    tasks = replace_cell(sheets()["任务分解"], 5, "上级任务编号", "1")
    tasks = replace_cell(tasks, 5, "权重(%)", 50)

    with pytest.raises(LedgerError) as caught:
        import_workbook(operator_a, workbook(tmp_path, "moved.xlsx", 任务分解=tasks))

    assert caught.value.errors[0].column == "上级任务编号"
    assert Task.objects.get(code="2").parent is None


def test_other_countys_units_are_rejected(tmp_path, people, operator_b):
    with translation.override("zh-hans"), pytest.raises(LedgerError) as caught:
        import_workbook(operator_b, workbook(tmp_path))

    assert any("超出" in issue.reason for issue in caught.value.errors)


def test_unreadable_file_is_reported(tmp_path, operator_a):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"plain text")

    with pytest.raises(LedgerError) as caught:
        import_workbook(operator_a, path)

    assert caught.value.errors[0].value == "not.xlsx"


def test_commands_import_and_export(tmp_path, people, operator_a):
    out = io.StringIO()
    call_command("import_duties", str(workbook(tmp_path)), "--user", "operator_a", stdout=out)
    assert "任务：新建 4 项" in out.getvalue()

    target = tmp_path / "out.xlsx"
    call_command("export_duties", str(target), "--region", "331002", stdout=out)
    assert target.exists()
    again = io.StringIO()
    call_command("import_duties", str(target), stdout=again)
    assert "没有任何变化" in again.getvalue()


def test_export_command_missing_folder(tmp_path):
    target = tmp_path / "missing" / "out.xlsx"

    with translation.override("zh-hans"), pytest.raises(CommandError) as error:
        call_command("export_duties", str(target), stdout=io.StringIO())

    assert f"找不到文件夹 {tmp_path / 'missing'}" in str(error.value)
    assert not AuditEntry.objects.filter(action="export_duties").exists()


def test_import_command_lists_problems_and_fails(tmp_path, people, operator_a):
    tasks = replace_cell(sheets()["任务分解"], 3, "完成时限", "明天")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_duties", str(workbook(tmp_path, 任务分解=tasks)), stderr=err)

    assert "任务分解" in err.getvalue()
    assert "明天" in err.getvalue()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_upload_imports_and_shows_the_summary(tmp_path, people, operator_a):
    with workbook(tmp_path).open("rb") as handle:
        response = logged_in(operator_a).post(reverse("duties:excel_upload"), {"file": handle})

    assert response.status_code == 200
    assert "新建 4 项" in response.content.decode()
    assert Task.objects.filter(period="").count() == 4


def test_staff_upload_lists_the_problems_with_400(tmp_path, people, operator_a):
    tasks = replace_cell(sheets()["任务分解"], 3, "完成时限", "明天")
    with workbook(tmp_path, 任务分解=tasks).open("rb") as handle:
        response = logged_in(operator_a).post(reverse("duties:excel_upload"), {"file": handle})

    html = response.content.decode()
    assert response.status_code == 400
    assert "明天" in html
    assert "任务分解" in html
    assert not Task.objects.exists()


def test_staff_upload_rejects_a_non_workbook(operator_a):
    fake = io.BytesIO(b"MZ not a workbook")
    fake.name = "duties.xlsx"

    response = logged_in(operator_a).post(reverse("duties:excel_upload"), {"file": fake})

    assert response.status_code == 400


def test_staff_upload_over_the_limit_names_the_duty_list(operator_a, settings):
    settings.SUNSHINE_MAX_UPLOAD_BYTES = 10
    big = io.BytesIO(b"PK\x03\x04" + b"0" * 20)
    big.name = "duties.xlsx"

    response = logged_in(operator_a).post(reverse("duties:excel_upload"), {"file": big})

    assert response.status_code == 400
    assert "请把权责清单拆分为多个工作簿" in response.content.decode()


def test_staff_upload_needs_write_scope(inspector_a, tmp_path):
    with workbook(tmp_path).open("rb") as handle:
        response = logged_in(inspector_a).post(reverse("duties:excel_upload"), {"file": handle})

    assert response.status_code == 403


def test_staff_pages_and_downloads(tmp_path, people, operator_a, operator_b):
    import_workbook(operator_a, workbook(tmp_path))
    client = logged_in(operator_a)

    assert client.get(reverse("duties:excel")).status_code == 200
    template = client.get(reverse("duties:excel_template"))
    assert template.status_code == 200
    assert "attachment" in template["Content-Disposition"]
    download(template)
    export = logged_in(operator_b).get(reverse("duties:excel_export"))
    book = load_workbook(io.BytesIO(download(export)))
    assert len(list(book["任务分解"].values)) == 1
    assert client.post(reverse("duties:excel_export")).status_code == 405
    assert client.get(reverse("duties:excel_upload")).status_code == 405
