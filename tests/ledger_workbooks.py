"""Building ledger workbooks for the ledger tests with openpyxl.

The headers are written out here rather than taken from the product's
schema, so the tests pin the file format that county staff fill in.
"""

import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

PROJECT_HEADERS = ["项目编号", "项目名称", "项目类别", "区划代码", "主管单位", "责任人",
                   "预算金额(元)", "计划开工日期", "计划完工日期", "形象进度(%)", "状态",
                   "是否公开"]
ALLOCATION_HEADERS = ["项目编号", "资金来源", "下达金额(元)", "下达日期", "到位金额(元)",
                      "到位日期"]
DISBURSEMENT_HEADERS = ["项目编号", "支付日期", "支付金额(元)", "收款单位", "统一社会信用代码",
                        "凭证号", "用途"]

CREDIT_CODE = "91110000600037341L"


def project(**changes: Any) -> dict[str, Any]:
    row = {
        "项目编号": "JJ-2024-001", "项目名称": "海门街道道路改造", "项目类别": "交通",
        "区划代码": "331002001", "主管单位": "椒江区人民政府", "责任人": "王建国",
        "预算金额(元)": 1000000, "计划开工日期": datetime.date(2024, 3, 1),
        "计划完工日期": datetime.date(2024, 12, 31), "形象进度(%)": 40, "状态": "在建",
        "是否公开": "是",
    }
    return _changed(row, changes)


def allocation(**changes: Any) -> dict[str, Any]:
    row = {
        "项目编号": "JJ-2024-001", "资金来源": "县级", "下达金额(元)": 500000,
        "下达日期": datetime.date(2024, 3, 5), "到位金额(元)": 300000,
        "到位日期": datetime.date(2024, 3, 20),
    }
    return _changed(row, changes)


def payment(**changes: Any) -> dict[str, Any]:
    row = {
        "项目编号": "JJ-2024-001", "支付日期": datetime.date(2024, 4, 1),
        "支付金额(元)": 120000.55, "收款单位": "台州某建设有限公司",
        "统一社会信用代码": CREDIT_CODE, "凭证号": "记-2024-0401", "用途": "工程进度款",
    }
    return _changed(row, changes)


def _changed(row: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Apply changes; a short key such as 支付金额 stands for the header 支付金额(元)."""
    for key, value in changes.items():
        row[f"{key}(元)" if f"{key}(元)" in row else key] = value
    return row


def write_workbook(path: Path, *, projects=(), allocations=(), payments=(),
                   headers: dict[str, list[str]] | None = None,
                   leave_out: tuple[str, ...] = ()) -> Path:
    """Write the three sheets; ``headers`` replaces a sheet's header row, ``leave_out`` drops sheets.

    Row dicts are written under their keys, so a header a test renames or
    drops takes its column with it.
    """
    headers = headers or {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, default, rows in (("项目", PROJECT_HEADERS, projects),
                                ("资金到位", ALLOCATION_HEADERS, allocations),
                                ("资金支付", DISBURSEMENT_HEADERS, payments)):
        if name in leave_out:
            continue
        sheet = workbook.create_sheet(name)
        columns = headers.get(name, default)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    workbook.save(path)
    return path
