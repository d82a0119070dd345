"""The export_ocds command: an OCDS 1.1 release package of public projects that re-imports unchanged."""

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.models import Disbursement, Project
from sunshine.funds.ocds.importer import import_files
from tests.conftest import region

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent / "sunshine" / "funds" / "data" / "ocds"
MEXICO = SAMPLES / "mexico-jalisco.record-packages.jsonl"
ALL_SAMPLES = sorted(SAMPLES.glob("*.json*"))


def export(path: Path, *args: str) -> dict:
    call_command("export_ocds", str(path), *args, stdout=StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def test_it_writes_release_package(tmp_path):
    import_files(None, [MEXICO])

    package = export(tmp_path / "out.json", "--publisher", "台州市财政局")

    assert package["version"] == "1.1"
    assert package["publisher"] == {"name": "台州市财政局"}
    assert package["uri"] == (tmp_path / "out.json").resolve().as_uri()
    assert datetime.datetime.fromisoformat(package["publishedDate"])
    assert len(package["releases"]) == 10
    transactions = [t for r in package["releases"] for c in r["contracts"]
                    for t in c.get("implementation", {}).get("transactions", [])]
    assert len(transactions) == 24
    assert {t["value"]["currency"] for t in transactions} == {"MXN"}


def test_it_writes_each_part_of_a_release(tmp_path):
    import_files(None, [MEXICO])

    package = export(tmp_path / "out.json", "--project", "ocds-xs1qbl-SFIN-03-0016-00-2017")

    [release] = package["releases"]
    assert release["ocid"] == "ocds-xs1qbl-SFIN-03-0016-00-2017"
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["numberOfTenderers"] == 6
    assert release["planning"]["budget"]["amount"] == {"amount": 17867000, "currency": "MXN"}
    assert len(release["awards"]) == 6
    assert release["awards"][0]["suppliers"][0]["id"] in {p["id"] for p in release["parties"]}
    assert {"buyer", "payer"} <= {role for p in release["parties"] for role in p["roles"]}


def test_round_trip_changes_nothing(tmp_path):
    import_files(None, ALL_SAMPLES)
    path = tmp_path / "round.json"
    export(path)
    entries = AuditEntry.objects.count()

    report = import_files(None, [path])

    assert report.processes == 132
    assert report.changed is False
    assert AuditEntry.objects.count() == entries
    assert verify() == []


def test_it_exports_only_public_projects(tmp_path):
    import_files(None, [MEXICO], public=False)

    assert export(tmp_path / "none.json")["releases"] == []
    with pytest.raises(CommandError, match="ocds-xs1qbl-02-0070-00-2017"):
        export(tmp_path / "one.json", "--project", "ocds-xs1qbl-02-0070-00-2017")


def test_private_payee_withheld_ledger_rows_kept(operator_a, tmp_path):
    project = actions.create_project(operator_a, code="JJ-2024-001", name="海门街道道路改造",
                                     region=region("331002001"), is_public=True,
                                     budget=Decimal("100000"))
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2024, 4, 1),
                             amount=Decimal("3000"), payee_name="王小明", payee_is_person=True)
    path = tmp_path / "ledger.json"

    [release] = export(path)["releases"]

    assert release["ocid"] == "ocds-sunshine-JJ-2024-001"
    payment = release["contracts"][0]["implementation"]["transactions"][0]
    assert payment["payee"]["name"] == "个人（已隐去）"
    assert "王小明" not in path.read_text(encoding="utf-8")

    report = import_files(None, [path])
    assert report.unmapped["own_projects"] == 1
    assert Project.all_objects.count() == 1
    assert Disbursement.objects.count() == 1


def test_payee_without_credit_code_is_withheld(operator_a, tmp_path):
    project = actions.create_project(operator_a, code="JJ-2024-002", name="海门街道路灯",
                                     region=region("331002001"), is_public=True)
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2024, 4, 1),
                             amount=Decimal("500"), payee_name="李四")
    path = tmp_path / "ledger.json"

    [release] = export(path)["releases"]

    payment = release["contracts"][0]["implementation"]["transactions"][0]
    assert payment["payee"] == {"name": "个人（已隐去）"}
    assert "李四" not in path.read_text(encoding="utf-8")


def test_reimport_leaves_ledger_payments_of_ocds_project(operator_a, tmp_path):
    import_files(None, [MEXICO])
    project = Project.all_objects.get(code="ocds-xs1qbl-02-0070-00-2017")
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2018, 1, 5),
                             amount=Decimal("100"), currency="MXN", payee_name="Papelería Sol")
    path = tmp_path / "mixed.json"
    export(path, "--project", project.code)
    entries = AuditEntry.objects.count()

    report = import_files(None, [path])

    assert report.changed is False
    assert AuditEntry.objects.count() == entries
    assert project.disbursements.filter(origin="ocds").count() == 2
    assert project.disbursements.get(origin="manual").payee_name == "Papelería Sol"


def test_it_rejects_unwritable_path(tmp_path):
    import_files(None, [MEXICO])

    with pytest.raises(CommandError, match="missing"):
        export(tmp_path / "missing" / "out.json")
