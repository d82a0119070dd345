"""Every change to projects and their money goes through these functions.

Each takes the acting user first, runs in one transaction, writes the rows
and appends the audit entry that covers them, then refreshes the project's
cached totals.
"""

import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row, delete_row, update_row
from sunshine.funds.models import Allocation, AssetDisposal, Disbursement, Project, Supplier
from sunshine.funds.totals import child_sum
from sunshine.lib.money import MAX_YUAN

logger = logging.getLogger(__name__)


class ProjectTotalError(ValueError):
    """Raised when a project's amounts add up to more than its total column can store."""

    def __init__(self, code: str, total: Decimal):
        super().__init__(_(
            "The amounts of project “%(code)s” would add up to %(total)s, more than the "
            "%(max)s that a project total can store; check the amounts for typing errors"
        ) % {"code": code, "total": f"{total:,}", "max": f"{MAX_YUAN:,}"})


class CurrencyMismatchError(ValueError):
    """Raised when a money row's currency differs from its project's, whose totals add it up."""

    def __init__(self, code: str, currency: str, project_currency: str):
        super().__init__(_(
            "An amount in %(currency)s cannot be added to project “%(code)s”, which keeps its "
            "amounts in %(project_currency)s; enter the amount in %(project_currency)s"
        ) % {"currency": currency, "code": code, "project_currency": project_currency})


def in_project_currency(project: Project, fields: dict[str, Any]) -> dict[str, Any]:
    """Return the fields of a new money row with the project's currency, the default.

    Raises CurrencyMismatchError for another currency: the project's totals
    add the row's amount to the others as it is.
    """
    currency = fields.get("currency") or project.currency
    if currency != project.currency:
        raise CurrencyMismatchError(project.code, currency, project.currency)
    return {**fields, "currency": currency}


def refresh_totals(project_ids: Iterable[int]) -> None:
    """Recompute the allocated, arrived and paid sums of the given projects in one UPDATE.

    Raises ProjectTotalError, before writing, when a sum would not fit its
    BIGINT column of fen. The database would otherwise fail the UPDATE
    with an integer overflow (SQLite) or an out-of-range error (PostgreSQL).
    """
    ids = list(project_ids)
    if not ids:
        return
    check_total_limits(ids)
    Project.all_objects.filter(pk__in=ids).update(
        allocated_total=child_sum(Allocation, "approved_amount"),
        arrived_total=child_sum(Allocation, "arrived_amount"),
        paid_total=child_sum(Disbursement, "amount"),
    )


def check_total_limits(project_ids: list[int]) -> None:
    """Raise ProjectTotalError when a sum that refresh_totals writes would exceed MAX_YUAN.

    A project's rows cannot pass the limit while their count times their
    largest amount stays within it. That test needs only COUNT and MAX, which
    cannot overflow, so the exact sum is taken in Python for the rare other
    projects alone.
    """
    columns = ((Allocation, "approved_amount"), (Allocation, "arrived_amount"),
               (Disbursement, "amount"))
    for model, name in columns:
        rows = (model.objects.filter(project_id__in=project_ids).order_by()
                .values("project_id").annotate(row_count=Count("pk"), largest=Max(name)))
        for row in rows:
            largest = row["largest"] or Decimal(0)
            if row["row_count"] * largest <= MAX_YUAN:
                continue
            amounts = model.objects.filter(project_id=row["project_id"]).values_list(name,
                                                                                    flat=True)
            total = sum((amount or Decimal(0) for amount in amounts), Decimal(0))
            if total > MAX_YUAN:
                code = Project.all_objects.values_list("code", flat=True).get(
                    pk=row["project_id"])
                raise ProjectTotalError(code, total)


def create_project(actor: Any, **fields: Any) -> Project:
    with transaction.atomic():
        project = create_row(actor, Project(**fields))
    logger.info("project %s created by user %s", project.pk, getattr(actor, "pk", None))
    return project


def update_project(actor: Any, project: Project, changes: dict[str, Any],
                   *, expected_version: int | None) -> Project:
    with transaction.atomic():
        return update_row(actor, project, changes, expected_version=expected_version)


def add_allocation(actor: Any, project: Project, **fields: Any) -> Allocation:
    with transaction.atomic():
        allocation = create_row(actor, Allocation(project=project,
                                                  **in_project_currency(project, fields)))
        refresh_totals([project.pk])
    return allocation


def update_allocation(actor: Any, allocation: Allocation, changes: dict[str, Any],
                      *, expected_version: int | None) -> Allocation:
    with transaction.atomic():
        allocation = update_row(actor, allocation, changes, expected_version=expected_version)
        refresh_totals([allocation.project_id])
    return allocation


def delete_allocation(actor: Any, allocation: Allocation) -> None:
    with transaction.atomic():
        delete_row(actor, allocation)
        refresh_totals([allocation.project_id])


def add_disbursement(actor: Any, project: Project, **fields: Any) -> Disbursement:
    """Record a payment. One that takes payments past the arrived funds is kept but flagged."""
    with transaction.atomic():
        locked = Project.all_objects.select_for_update().get(pk=project.pk)
        disbursement = Disbursement(project=locked, **in_project_currency(locked, fields))
        disbursement.exceeds_arrived = locked.paid_total + disbursement.amount > locked.arrived_total
        create_row(actor, disbursement)
        refresh_totals([project.pk])
    if disbursement.exceeds_arrived:
        logger.warning("disbursement %s on project %s exceeds arrived funds",
                       disbursement.pk, project.pk)
    return disbursement


def update_disbursement(actor: Any, disbursement: Disbursement, changes: dict[str, Any],
                        *, expected_version: int | None) -> Disbursement:
    """Change a payment and recompute its over-payment flag as add_disbursement sets it.

    The flag compares the project's paid total, with this payment at its new
    amount, with the arrived funds.
    """
    with transaction.atomic():
        locked = Project.all_objects.select_for_update().get(pk=disbursement.project_id)
        stored = Disbursement.objects.values_list("amount", flat=True).get(pk=disbursement.pk)
        amount = changes.get("amount", stored)
        exceeds = locked.paid_total - stored + amount > locked.arrived_total
        changes = {**changes, "exceeds_arrived": exceeds}
        disbursement = update_row(actor, disbursement, changes, expected_version=expected_version)
        refresh_totals([disbursement.project_id])
    if disbursement.exceeds_arrived:
        logger.warning("disbursement %s on project %s exceeds arrived funds after an edit",
                       disbursement.pk, disbursement.project_id)
    return disbursement


def delete_disbursement(actor: Any, disbursement: Disbursement) -> None:
    with transaction.atomic():
        delete_row(actor, disbursement)
        refresh_totals([disbursement.project_id])


def create_supplier(actor: Any, **fields: Any) -> Supplier:
    with transaction.atomic():
        return create_row(actor, Supplier(**fields))


def update_supplier(actor: Any, supplier: Supplier, changes: dict[str, Any],
                    *, expected_version: int | None) -> Supplier:
    with transaction.atomic():
        return update_row(actor, supplier, changes, expected_version=expected_version)


def record_disposal(actor: Any, **fields: Any) -> AssetDisposal:
    with transaction.atomic():
        return create_row(actor, AssetDisposal(**fields))


def update_disposal(actor: Any, disposal: AssetDisposal, changes: dict[str, Any],
                    *, expected_version: int | None) -> AssetDisposal:
    with transaction.atomic():
        return update_row(actor, disposal, changes, expected_version=expected_version)
