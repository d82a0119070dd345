"""Default values of every versioned setting, with the source of each.

Administrators override a value per county from a date on; code reads the
value in force through ``sunshine.rules.values.get_setting`` and never
copies a number from here.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Default:
    value: Any
    description: str | Promise
    source: str | Promise


DEFAULTS: dict[str, Default] = {
    "funds.low_arrival_rate": Default(
        Decimal("0.60"),
        _("A project whose arrival rate is below this share is shown as under-funded."),
        _("Platform default; set per county by the finance bureau."),
    ),
    "funds.low_spend_rate": Default(
        Decimal("0.30"),
        _("A project that has received funds but spent less than this share is shown as slow to spend."),
        _("Platform default; idle funds under Budget Law art. 42 and its implementing regulation art. 50."),
    ),
    "funds.idle_months": Default(
        6,
        _("Months after the first arrival before a low spend rate counts as idle funds."),
        _("Platform default; set per county."),
    ),
    "assets.disclosure_days": Default(
        5,
        _("Days after a collective asset disposal is decided within which it must be disclosed."),
        _("Zhejiang Rural Collective Assets Regulation (2020) art. 25: major financial matters within 5 days."),
    ),
    "assets.objection_days": Default(
        15,
        _("Minimum days a disposal or its appraisal stays public for objections."),
        _("Zhejiang Rural Collective Assets Regulation (2020) arts. 20 and 37: at least 15 days."),
    ),
    "portal.max_search_results": Default(
        50,
        _("Maximum projects listed for one public search."),
        _("Platform default."),
    ),
}
