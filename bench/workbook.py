"""Generate the ledger workbook of the import benchmark with openpyxl's write-only mode.

Sheets and headers come from the product's ledger format
(``sunshine.funds.ledger.schema``): a 项目 sheet with the projects the
payments belong to, a 资金到位 sheet with one allocation per project and a
资金支付 sheet with the payments. The file is cached under ``bench/out/`` by
size and layout version. Generating it needs configured Django settings,
because the schema module imports the fund models.
"""

import datetime
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from stdnum.cn import uscc

from bench.databases import OUT_DIR

# Bump when the generated content changes, so a stale cached file is not reused.
LAYOUT_VERSION = 2
ROWS_PER_PROJECT = 100
START = datetime.date(2024, 1, 1)

VILLAGES = ["331002001003", "331002001004", "331002001005", "331002001006", "331003001001"]
PURPOSES = ["工程进度款", "材料款", "设计费", "监理费", "劳务费", "质保金", "设备采购款"]
COMPANIES = [(name, body + uscc.calc_check_digit(body)) for name, body in [
    ("台州市椒江路桥建设有限公司", "91331002MA2000000"),
    ("台州市黄岩水利工程有限公司", "91331003MA2000001"),
    ("浙江台州园林绿化有限公司", "91331000MA2000002"),
]]
PEOPLE = ["王伟", "李芳", "张敏", "陈静", "杨洋"]


def project_code(index: int) -> str:
    return f"LB{index + 1:06d}"


def project_count(rows: int) -> int:
    return max(1, -(-rows // ROWS_PER_PROJECT))


def cached_path(rows: int) -> Path:
    return OUT_DIR / f"ledger-{rows}-v{LAYOUT_VERSION}.xlsx"


def ensure(rows: int) -> Path:
    """Return the cached workbook with this many payment rows, generating it if missing."""
    path = cached_path(rows)
    if not path.exists():
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        generate(partial, rows)
        partial.replace(path)
    return path


def generate(path: Path, rows: int, seed: int = 11) -> None:
    from sunshine.funds.ledger import schema

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    projects = project_count(rows)
    write_sheet(book, schema.PROJECT_SHEET, (project_row(i) for i in range(projects)))
    write_sheet(book, schema.ALLOCATION_SHEET, (allocation_row(i) for i in range(projects)))
    write_sheet(book, schema.DISBURSEMENT_SHEET,
                (payment_row(n, projects, rng) for n in range(rows)))
    book.save(path)


def write_sheet(book: Workbook, spec, rows) -> None:
    sheet = book.create_sheet(spec.name)
    sheet.append([column.template_header for column in spec.columns])
    for row in rows:
        sheet.append([row.get(column.key) for column in spec.columns])


def budget_yuan(index: int) -> float:
    return float(1_000_000 + (index * 7919) % 9_000_000)


def project_row(i: int) -> dict[str, Any]:
    start = START + datetime.timedelta(days=i % 200)
    return {"code": project_code(i), "name": f"村道硬化工程（第{i + 1}标段）",
            "category": "道路硬化", "region": VILLAGES[i % len(VILLAGES)],
            "responsible_name": PEOPLE[i % len(PEOPLE)], "budget": budget_yuan(i),
            "planned_start": start, "planned_end": start + datetime.timedelta(days=365),
            "progress": i % 101, "status": "在建", "is_public": "是"}


def allocation_row(i: int) -> dict[str, Any]:
    approved_on = START + datetime.timedelta(days=i % 200)
    return {"project": project_code(i), "source": "县级", "approved_amount": budget_yuan(i),
            "approved_on": approved_on, "arrived_amount": budget_yuan(i),
            "arrived_on": approved_on + datetime.timedelta(days=20)}


def payment_row(n: int, projects: int, rng: random.Random) -> dict[str, Any]:
    paid_on = START + datetime.timedelta(days=30 + (n // projects) % 300)
    # At most 5,000 yuan a payment keeps each project's 100 payments below
    # its arrived funds (at least 1,000,000 yuan).
    amount = rng.randint(100_00, 5_000_00) / 100
    if rng.random() < 0.2:
        payee, credit_code = rng.choice(PEOPLE), None
    else:
        payee, credit_code = rng.choice(COMPANIES)
    return {"project": project_code(n % projects), "paid_on": paid_on, "amount": amount,
            "payee_name": payee, "payee_credit_code": credit_code,
            "voucher_no": f"记-{paid_on:%Y%m}-{n:06d}", "purpose": rng.choice(PURPOSES)}
