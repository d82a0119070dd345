"""Entering the State Council's holiday notice as working-day overrides."""

import datetime
import logging
from typing import Any

from django.db import transaction

from sunshine.audit.actions import create_row, update_row
from sunshine.petitions.models import WorkdayOverride

logger = logging.getLogger(__name__)


def set_workday(actor: Any, day: datetime.date, *, is_workday: bool, name: str,
                source: str) -> tuple[WorkdayOverride, bool]:
    """Create or change the override of one day; return it and whether it was created."""
    with transaction.atomic():
        existing = WorkdayOverride.objects.select_for_update().filter(date=day).first()
        if existing is None:
            override = create_row(actor, WorkdayOverride(date=day, is_workday=is_workday,
                                                         name=name, source=source))
            return override, True
        changes = {"is_workday": is_workday, "name": name, "source": source}
        return update_row(actor, existing, changes, expected_version=None), False
