import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from sunshine.audit import chain
from sunshine.audit.actions import ConflictError
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.models import Project
from tests.conftest import region

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(operator_a):
    project = actions.create_project(operator_a, code="JJ-2024-001", name="海门街道道路改造",
                                     region=region("331002001"), budget=Decimal("1000000.00"))
    actions.add_allocation(operator_a, project, source="county",
                           approved_amount=Decimal("500000"), arrived_amount=Decimal("300000"))
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2024, 4, 1),
                             amount=Decimal("120000.55"), payee_name="台州某建设有限公司")
    return project


def raw_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_chinese_report_names_the_entry(project):
    raw_sql("UPDATE audit_auditentry SET actor_label = 'someone' WHERE id = 2")

    with pytest.raises(CommandError, match="第 2 条"):
        call_command("verify_audit")


def test_intact_chain_verifies(project):
    assert verify() == []
    call_command("verify_audit")


def test_it_detects_altered_entry(project):
    raw_sql("UPDATE audit_auditentry SET actor_label = 'someone' WHERE id = 2")

    problems = verify()

    assert problems[0].entry_id == 2
    with translation.override("en"), pytest.raises(CommandError, match="entry #2"):
        call_command("verify_audit")


def test_it_detects_deleted_entry(project):
    raw_sql("DELETE FROM audit_auditentry WHERE id = 2")

    assert verify()[0].entry_id == 2


def test_it_detects_row_changed_outside_actions(project):
    raw_sql("UPDATE funds_disbursement SET amount = 1")

    problems = verify()

    assert "funds.disbursement" in problems[0].message
    assert problems[0].entry_id is not None


def test_it_detects_row_deleted_outside_actions(project):
    raw_sql("DELETE FROM funds_allocation")

    assert any("funds.allocation" in p.message for p in verify())


def test_it_detects_row_inserted_outside_actions(project):
    raw_sql(
        "INSERT INTO funds_disbursement (project_id, paid_on, amount, currency, payee_name,"
        " payee_is_person, payee_credit_code, voucher_no, purpose, exceeds_arrived, origin,"
        " external_id, version) VALUES (%s, '2024-05-01', 100, 'CNY', 'x', false, '', '', '',"
        " false, 'manual', '', 1)",
        [project.pk],
    )

    with translation.override("en"):
        problems = verify()

    assert any("funds.disbursement" in p.message and p.entry_id is None for p in problems)


def test_updates_keep_earlier_entries_verifiable(project, operator_a):
    project = actions.update_project(operator_a, project, {"progress": 40}, expected_version=1)
    actions.update_project(operator_a, project, {"progress": 70}, expected_version=2)

    assert verify() == []


def test_stale_edit_is_rejected(project, operator_a):
    actions.update_project(operator_a, project, {"progress": 40}, expected_version=1)

    with translation.override("en"), pytest.raises(ConflictError, match="your version 1"):
        actions.update_project(operator_a, project, {"progress": 60}, expected_version=1)
    assert Project.all_objects.get(pk=project.pk).progress == 40


def test_totals_follow_actions(project):
    project.refresh_from_db()

    assert project.allocated_total == Decimal("500000.00")
    assert project.arrived_total == Decimal("300000.00")
    assert project.paid_total == Decimal("120000.55")
    assert project.remaining == Decimal("179999.45")


def test_disbursement_over_arrived_is_flagged(project, operator_a):
    payment = actions.add_disbursement(operator_a, project, paid_on=datetime.date(2024, 5, 1),
                                       amount=Decimal("200000"), payee_name="台州某建设有限公司")

    assert payment.exceeds_arrived is True
    assert verify() == []


def test_it_detects_cached_total_changed_outside_actions(project):
    raw_sql("UPDATE funds_project SET paid_total = 1")

    problems = verify()

    assert len(problems) == 1
    assert str(project.pk) in problems[0].message


def test_added_field_counts_only_when_filled(operator_a, unit_a):
    from sunshine.duties.models import Directive
    from tests.duties_data import make_directive

    directive = make_directive(operator_a, unit_a)
    fields = chain.digest_fields(Directive)
    without = [f for f in fields if f.name != "generated_for"]
    older = chain.digest_values(f.get_prep_value(getattr(directive, f.attname)) for f in without)

    assert chain.row_digest(directive) == older
    directive.generated_for_id = 1
    assert chain.row_digest(directive) != older
