"""The Excel ledger import: the library entry point and the import_ledger command.

Personas from conftest: ``operator_a`` may change 椒江区 (331002),
``operator_b`` 黄岩区 (331003); the command without ``--user`` acts as the
system and may change everything.
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from sunshine.audit import chain
from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.ledger.digests import row_digests
from sunshine.funds.ledger.errors import IssueList
from sunshine.funds.ledger.importer import LedgerError, import_workbook
from sunshine.funds.ledger.schema import ALLOCATION_SHEET, DISBURSEMENT_SHEET
from sunshine.funds.ledger.validate import AllocationRow, DisbursementRow, check_totals
from sunshine.funds.models import Allocation, Disbursement, Project, ProjectStatus, Supplier
from sunshine.lib.money import MAX_TYPED_YUAN, MAX_YUAN
from sunshine.organisation.actions import create_person
from tests.conftest import region
from tests.ledger_workbooks import (
    CREDIT_CODE,
    DISBURSEMENT_HEADERS,
    PROJECT_HEADERS,
    allocation,
    payment,
    project,
    write_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(tmp_path, unit_a):
    return write_workbook(tmp_path / "ledger.xlsx", projects=[project()],
                          allocations=[allocation()], payments=[payment()])


def table_counts() -> dict[str, int]:
    return {
        "projects": Project.all_objects.count(),
        "allocations": Allocation.objects.count(),
        "disbursements": Disbursement.objects.count(),
        "suppliers": Supplier.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def rejection(path, actor=None, language=None):
    """Import ``path`` expecting a rejection; check nothing was written and return the error."""
    before = table_counts()
    with pytest.raises(LedgerError) as caught:
        import_workbook(actor, path, language=language)
    assert table_counts() == before
    return caught.value


def only_issue(path, actor=None, language=None):
    error = rejection(path, actor, language)
    assert len(error.errors) == 1, error.errors
    issue = error.errors[0]
    return (issue.sheet, issue.row, issue.column, issue.value, issue.reason)


def test_it_imports_projects_allocations_and_payments(ledger, unit_a):
    supplier = actions.create_supplier(None, name="台州某建设有限公司", credit_code=CREDIT_CODE)

    report = import_workbook(None, ledger)

    project_row = Project.all_objects.get(code="JJ-2024-001")
    assert project_row.name == "海门街道道路改造"
    assert project_row.region_id == "331002001"
    assert project_row.owner_unit == unit_a
    assert project_row.responsible_name == "王建国"
    assert project_row.budget == Decimal("1000000.00")
    assert project_row.planned_end == datetime.date(2024, 12, 31)
    assert project_row.progress == 40
    assert project_row.status == ProjectStatus.IN_PROGRESS
    assert project_row.is_public is True
    assert project_row.source == "ledger"
    assert project_row.arrived_total == Decimal("300000.00")
    assert project_row.paid_total == Decimal("120000.55")

    paid = Disbursement.objects.get()
    assert paid.amount == Decimal("120000.55")
    assert paid.payee_credit_code == CREDIT_CODE
    assert paid.payee_is_person is False
    assert paid.supplier == supplier
    assert paid.exceeds_arrived is False
    assert Allocation.objects.get().source == "county"
    assert (report.projects.created, report.allocations.created,
            report.disbursements.created) == (1, 1, 1)


def test_it_writes_one_audit_entry_per_model(ledger):
    before = AuditEntry.objects.count()

    report = import_workbook(None, ledger)

    entries = AuditEntry.objects.filter(pk__gt=before)
    assert sorted(entries.values_list("object_type", flat=True)) == [
        "funds.allocation", "funds.disbursement", "funds.project"]
    assert set(entries.values_list("action", flat=True)) == {"import_ledger"}
    assert report.audit_entries == 3
    assert verify() == []
    call_command("verify_audit", stdout=StringIO())


def test_it_records_the_importing_user(ledger, operator_a):
    import_workbook(operator_a, ledger)

    assert set(AuditEntry.objects.filter(action="import_ledger")
               .values_list("actor_label", flat=True)) == {"operator_a"}


def test_reimport_changes_nothing(ledger):
    import_workbook(None, ledger)
    entries = AuditEntry.objects.count()
    versions = list(Disbursement.objects.values_list("pk", "version"))

    report = import_workbook(None, ledger)

    assert AuditEntry.objects.count() == entries
    assert list(Disbursement.objects.values_list("pk", "version")) == versions
    assert report.audit_entries == 0
    assert report.disbursements.unchanged == 1
    assert report.projects.unchanged == 1


def test_it_makes_the_ledger_equal_the_sheet(tmp_path, unit_a):
    first = write_workbook(tmp_path / "first.xlsx", projects=[project()],
                           allocations=[allocation(), allocation(资金来源="市级")],
                           payments=[payment(), payment(凭证号="记-2", 支付金额=1, 用途="监理费"),
                                     payment(凭证号="记-3")])
    import_workbook(None, first)
    kept = Disbursement.objects.get(voucher_no="记-2024-0401")
    corrected = Disbursement.objects.get(voucher_no="记-2")
    second = write_workbook(tmp_path / "second.xlsx", projects=[project(项目名称="海门街道道路提升")],
                            allocations=[allocation()],
                            payments=[payment(), payment(凭证号="记-2", 支付金额=2, 用途="监理费"),
                                      payment(凭证号="记-4", 支付日期=datetime.date(2024, 6, 1),
                                              收款单位="台州另一建设有限公司")])

    report = import_workbook(None, second)

    assert (report.allocations.deleted, report.allocations.unchanged) == (1, 1)
    assert (report.disbursements.unchanged, report.disbursements.updated,
            report.disbursements.deleted, report.disbursements.created) == (1, 1, 1, 1)
    assert report.projects.updated == 1
    assert Disbursement.objects.get(pk=kept.pk).version == 1
    assert Disbursement.objects.get(pk=corrected.pk).amount == Decimal("2.00")
    assert Disbursement.objects.get(pk=corrected.pk).version == 2
    assert sorted(Disbursement.objects.values_list("voucher_no", flat=True)) == [
        "记-2", "记-2024-0401", "记-4"]
    assert Project.all_objects.get().name == "海门街道道路提升"
    assert Project.all_objects.get().paid_total == Decimal("240003.10")
    assert verify() == []


def test_project_without_rows_keeps_them(tmp_path, ledger):
    import_workbook(None, ledger)
    paid = Project.all_objects.get().paid_total
    bare = write_workbook(tmp_path / "bare.xlsx", projects=[project(**{"形象进度(%)": 90})])

    report = import_workbook(None, bare)

    assert (report.allocations.deleted, report.disbursements.deleted) == (0, 0)
    assert Project.all_objects.get().progress == 90
    assert Project.all_objects.get().paid_total == paid
    assert verify() == []


def test_payment_sheet_alone_replaces_payments(tmp_path, ledger):
    import_workbook(None, ledger)
    payments_only = write_workbook(tmp_path / "payments.xlsx",
                                   payments=[payment(凭证号="记-9", 支付金额=10)])

    report = import_workbook(None, payments_only)

    assert (report.disbursements.updated, report.allocations.unchanged) == (1, 0)
    assert list(Disbursement.objects.values_list("voucher_no", flat=True)) == ["记-9"]
    assert Allocation.objects.count() == 1
    assert verify() == []


def test_payment_without_credit_code_is_to_a_person(tmp_path, unit_a):
    path = write_workbook(tmp_path / "person.xlsx", projects=[project()],
                          payments=[payment(统一社会信用代码=None, 收款单位="张三")])

    import_workbook(None, path)

    paid = Disbursement.objects.get()
    assert paid.payee_is_person is True
    assert paid.supplier is None
    assert Supplier.objects.count() == 0


def test_it_flags_payments_past_the_arrived_funds(tmp_path, unit_a):
    path = write_workbook(tmp_path / "over.xlsx", projects=[project()],
                          allocations=[allocation()],
                          payments=[payment(支付金额=200000, 凭证号="记-1"),
                                    payment(支付金额=150000, 凭证号="记-2",
                                            支付日期=datetime.date(2024, 5, 1))])

    report = import_workbook(None, path)

    assert Disbursement.objects.get(voucher_no="记-1").exceeds_arrived is False
    assert Disbursement.objects.get(voucher_no="记-2").exceeds_arrived is True
    assert report.over_payment_count == 1
    flagged = report.over_payments[0]
    assert (flagged.row, flagged.project, flagged.amount, flagged.paid_total,
            flagged.arrived_total) == (3, "JJ-2024-001", Decimal("150000.00"),
                                       Decimal("350000.00"), Decimal("300000.00"))
    assert "有 1 笔支付超出项目已到位资金" in "".join(report.summary_lines())


def test_more_arrived_funds_clear_the_flag(tmp_path, unit_a):
    over = [payment(支付金额=400000)]
    import_workbook(None, write_workbook(tmp_path / "a.xlsx", projects=[project()],
                                         allocations=[allocation()], payments=over))
    assert Disbursement.objects.get().exceeds_arrived is True

    import_workbook(None, write_workbook(tmp_path / "b.xlsx", projects=[project()],
                                         allocations=[allocation(**{"到位金额(元)": 500000})],
                                         payments=over))

    assert Disbursement.objects.get().exceeds_arrived is False
    assert verify() == []


def test_it_reads_amounts_in_wan_yuan(tmp_path, unit_a):
    headers = {
        "项目": [h.replace("预算金额(元)", "预算金额（万元）") for h in PROJECT_HEADERS],
        "资金支付": [h.replace("支付金额(元)", "支付金额(万元)") for h in DISBURSEMENT_HEADERS],
    }
    path = write_workbook(tmp_path / "wan.xlsx", headers=headers,
                          projects=[project(**{"预算金额（万元）": 100.5})],
                          payments=[payment(**{"支付金额(万元)": "1.234567"})])

    import_workbook(None, path)

    assert Project.all_objects.get().budget == Decimal("1005000.00")
    assert Disbursement.objects.get().amount == Decimal("12345.67")


TOO_LARGE = "作为金额过大，请核对数字和单位（元或万元）"


@pytest.mark.parametrize(("header", "cell", "shown"), [
    ("预算金额(元)", 5e12, "5000000000000"),
    ("预算金额(元)", 1000000000000.01, "1000000000000.01"),
    ("预算金额(元)", "1e999999999999999999", "1e999999999999999999"),
    ("预算金额(万元)", 9.9e12, "9900000000000"),
    ("预算金额(万元)", 100000000.01, "100000000.01"),
])
def test_it_rejects_amounts_over_the_limit(tmp_path, unit_a, header, cell, shown):
    headers = {"项目": [h.replace("预算金额(元)", header) for h in PROJECT_HEADERS]}
    row = project()
    row[header] = cell
    path = write_workbook(tmp_path / "big.xlsx", headers=headers, projects=[row])

    assert only_issue(path) == ("项目", 2, header, shown, f"“{shown}”{TOO_LARGE}")


@pytest.mark.parametrize(("header", "cell"), [
    ("预算金额(元)", 1e12),
    ("预算金额(万元)", 1e8),
])
def test_it_accepts_amounts_at_the_limit(tmp_path, unit_a, header, cell):
    headers = {"项目": [h.replace("预算金额(元)", header) for h in PROJECT_HEADERS]}
    row = project()
    row[header] = cell
    path = write_workbook(tmp_path / "limit.xlsx", headers=headers, projects=[row])

    import_workbook(None, path)

    assert Project.all_objects.get().budget == MAX_TYPED_YUAN


def test_it_rejects_payments_in_wan_over_the_limit(tmp_path, unit_a):
    headers = {"资金支付": [h.replace("支付金额(元)", "支付金额(万元)")
                        for h in DISBURSEMENT_HEADERS]}
    path = write_workbook(tmp_path / "wan.xlsx", headers=headers, projects=[project()],
                          payments=[payment(**{"支付金额(万元)": 9.9e12})])

    assert only_issue(path) == ("资金支付", 2, "支付金额(万元)", "9900000000000",
                                f"“9900000000000”{TOO_LARGE}")


def test_project_total_past_column_limit_is_rejected(unit_a):
    code = "JJ-2024-001"
    limit_fen = MAX_YUAN * 100
    rows = [DisbursementRow(row, code, datetime.date(2024, 4, 1), limit_fen // 2, "某公司",
                            "", "", "") for row in (2, 3, 4)]
    issues = IssueList()

    check_totals("资金支付", DISBURSEMENT_SHEET, {code: rows}, ("amount",), issues)

    assert len(issues.items) == 1
    issue = issues.items[0]
    assert (issue.sheet, issue.row, issue.column) == ("资金支付", 4, "支付金额(元)")
    assert f"项目“{code}”" in issue.reason
    assert f"{MAX_YUAN:,}" in issue.reason


def test_project_total_at_column_limit_passes(unit_a):
    code = "JJ-2024-001"
    rows = [AllocationRow(2, code, "county", MAX_YUAN * 100, None, MAX_YUAN * 100, None)]
    issues = IssueList()

    check_totals("资金到位", ALLOCATION_SHEET, {code: rows},
                 ("approved_amount", "arrived_amount"), issues)

    assert not issues


@pytest.mark.parametrize("cell", [
    datetime.date(2024, 3, 5),
    datetime.datetime(2024, 3, 5, 9, 30),  # noqa: DTZ001 (Excel date-times carry no zone)
    "2024-03-05",
    "2024/3/5",
    "2024年3月5日",
    "2024.3.5",
    "２０２４－０３－０５",
    45356,
    45356.0,
])
def test_it_reads_each_date_form(tmp_path, unit_a, cell):
    path = write_workbook(tmp_path / "dates.xlsx", projects=[project()],
                          payments=[payment(支付日期=cell)])

    import_workbook(None, path)

    assert Disbursement.objects.get().paid_on == datetime.date(2024, 3, 5)


def test_it_reads_serial_in_date_cell(tmp_path, unit_a):
    path = write_workbook(tmp_path / "serial.xlsx", projects=[project()], payments=[payment()])
    workbook = load_workbook(path)
    cell = workbook["资金支付"]["B2"]
    cell.value = 45356
    cell.number_format = "yyyy/m/d"
    workbook.save(path)

    import_workbook(None, path)

    assert Disbursement.objects.get().paid_on == datetime.date(2024, 3, 5)


def test_headers_in_any_order_with_extras(tmp_path, unit_a):
    headers = {"资金支付": ["备注", *reversed(DISBURSEMENT_HEADERS)]}
    path = write_workbook(tmp_path / "order.xlsx", headers=headers, projects=[project()],
                          payments=[payment(备注="不导入")])

    import_workbook(None, path)

    assert Disbursement.objects.get().voucher_no == "记-2024-0401"


def test_row_numbers_count_blank_rows(tmp_path, unit_a):
    path = write_workbook(tmp_path / "blank.xlsx", projects=[project()],
                          payments=[payment(), {}, payment(支付金额=-1)])

    assert only_issue(path) == ("资金支付", 4, "支付金额(元)", "-1",
                                "“-1”是负数；金额不能小于零")


def test_it_reads_whole_numbers_as_codes(tmp_path, unit_a):
    path = write_workbook(tmp_path / "numbers.xlsx",
                          projects=[project(项目编号=2024001, 区划代码=331002001)],
                          payments=[payment(项目编号=2024001, 凭证号=401)])

    import_workbook(None, path)

    assert Project.all_objects.get().code == "2024001"
    assert Disbursement.objects.get().voucher_no == "401"


def test_linked_person_name_stays_blank(tmp_path, unit_a):
    person = create_person(None, name="李四", unit=unit_a)
    stored = actions.create_project(None, code="JJ-2024-001", name="海门街道道路改造",
                                    region=region("331002001"), responsible_person=person)
    path = write_workbook(tmp_path / "person.xlsx", projects=[project(责任人=person.name)])

    import_workbook(None, path)

    assert Project.all_objects.get(pk=stored.pk).responsible_name == ""


REJECTIONS = [
    pytest.param({"projects": [project(项目名称=None)]},
                 ("项目", 2, "项目名称", "",
                  "“项目名称”列为必填项，此单元格为空；请填写，如果此行不需要，请删除整行。"),
                 id="empty-required-cell"),
    pytest.param({"projects": [project(), project(项目名称="重复")]},
                 ("项目", 3, "项目编号", "JJ-2024-001",
                  "项目编号“JJ-2024-001”已在第 2 行出现；每个项目只能占一行。"), id="duplicate-code"),
    pytest.param({"projects": [project(**{"预算金额(元)": -5})]},
                 ("项目", 2, "预算金额(元)", "-5", "“-5”是负数；金额不能小于零"),
                 id="negative-amount"),
    pytest.param({"projects": [project(**{"预算金额(元)": "十万"})]},
                 ("项目", 2, "预算金额(元)", "十万", "“十万”不是数字，请填写数字，例如 1200.50"),
                 id="non-numeric-amount"),
    pytest.param({"payments": [payment(支付金额="100.123")]},
                 ("资金支付", 2, "支付金额(元)", "100.123",
                  "“100.123”以元为单位超过两位小数，请精确到分"), id="three-decimals"),
    pytest.param({"payments": [payment(支付日期="2024-02-30")]},
                 ("资金支付", 2, "支付日期", "2024-02-30",
                  "“2024-02-30”不是真实存在的日期；请核对月份和日"), id="impossible-date"),
    pytest.param({"payments": [payment(支付日期="下月初")]},
                 ("资金支付", 2, "支付日期", "下月初",
                  "“下月初”不是日期；请按 2024-03-05、2024/3/5 或 2024年3月5日 的格式填写"),
                 id="not-a-date"),
    pytest.param({"payments": [payment(统一社会信用代码="91110000600037341A")]},
                 ("资金支付", 2, "统一社会信用代码", "91110000600037341A",
                  "统一社会信用代码“91110000600037341A”校验位不正确，请核对最后一位"),
                 id="invalid-credit-code"),
    pytest.param({"projects": [project(区划代码="339999")]},
                 ("项目", 2, "区划代码", "339999",
                  "区划代码“339999”不存在；请填写台州市县、乡镇（街道）或村（社区）的统计用区划代码，"
                  "例如 331002001。"), id="unknown-region"),
    pytest.param({"projects": [project(主管单位="不存在的单位")]},
                 ("项目", 2, "主管单位", "不存在的单位",
                  "椒江区没有名为“不存在的单位”的单位；请填写系统中登记的单位全称。"),
                 id="unknown-unit"),
    pytest.param({"projects": [project(**{"形象进度(%)": 120})]},
                 ("项目", 2, "形象进度(%)", "120",
                  "“120”超出 0–100 或不是整数；请填写 0 到 100 的整数"), id="progress-above-100"),
    pytest.param({"projects": [project(**{"形象进度(%)": -5})]},
                 ("项目", 2, "形象进度(%)", "-5",
                  "“-5”超出 0–100 或不是整数；请填写 0 到 100 的整数"), id="progress-below-0"),
    pytest.param({"projects": [project(状态="进行中")]},
                 ("项目", 2, "状态", "进行中",
                  "“进行中”不是允许的取值，只能填：未开工、在建、已完工、停工、已取消"),
                 id="unknown-status"),
    pytest.param({"allocations": [allocation(资金来源="国家级")]},
                 ("资金到位", 2, "资金来源", "国家级",
                  "“国家级”不是允许的取值，只能填：中央、省级、市级、县级、乡镇、自筹、其他"),
                 id="unknown-source"),
    pytest.param({"projects": [project(是否公开="公开")]},
                 ("项目", 2, "是否公开", "公开", "“公开”不是允许的取值，只能填：是、否"),
                 id="unknown-yes-no"),
    pytest.param({"payments": [payment(项目编号="JJ-2024-999")]},
                 ("资金支付", 2, "项目编号", "JJ-2024-999",
                  "项目“JJ-2024-999”既不在项目工作表中，也不在系统中；请在项目工作表中为它添加一行。"),
                 id="payment-for-unknown-project"),
    pytest.param({"allocations": [allocation(项目编号="JJ-2024-999")]},
                 ("资金到位", 2, "项目编号", "JJ-2024-999",
                  "项目“JJ-2024-999”既不在项目工作表中，也不在系统中；请在项目工作表中为它添加一行。"),
                 id="allocation-for-unknown-project"),
    pytest.param({"projects": [project(计划完工日期=datetime.date(2024, 1, 1))]},
                 ("项目", 2, "计划完工日期", "2024-01-01",
                  "计划完工日期早于计划开工日期 2024-03-01。"), id="end-before-start"),
    pytest.param({"payments": [payment(用途="款" * 301)]},
                 ("资金支付", 2, "用途", "款" * 79 + "…",
                  "内容有 301 个字符；请缩短到 300 个字符以内。"), id="text-too-long"),
]


@pytest.mark.parametrize(("content", "expected"), REJECTIONS)
def test_it_rejects_bad_cells(tmp_path, unit_a, content, expected):
    sheets = {"projects": [project()], **content}
    path = write_workbook(tmp_path / "bad.xlsx", **sheets)

    assert only_issue(path) == expected


def test_it_rejects_a_missing_header(tmp_path, unit_a):
    headers = {"项目": [h for h in PROJECT_HEADERS if h != "状态"]}
    path = write_workbook(tmp_path / "header.xlsx", headers=headers, projects=[project()])

    assert only_issue(path) == ("项目", 1, "状态", "",
                                "缺少表头“状态”；请在第 1 行加上这一列（列的顺序不限）。")


def test_it_rejects_unknown_amount_unit(tmp_path, unit_a):
    headers = {"项目": [h.replace("(元)", "(千元)") for h in PROJECT_HEADERS]}
    path = write_workbook(tmp_path / "unit.xlsx", headers=headers, projects=[project()])

    assert only_issue(path) == ("项目", 1, "预算金额(千元)", "预算金额(千元)",
                                "表头“预算金额(千元)”的单位无法识别；请写成 预算金额(元) 或 预算金额(万元)。")


def test_it_rejects_a_duplicated_header(tmp_path, unit_a):
    headers = {"资金支付": [*DISBURSEMENT_HEADERS, "用途"]}
    path = write_workbook(tmp_path / "twice.xlsx", headers=headers, projects=[project()])

    assert only_issue(path) == ("资金支付", 1, "用途", "用途",
                                "表头“用途”出现了两次；请删除其中一列。")


def test_it_rejects_a_missing_sheet(tmp_path, unit_a):
    path = write_workbook(tmp_path / "sheet.xlsx", projects=[project()], leave_out=("资金支付",))

    assert only_issue(path) == ("资金支付", None, "", "",
                                "缺少工作表“资金支付”；工作簿必须包含项目、资金到位、资金支付三张工作表（可下载模板查看）。")


def test_it_rejects_non_workbook_file(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("项目编号,项目名称\n", encoding="utf-8")

    assert only_issue(path) == ("", None, "", "notes.xlsx",
                                "文件不是可读取的 Excel 工作簿；请在 Excel 中另存为“Excel 工作簿 (*.xlsx)”后重新上传。")


def test_it_rejects_a_project_outside_the_users_scope(tmp_path, unit_a, operator_b):
    path = write_workbook(tmp_path / "scope.xlsx", projects=[project()])

    assert only_issue(path, operator_b) == (
        "项目", 2, "区划代码", "331002001",
        "您无权新增或修改海门街道（331002001）的项目：它不在您所属的区划和单位范围内。")


def test_it_rejects_payments_outside_scope(tmp_path, ledger, operator_b):
    import_workbook(None, ledger)
    path = write_workbook(tmp_path / "scope.xlsx", payments=[payment(), payment()])

    error = rejection(path, operator_b)

    assert [(i.sheet, i.row, i.column) for i in error.errors] == [
        ("资金支付", 2, "项目编号"), ("资金支付", 3, "项目编号")]
    assert error.errors[0].reason == "项目“JJ-2024-001”属于您权限范围以外的区划或单位，您无权修改。"


def test_it_rejects_project_from_other_scope(tmp_path, ledger, operator_a, operator_b):
    import_workbook(operator_a, ledger)
    moved = write_workbook(tmp_path / "moved.xlsx",
                           projects=[project(区划代码="331003", 主管单位="黄岩区人民政府")])

    issue = only_issue(moved, operator_b)

    assert issue[:3] == ("项目", 2, "项目编号")


def test_operator_may_import_in_own_scope(tmp_path, ledger, operator_a):
    report = import_workbook(operator_a, ledger)

    assert report.projects.created == 1


def test_it_collects_every_problem_up_to_the_cap(tmp_path, unit_a):
    payments = [payment(支付金额=-1) for _ in range(250)]
    path = write_workbook(tmp_path / "many.xlsx", projects=[project()], payments=payments)

    error = rejection(path)

    assert len(error.errors) == 200
    assert error.more == 50
    assert error.errors[-1].row == 201
    assert str(error) == "工作簿有 250 处问题，已被拒绝，未导入任何数据。"


def test_it_reports_every_sheet_before_giving_up(tmp_path, unit_a):
    path = write_workbook(tmp_path / "both.xlsx", projects=[project(状态="进行中")],
                          payments=[payment(支付日期="2024-13-01")], leave_out=("资金到位",))

    error = rejection(path)

    assert [(i.sheet, i.row, i.column) for i in error.errors] == [
        ("资金到位", None, ""), ("项目", 2, "状态"), ("资金支付", 2, "支付日期")]


def test_it_writes_messages_in_english_on_request(tmp_path, unit_a):
    path = write_workbook(tmp_path / "en.xlsx", projects=[project(**{"预算金额(元)": -5})])

    assert only_issue(path, language="en")[4] == "“-5” is negative; amounts must be zero or more"


def test_it_reports_progress(tmp_path, unit_a):
    payments = [payment(凭证号=f"记-{n}") for n in range(12000)]
    path = write_workbook(tmp_path / "progress.xlsx", projects=[project()], payments=payments)
    calls = []

    import_workbook(None, path, progress=lambda done, total: calls.append((done, total)))

    # The 项目 sheet's one row comes first, so the first report is at 5,001.
    assert calls[0] == (5001, 12001)
    assert calls[-1] == (12001, 12001)
    assert len(calls) == 3


def test_it_imports_thousands_of_rows_in_bulk(tmp_path, unit_a, django_assert_max_num_queries):
    projects = [project(项目编号=f"JJ-{n}") for n in range(20)]
    payments = [payment(项目编号=f"JJ-{n % 20}", 凭证号=f"记-{n}", 支付金额=n + 0.01)
                for n in range(4000)]
    path = write_workbook(tmp_path / "bulk.xlsx", projects=projects, payments=payments)

    with django_assert_max_num_queries(60):
        report = import_workbook(None, path)

    assert report.disbursements.created == 4000
    assert Disbursement.objects.count() == 4000
    assert Project.all_objects.get(code="JJ-7").paid_total == sum(
        Decimal(n) + Decimal("0.01") for n in range(7, 4000, 20))
    assert verify() == []
    assert import_workbook(None, path).audit_entries == 0


def test_bulk_digests_match_the_audit_chain():
    row = (2, 17, "2024-03-05", 12000055, "CNY", 'A "quoted" \\ name\n台州', True, "", None,
           "记-1", "", False, "ledger", "")
    with_date = (*row[:2], datetime.date(2024, 3, 5), *row[3:])

    assert row_digests([row]) == [chain.digest_values(with_date)]


def test_command_imports_and_prints_a_summary(ledger):
    out = StringIO()

    call_command("import_ledger", str(ledger), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "已检查 3 / 3 行。"
    assert "项目：新建 1 个，更新 0 个，未变 0 个。" in lines
    assert Disbursement.objects.count() == 1


def test_command_lists_problems_and_fails(tmp_path, unit_a):
    path = write_workbook(tmp_path / "bad.xlsx", projects=[project(状态="进行中")])
    err = StringIO()

    with pytest.raises(CommandError, match="工作簿有 1 处问题"):
        call_command("import_ledger", str(path), stderr=err, stdout=StringIO())

    assert err.getvalue().startswith("项目 第 2 行 状态 “进行中”: ")
    assert Project.all_objects.count() == 0


def test_command_speaks_english_on_request(tmp_path, unit_a):
    path = write_workbook(tmp_path / "bad.xlsx", projects=[project(状态="进行中")])
    err = StringIO()

    with pytest.raises(CommandError, match="rejected with 1 problem;"):
        call_command("import_ledger", str(path), language="en", stderr=err, stdout=StringIO())

    assert "“进行中” is not one of the allowed values" in err.getvalue()


def test_command_applies_the_users_scope(ledger, operator_b):
    with pytest.raises(CommandError):
        call_command("import_ledger", str(ledger), user="operator_b", stderr=StringIO(),
                     stdout=StringIO())


def test_command_rejects_an_unknown_user(ledger):
    with pytest.raises(CommandError, match="没有名为“nobody”的用户"):
        call_command("import_ledger", str(ledger), user="nobody")


def test_command_keeps_verify_audit_passing(ledger, tmp_path):
    call_command("import_ledger", str(ledger), stdout=StringIO())
    changed = write_workbook(tmp_path / "changed.xlsx", projects=[project(状态="已完工")],
                             payments=[payment(支付金额=1)])
    call_command("import_ledger", str(changed), stdout=StringIO())

    call_command("verify_audit", stdout=StringIO())

    assert verify() == []
    assert AuditEntry.objects.filter(object_type="funds.disbursement").count() == 2


def test_empty_sheets_report_each_header(tmp_path, unit_a):
    workbook = Workbook()
    workbook.active.title = "项目"
    workbook.create_sheet("资金到位")
    workbook.create_sheet("资金支付")
    path = tmp_path / "empty.xlsx"
    workbook.save(path)

    error = rejection(path)

    assert len(error.errors) == 12 + 6 + 7
    assert {i.row for i in error.errors} == {1}


def test_it_rejects_arrival_above_approval(tmp_path, unit_a):
    path = write_workbook(tmp_path / "over.xlsx", projects=[project()],
                          allocations=[allocation(到位金额=600000)])

    sheet, row, column, value, reason = only_issue(path)

    assert (sheet, row, column, value) == ("资金到位", 2, "到位金额(元)", "600000.00")
    assert "超过下达金额" in reason


def test_it_rejects_arrival_before_approval(tmp_path, unit_a):
    path = write_workbook(tmp_path / "early.xlsx", projects=[project()],
                          allocations=[allocation(到位日期=datetime.date(2024, 3, 1))])

    sheet, row, column, value, reason = only_issue(path)

    assert (sheet, row, column) == ("资金到位", 2, "到位日期")
    assert "2024-03-05" in reason


@pytest.mark.parametrize(("changes", "column", "words"), [
    ({"支付日期": datetime.date(2099, 1, 1)}, "支付日期", "晚于今天"),
    ({"支付金额": 0}, "支付金额(元)", "为零"),
])
def test_it_rejects_future_or_zero_payments(tmp_path, unit_a, changes, column, words):
    path = write_workbook(tmp_path / "pay.xlsx", projects=[project()],
                          payments=[payment(**changes)])

    sheet, row, found_column, value, reason = only_issue(path)

    assert (sheet, row, found_column) == ("资金支付", 2, column)
    assert words in reason


@pytest.mark.parametrize("code", ["T/../JJ-2023-0001", "JJ/2024/1", "..", "JJ 2024", "JJ?1"])
def test_it_rejects_new_code_breaking_url(tmp_path, unit_a, code):
    path = write_workbook(tmp_path / "code.xlsx", projects=[project(项目编号=code)],
                          payments=[payment(项目编号=code)])

    sheet, row, column, value, reason = only_issue(path)

    assert (sheet, row, column, value) == ("项目", 2, "项目编号", code)
    assert reason.startswith(f"项目编号“{code}”含有不能用于网址的字符")


def test_it_updates_stored_code_with_slash(tmp_path, unit_a):
    actions.create_project(None, code="JJ/2024/1", name="旧编号项目", region=region("331002001"))
    path = write_workbook(tmp_path / "old.xlsx", projects=[project(项目编号="JJ/2024/1")])

    import_workbook(None, path)

    assert Project.all_objects.get(code="JJ/2024/1").name == "海门街道道路改造"
