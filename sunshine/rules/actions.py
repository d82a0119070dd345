"""Adding a version of a setting through the audit chain."""

import datetime
from typing import Any

from django.db import transaction

from sunshine.audit.actions import create_row
from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import Setting


def add_setting(actor: Any, key: str, value: Any, *, effective_from: datetime.date,
                county: Any = None, source: str = "") -> Setting:
    """Insert a version of ``key`` from ``effective_from`` on, for one county or all of them.

    Raises KeyError for an unknown key and ValidationError when the value is
    outside the key's range (``sunshine.rules.schema``).
    """
    DEFAULTS[key].check.validate(key, value)
    with transaction.atomic():
        return create_row(actor, Setting(
            key=key, value=value, effective_from=effective_from, county=county, source=source,
            created_by=actor,
        ))
