"""System check: warn when the working-day calendar lacks a year that deadlines reach."""

import datetime

from django.core import checks
from django.utils import timezone

from sunshine.petitions import workdays

# The longest chain of periods from today: handling 60 days, an extension of
# 30, then review and its decision 30 each, so deadlines reach 150 days ahead.
HORIZON_DAYS = 150


def uncovered_years(today: datetime.date) -> list[int]:
    """Return the years up to the horizon that neither chinese-calendar nor an override covers."""
    last = today + datetime.timedelta(days=HORIZON_DAYS)
    years = [y for y in range(today.year, last.year + 1) if not workdays.package_covers(y)]
    entered = workdays.years_with_overrides(years)
    return [y for y in years if y not in entered]


# Tagged as a database check, so it runs with `migrate` and with
# `check --database default`, not in the plain `check` that reads no data.
@checks.register(checks.Tags.database)
def check_holiday_calendar(app_configs, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    return [
        checks.Warning(
            f"No official holiday calendar for {year}: working-day deadlines in {year} "
            f"count Monday to Friday and ignore public holidays and make-up working days.",
            hint=f"Enter the State Council notice on the {year} holiday arrangements as "
                 f"working-day overrides, one row per holiday and per make-up working day: "
                 f"`sunshine load_workdays FILE.csv --source NOTICE` or the admin page "
                 f"Citizen reports and petitions > Working-day overrides.",
            id="petitions.W001",
        )
        for year in uncovered_years(timezone.localdate())
    ]
