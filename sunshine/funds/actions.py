"""Every change to projects and their money goes through these functions.

Each takes the acting user first, runs in one transaction, writes the rows
and appends the audit entry that covers them, then refreshes the project's
cached totals.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from sunshine.audit.actions import create_row, delete_row, update_row
from sunshine.funds.models import Allocation, AssetDisposal, Disbursement, Project, Supplier
from sunshine.funds.totals import child_sum

logger = logging.getLogger(__name__)


def refresh_totals(project_ids: Iterable[int]) -> None:
    """Recompute the allocated, arrived and paid sums of the given projects in one UPDATE."""
    ids = list(project_ids)
    if not ids:
        return
    Project.all_objects.filter(pk__in=ids).update(
        allocated_total=child_sum(Allocation, "approved_amount"),
        arrived_total=child_sum(Allocation, "arrived_amount"),
        paid_total=child_sum(Disbursement, "amount"),
    )


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
        allocation = create_row(actor, Allocation(project=project, **fields))
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
        disbursement = Disbursement(project=locked, **fields)
        disbursement.exceeds_arrived = locked.paid_total + disbursement.amount > locked.arrived_total
        create_row(actor, disbursement)
        refresh_totals([project.pk])
    if disbursement.exceeds_arrived:
        logger.warning("disbursement %s on project %s exceeds arrived funds",
                       disbursement.pk, project.pk)
    return disbursement


def update_disbursement(actor: Any, disbursement: Disbursement, changes: dict[str, Any],
                        *, expected_version: int | None) -> Disbursement:
    with transaction.atomic():
        disbursement = update_row(actor, disbursement, changes, expected_version=expected_version)
        refresh_totals([disbursement.project_id])
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
