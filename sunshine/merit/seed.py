"""The first version of each point rule, created when the database is migrated or flushed.

Administrators change a rule by adding a version with a later
``effective_from`` (``actions.rules.add_rule_version``); a code that
already has any version is never touched here.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from sunshine.audit.actions import create_row
from sunshine.merit.models import PointRule, Trigger

# Early enough to cover tasks imported from before the platform started.
SEED_FROM = datetime.date(2000, 1, 1)
PLATFORM_DEFAULT = gettext_noop("Platform default; change it by adding a version.")

DEFAULT_RULES: list[dict[str, Any]] = [
    {"code": "task_on_time", "name": gettext_noop("Task completed on time"), "points": 10,
     "trigger": Trigger.TASK_ON_TIME, "cap": 100},
    {"code": "task_overdue", "name": gettext_noop("Task overdue or completed late"),
     "points": -5, "trigger": Trigger.TASK_OVERDUE, "cap": 50},
    {"code": "award_pioneer", "name": gettext_noop("Execution pioneer award"), "points": 20,
     "trigger": Trigger.AWARD, "cap": 40},
    {"code": "spot_check_failed", "name": gettext_noop("Spot check failed"), "points": -10,
     "trigger": Trigger.SPOT_CHECK, "cap": 30},
    {"code": "petition_satisfied", "name": gettext_noop("Petition answer rated satisfied"),
     "points": 5, "trigger": Trigger.PETITION, "cap": 25},
]


def seed_rules(**kwargs: Any) -> None:
    """Create the default version of every rule code that has no version yet."""
    state = kwargs.get("apps")
    if state is not None:
        try:
            state.get_model("merit", "PointRule")
        except LookupError:
            # A migrate to an earlier target left the merit tables out.
            return
    existing = set(PointRule.objects.values_list("code", flat=True))
    missing = [rule for rule in DEFAULT_RULES if rule["code"] not in existing]
    if not missing:
        return
    with transaction.atomic():
        for values in missing:
            create_row(None, PointRule(**values, effective_from=SEED_FROM,
                                       source=PLATFORM_DEFAULT), action="seed")
