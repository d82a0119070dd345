"""Audited changes to directives and to duty items with their funding and steps."""

import datetime
import logging
from collections.abc import Callable, Hashable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.duties import formats, occurrences, rules
from sunshine.duties.actions.batch import Batch
from sunshine.duties.actions.common import require_change, require_write
from sunshine.duties.actions.occurrences import write_occurrences
from sunshine.duties.models import Directive, Duty, DutyFunding, DutyStep

logger = logging.getLogger(__name__)

Funding = list[tuple[str, Decimal]]
STEP_FIELDS = ("name", "time_limit_days", "required_evidence", "is_disclosed")


def check_document_number(number: str) -> None:
    """Reject a document number of the form the platform keeps for recurring duties."""
    if occurrences.is_generated_number(number):
        raise ValidationError(
            _("Document number “%(number)s” has the form kept for the directives that hold "
              "recurring duties' tasks; enter the number of the real document.")
            % {"number": number},
            code="reserved_number",
        )


def create_directive(actor: Any, **fields: Any) -> Directive:
    directive = Directive(**fields)
    require_write(actor, directive.region)
    check_document_number(directive.document_number)
    with transaction.atomic():
        batch = Batch()
        batch.insert(directive)
        batch.commit(actor, "create", object_type=chain.object_type_of(Directive),
                     object_id=directive.pk, changes={"document_number": directive.document_number})
    logger.info("directive %s created by user %s", directive.pk, getattr(actor, "pk", None))
    return directive


def update_directive(actor: Any, directive: Directive, changes: dict[str, Any], *,
                     expected_version: int | None) -> Directive:
    require_change(actor, directive, directive)
    if "region" in changes and changes["region"].pk != directive.region_id:
        require_write(actor, changes["region"])
    if "document_number" in changes and changes["document_number"] != directive.document_number:
        check_document_number(changes["document_number"])
    with transaction.atomic():
        batch = Batch()
        directive, diff = batch.update(directive, changes, expected_version=expected_version)
        batch.commit(actor, "update", object_type=chain.object_type_of(Directive),
                     object_id=directive.pk, changes=diff)
    return directive


def funding_labels(funding: Funding) -> Funding:
    return [(formats.funding_label(source), share) for source, share in funding]


def create_duty(actor: Any, *, funding: Funding | None = None, steps: list[dict] | None = None,
                today: datetime.date | None = None, **fields: Any) -> Duty:
    """Create a duty item with its funding shares, procedure steps and, if it recurs, its tasks."""
    funding, steps = funding or [], steps or []
    today = today or timezone.localdate()
    duty = Duty(created_on=today, **fields)
    require_write(actor, duty.unit)
    rules.check_duty_deadline(duty.cycle, duty.deadline)
    rules.check_funding(funding_labels(funding))
    with transaction.atomic():
        batch = Batch()
        batch.insert(duty)
        write_funding(batch, duty, funding)
        write_steps(batch, duty, steps)
        write_occurrences(batch, duty, today)
        batch.commit(actor, "create", object_type=chain.object_type_of(Duty), object_id=duty.pk,
                     changes={"unit": duty.unit_id, "code": duty.code})
    return duty


def update_duty(actor: Any, duty: Duty, changes: dict[str, Any], *,
                funding: Funding | None = None, steps: list[dict] | None = None,
                expected_version: int | None, today: datetime.date | None = None) -> Duty:
    """Change a duty item; ``funding`` and ``steps``, when given, replace the stored ones.

    A change of cycle or directive is followed by the duty's tasks
    (see ``sunshine.duties.actions.occurrences``) in the same audit entry.
    """
    require_write(actor, duty)
    if "unit" in changes:
        require_write(actor, changes["unit"])
    rules.check_duty_deadline(changes.get("cycle", duty.cycle),
                              changes.get("deadline", duty.deadline))
    if funding is not None:
        rules.check_funding(funding_labels(funding))
    with transaction.atomic():
        batch = Batch()
        duty, diff = batch.update(duty, changes, expected_version=expected_version)
        if funding is not None:
            write_funding(batch, duty, funding)
        if steps is not None:
            write_steps(batch, duty, steps)
        write_occurrences(batch, duty, today or timezone.localdate())
        batch.commit(actor, "update", object_type=chain.object_type_of(Duty), object_id=duty.pk,
                     changes=diff)
    return duty


def write_funding(batch: Batch, duty: Duty, funding: Funding) -> None:
    wanted = {source: {"share": share} for source, share in funding}
    sync_rows(batch, DutyFunding.objects.filter(duty=duty), lambda row: row.source, wanted,
              lambda source, values: DutyFunding(duty=duty, source=source, **values))


def write_steps(batch: Batch, duty: Duty, steps: list[dict]) -> None:
    wanted = {step["number"]: {name: step.get(name, _blank(name)) for name in STEP_FIELDS}
              for step in steps}
    sync_rows(batch, DutyStep.objects.filter(duty=duty), lambda row: row.number, wanted,
              lambda number, values: DutyStep(duty=duty, number=number, **values))


def _blank(name: str) -> Any:
    return {"time_limit_days": None, "is_disclosed": False}.get(name, "")


def sync_rows(batch: Batch, stored: QuerySet, key_of: Callable[[Any], Hashable],
              wanted: Mapping[Any, Mapping[str, Any]],
              make: Callable[[Any, Mapping[str, Any]], Any]) -> None:
    """Make the child rows in ``stored`` equal ``wanted`` (key to field values)."""
    existing = {key_of(row): row for row in stored}
    for key, row in existing.items():
        if key not in wanted:
            batch.delete(row)
    for key, values in wanted.items():
        if key in existing:
            batch.update(existing[key], dict(values))
        else:
            batch.insert(make(key, values))
