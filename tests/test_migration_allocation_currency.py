"""The data migration that gives old staff allocations their project's currency.

Each test migrates the funds app back to before the migration. It then
writes rows as the old staff form wrote them, in CNY on any project, and
runs the migration with Django's executor on the test database.
"""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from sunshine.audit.actions import create_row
from sunshine.audit.verify import review_notes, verify
from sunshine.funds import actions
from sunshine.funds.models import Allocation, Project, Source
from tests.conftest import region

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("funds", "0002_add_import_job")
AFTER = ("funds", "0003_correct_allocation_currency")


@pytest.fixture
def before_migration():
    MigrationExecutor(connection).migrate([BEFORE])
    yield
    MigrationExecutor(connection).migrate([AFTER])


def migrate() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])


def peso_project(code: str = "ocds-mx-1") -> Project:
    return actions.create_project(None, code=code, name="Obra", region=region("331002001"),
                                  currency="MXN", source=Source.OCDS)


def old_allocation(project: Project, approved: str = "1000", arrived: str = "400",
                   origin: str = Source.MANUAL) -> Allocation:
    """Write an allocation as the staff form did before, in CNY, with the old totals."""
    with transaction.atomic():
        row = create_row(None, Allocation(
            project=project, source="county", approved_amount=Decimal(approved),
            arrived_amount=Decimal(arrived), approved_on=datetime.date(2024, 3, 1),
            currency="CNY", origin=origin,
        ))
        # The totals then added every row, whatever its currency.
        Project.all_objects.filter(pk=project.pk).update(
            allocated_total=project.allocated_total + Decimal(approved),
            arrived_total=project.arrived_total + Decimal(arrived),
        )
    project.refresh_from_db()
    return row


def currency_of(row: Allocation) -> str:
    return Allocation.objects.get(pk=row.pk).currency


def test_staff_row_takes_project_currency(before_migration):
    project = peso_project()
    row = old_allocation(project)

    migrate()

    stored = Allocation.objects.get(pk=row.pk)
    assert stored.currency == "MXN"
    assert stored.version == 2
    project.refresh_from_db()
    assert project.allocated_total == Decimal("1000.00")
    assert project.arrived_total == Decimal("400.00")
    assert verify() == []
    assert review_notes() == []


def test_ledger_row_is_left_and_reported(before_migration):
    project = peso_project()
    row = old_allocation(project, origin=Source.LEDGER)

    migrate()

    assert currency_of(row) == "CNY"
    project.refresh_from_db()
    assert project.allocated_total == Decimal("0.00")
    assert project.arrived_total == Decimal("0.00")
    notes = review_notes()
    assert len(notes) == 1
    assert f"funds.allocation 第 {row.pk} 行以 CNY 计" in notes[0]
    assert "ocds-mx-1" in notes[0]
    assert verify() == []


def test_row_before_currency_change_is_left(before_migration):
    project = actions.create_project(None, code="JJ-2024-009", name="道路",
                                     region=region("331002001"))
    row = old_allocation(project)
    actions.update_project(None, project, {"currency": "MXN"}, expected_version=None)

    migrate()

    assert currency_of(row) == "CNY"
    assert len(review_notes()) == 1
    assert verify() == []


def test_zero_row_is_relabelled_whatever_origin(before_migration):
    project = peso_project()
    row = old_allocation(project, approved="0", arrived="0", origin=Source.LEDGER)

    migrate()

    assert currency_of(row) == "MXN"
    assert review_notes() == []
    assert verify() == []


def test_project_rows_in_its_currency_stay(before_migration):
    project = peso_project()
    kept = actions.add_allocation(None, project, source="county",
                                  approved_amount=Decimal("50"), arrived_amount=Decimal("50"))
    yuan_project = actions.create_project(None, code="JJ-2024-010", name="桥梁",
                                          region=region("331002001"))
    yuan_row = old_allocation(yuan_project)
    old = old_allocation(project)

    migrate()

    assert currency_of(kept) == "MXN"
    assert Allocation.objects.get(pk=kept.pk).version == 1
    assert currency_of(yuan_row) == "CNY"
    assert currency_of(old) == "MXN"
    project.refresh_from_db()
    assert project.allocated_total == Decimal("1050.00")
    assert verify() == []


def test_verify_audit_lists_rows_for_review(before_migration):
    project = peso_project()
    row = old_allocation(project, origin=Source.DEMO)
    migrate()
    out, err = StringIO(), StringIO()

    call_command("verify_audit", stdout=out, stderr=err)

    assert "审计链完整" in out.getvalue()
    assert f"需要复核：项目“ocds-mx-1”的 funds.allocation 第 {row.pk} 行" in err.getvalue()
    assert "CNY" in err.getvalue()
