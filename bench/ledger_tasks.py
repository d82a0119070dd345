"""The two timed tasks of the ledger benchmark, run inside a configured Django process.

``run_import`` times the product's ``import_workbook``. ``run_baseline``
times the least work that stores the same payments: read the workbook with
python-calamine, convert each payment row, and write the rows into a copy
of the disbursement table (PostgreSQL: one ``COPY``; SQLite: one
``executemany``). The baseline skips validation, audit digests and the
project and allocation sheets, which is the price of the product's rules
that the ratio shows.
"""

import datetime
import re
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from python_calamine import CalamineWorkbook

from sunshine.funds.models import Disbursement
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Region, Role, UnitKind

BASELINE_TABLE = "bench_disbursement_copy"
FOREIGN_KEY = re.compile(r' REFERENCES "\w+" \("\w+"\)( DEFERRABLE INITIALLY DEFERRED)?')
BASELINE_COLUMNS = ["audit_entry_id", "version", "project_id", "paid_on", "amount", "currency",
                    "payee_name", "payee_is_person", "payee_credit_code", "supplier_id",
                    "voucher_no", "purpose", "exceeds_arrived", "origin", "external_id"]


def make_actor(username: str) -> int:
    """Create a city administrator, who may import ledgers for any region."""
    user_model = get_user_model()
    existing = user_model.objects.filter(username=username).first()
    if existing is not None:
        return existing.pk
    unit = org_actions.create_unit(None, name="台州市财政局（基准测试）", kind=UnitKind.GOVERNMENT,
                                   region=Region.objects.get(code="331000"))
    user = user_model.objects.create_user(username=username, password=None)
    Assignment.objects.create(user=user, role=Role.ADMINISTRATOR, unit=unit)
    return user.pk


def run_import(path: Path, username: str) -> dict[str, Any]:
    from sunshine.funds.ledger.importer import import_workbook

    actor = get_user_model().objects.get(username=username)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = import_workbook(actor, path)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "summary": summarize(result),
            "disbursements": Disbursement.objects.count()}


def summarize(result: Any) -> str:
    """Return a short text form of whatever the importer returned, for the log."""
    text = repr(result)
    return text if len(text) <= 300 else text[:297] + "..."


def prepare_baseline_table() -> None:
    source = Disbursement._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} "
                           f"(LIKE {source} INCLUDING ALL)")
            cursor.execute(f"TRUNCATE {BASELINE_TABLE}")
            return
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
        cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s "
                       "AND sql IS NOT NULL ORDER BY type DESC", [source])
        for kind, name, sql in cursor.fetchall():
            # Foreign keys are left out on both backends (PostgreSQL's LIKE does
            # not copy them), because the baseline numbers projects itself.
            copied = FOREIGN_KEY.sub("", sql.replace(f'"{source}"', f'"{BASELINE_TABLE}"'))
            if kind == "index":
                copied = copied.replace(f'"{name}"', f'"bench_{name}"')
            cursor.execute(copied)


def read_payments(path: Path, *, iso_dates: bool = False) -> list[tuple]:
    """Read the payment sheet and convert its rows the way any importer must.

    ``iso_dates`` writes dates as ISO text, which is how Django stores them in SQLite.
    """
    from sunshine.funds.ledger import schema

    book = CalamineWorkbook.from_path(str(path))
    projects = book.get_sheet_by_name(schema.PROJECTS).to_python()
    project_ids = {row[0]: n + 1 for n, row in enumerate(projects[1:])}
    sheet = book.get_sheet_by_name(schema.DISBURSEMENTS).to_python()
    headers = [column.template_header for column in schema.DISBURSEMENT_SHEET.columns]
    at = {column.key: sheet[0].index(header)
          for column, header in zip(schema.DISBURSEMENT_SHEET.columns, headers, strict=True)}

    rows = []
    for cells in sheet[1:]:
        paid_on = cells[at["paid_on"]]
        if isinstance(paid_on, datetime.datetime):
            paid_on = paid_on.date()
        if iso_dates:
            paid_on = paid_on.isoformat()
        credit_code = cells[at["payee_credit_code"]] or ""
        rows.append((None, 1, project_ids[cells[at["project"]]], paid_on,
                     round(float(cells[at["amount"]]) * 100), "CNY", cells[at["payee_name"]],
                     not credit_code, credit_code, None, cells[at["voucher_no"]],
                     cells[at["purpose"]], False, "ledger", ""))
    return rows


def run_baseline(path: Path) -> dict[str, Any]:
    prepare_baseline_table()
    columns = ", ".join(BASELINE_COLUMNS)
    started, cpu_started = time.perf_counter(), time.process_time()

    rows = read_payments(path, iso_dates=connection.vendor == "sqlite")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {BASELINE_TABLE} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # The driver's own executemany, as the fastest plain insert there is.
            placeholders = ", ".join(["?"] * len(BASELINE_COLUMNS))
            connection.connection.executemany(
                f"INSERT INTO {BASELINE_TABLE} ({columns}) VALUES ({placeholders})", rows)

    return {"seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu_started, "rows": len(rows)}
