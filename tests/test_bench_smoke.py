"""The benchmark harness on tiny sizes, so its pieces keep working. No timing is asserted."""

import http.server
import threading

import pytest
from django.db import connection
from django.db.models import Sum
from python_calamine import CalamineWorkbook

from bench import dataset, ledger_tasks, loadgen, report, workbook
from bench.__main__ import parse_args
from sunshine.audit import chain
from sunshine.audit.verify import verify
from sunshine.funds.ledger import schema
from sunshine.funds.models import Allocation, Disbursement, Project

SIZES = dataset.Sizes(projects=12, disbursements=100)


@pytest.fixture
def loaded(db):
    return dataset.load(SIZES)


def test_dataset_loads_requested_counts(loaded):
    assert loaded == {"projects": 12, "allocations": 12, "disbursements": 100}
    assert Project.public_objects.filter(code__startswith=dataset.CODE_PREFIX).count() == 12
    assert Disbursement.objects.count() == 100


def test_dataset_is_audit_covered(loaded):
    assert verify() == []


def test_dataset_digests_match_row_digest(loaded):
    for model in (Project, Allocation, Disbursement):
        rows = list(model._base_manager.filter(audit_entry__object_type=chain.object_type_of(model)))
        count, total = chain.sum_digests(chain.row_digest(row) for row in rows)
        entry = rows[0].audit_entry
        assert entry.row_count == count
        assert entry.row_digest == total


def test_dataset_fills_cached_totals(loaded):
    for project in Project.all_objects.filter(code__startswith=dataset.CODE_PREFIX):
        paid = project.disbursements.aggregate(total=Sum("amount"))["total"]
        approved = project.allocations.aggregate(total=Sum("approved_amount"))["total"]
        assert project.paid_total == paid
        assert project.allocated_total == approved


def test_dataset_counts_vary_but_sum_exactly():
    counts = dataset.disbursement_counts(dataset.Sizes(projects=7, disbursements=101))
    assert sum(counts) == 101
    assert min(counts) >= 0
    assert len(set(counts)) > 1


def test_public_codes_come_from_dataset(loaded):
    codes = dataset.public_codes(5)
    assert len(codes) == 5
    assert Project.public_objects.filter(code__in=codes).count() == 5


def test_workbook_has_three_sheets(tmp_path):
    path = tmp_path / "ledger.xlsx"
    workbook.generate(path, rows=250)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [schema.PROJECTS, schema.ALLOCATIONS, schema.DISBURSEMENTS]
    payments = book.get_sheet_by_name(schema.DISBURSEMENTS).to_python()
    assert payments[0] == [c.template_header for c in schema.DISBURSEMENT_SHEET.columns]
    assert len(payments) == 251
    projects = book.get_sheet_by_name(schema.PROJECTS).to_python()
    assert len(projects) == 1 + workbook.project_count(250)


def test_baseline_inserts_every_payment(db, tmp_path):
    path = tmp_path / "ledger.xlsx"
    workbook.generate(path, rows=40)
    result = ledger_tasks.run_baseline(path)
    assert result["rows"] == 40

    with connection.cursor() as cursor:
        table = ledger_tasks.BASELINE_TABLE
        cursor.execute(f"SELECT COUNT(*), MIN(paid_on) FROM {table}")  # noqa: S608
        count, first_paid = cursor.fetchone()
    assert count == 40
    assert str(first_paid) >= "2024-01-01"


def test_workbook_imports_with_product_importer(db, tmp_path):
    path = tmp_path / "ledger.xlsx"
    workbook.generate(path, rows=150)
    ledger_tasks.make_actor("bench_importer")
    result = ledger_tasks.run_import(path, "bench_importer")
    assert result["disbursements"] == 150
    assert Project.all_objects.filter(code__startswith="LB").count() == workbook.project_count(150)
    assert verify() == []


def test_minimal_view_answers_json(client, settings):
    settings.ROOT_URLCONF = "bench.urls"
    response = client.get("/bench/minimal/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = self.path.encode()
        self.send_response(200 if self.path.startswith("/p/") else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def tiny_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_python_client_stops_at_request_cap(tiny_server, tmp_path):
    codes = tmp_path / "codes.txt"
    codes.write_text("A1\nB2\n", encoding="utf-8")
    spec = loadgen.LoadSpec(port=tiny_server, path="/p/{code}/", codes_file=codes, duration=5,
                            connections=2, max_requests=25)
    result = loadgen.run_python(spec)
    assert result.requests == 25
    assert result.status_errors == 0
    assert result.client == "python"


def test_python_client_counts_status_errors(tiny_server):
    spec = loadgen.LoadSpec(port=tiny_server, path="/missing/", codes_file=None, duration=5,
                            connections=1, max_requests=3)
    result = loadgen.run_python(spec)
    assert result.status_errors == 3


def test_wrk_summary_parses():
    line = ('BENCH {"requests": 1200, "duration_us": 2000000, "status_errors": 1, '
            '"socket_errors": 0, "p50_us": 8000, "p90_us": 9000, "p99_us": 12500, "max_us": 20000}')
    result = loadgen.parse_wrk_summary(line)
    assert result.throughput == 600
    assert result.p99_ms == 12.5
    assert result.status_errors == 1


def test_report_table_aligns_chinese():
    figures = [report.Figure("ledger", "导入 / baseline", 1.5, "ratio", "≤ 2.0", True)]
    lines = report.table(figures).splitlines()
    assert lines[2].startswith("ledger")
    assert "yes" in lines[2]
    assert report.display_width("导入") == 4


def test_quick_option_sets_small_sizes():
    args = parse_args(["--quick", "--only", "http"])
    assert args.projects == 2000
    assert args.database == "sunshine_bench_quick"
    assert args.only == ["http"]


def test_sizes_have_one_allocation_per_project():
    assert dataset.Sizes(projects=3, disbursements=9).allocations == 3
