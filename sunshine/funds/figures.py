"""A project's public figures and the plain-language advice about its status.

The portal, the JSON API and the staff pages all read a project's money
through this module, so a rate or a warning means the same everywhere.
Figures come from the cached ``*_total`` columns of ``Project`` and cost no
query. The advice reads its thresholds from the versioned settings
``funds.low_arrival_rate``, ``funds.low_spend_rate`` and ``funds.idle_months``.
Payments beyond the arrived funds, the budget or a contract need no
threshold: any amount beyond them is flagged.
"""

import calendar
import datetime
import enum
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sunshine.funds.models import CNY, Allocation, Project, ProjectStatus, contract_overruns
from sunshine.lib.money import ratio
from sunshine.rules.values import get_setting

CURRENCY_SYMBOLS = {CNY: "¥"}
NO_VALUE = "—"
FINISHED = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)


@dataclass(frozen=True)
class Figures:
    """Money of one project in its currency, in yuan (or the currency's unit).

    ``arrival_rate`` is arrived ÷ allocated and ``spend_rate`` is paid ÷
    arrived, as fractions with four decimal places; each is None when its
    divisor is zero.
    """

    currency: str
    budget: Decimal | None
    allocated: Decimal
    arrived: Decimal
    paid: Decimal
    remaining: Decimal
    arrival_rate: Decimal | None
    spend_rate: Decimal | None
    progress: int


class AdviceCode(enum.StrEnum):
    OVERSPENT = "overspent"
    OVER_BUDGET = "over_budget"
    OVER_CONTRACT = "over_contract"
    OVERDUE = "overdue"
    UNDER_FUNDED = "under_funded"
    SLOW_TO_SPEND = "slow_to_spend"
    NO_ALLOCATION = "no_allocation"
    ON_TRACK = "on_track"


@dataclass(frozen=True)
class Advice:
    """One finding about a project, worded for a citizen.

    ``warning`` is true for a problem someone should look into and false for
    plain information.
    """

    code: AdviceCode
    message: str
    warning: bool


def figures_of(project: Project) -> Figures:
    """Compute the figures from the project's cached totals, without a query."""
    allocated = project.allocated_total or Decimal("0.00")
    arrived = project.arrived_total or Decimal("0.00")
    paid = project.paid_total or Decimal("0.00")
    return Figures(
        currency=project.currency,
        budget=project.budget,
        allocated=allocated,
        arrived=arrived,
        paid=paid,
        remaining=arrived - paid,
        arrival_rate=ratio(arrived, allocated),
        spend_rate=ratio(paid, arrived),
        progress=project.progress,
    )


def is_overdue(project: Project, today: datetime.date | None = None) -> bool:
    """Tell whether the planned completion date has passed and the project is not finished.

    The same rule as ``ProjectQuerySet.overdue``, for one loaded row.
    """
    today = today or timezone.localdate()
    if project.planned_end is None or project.status in FINISHED:
        return False
    return project.planned_end < today


def advice_for(project: Project, figures: Figures | None = None, *,
               today: datetime.date | None = None) -> list[Advice]:
    """List what a citizen should know about the project, the most serious first.

    Reads versioned settings for the project's county only when a rate
    needs one, and the first arrival date only when the spend rate is low.
    A project with nothing to report gets one ``on_track`` entry.
    """
    figures = figures or figures_of(project)
    today = today or timezone.localdate()

    found = [
        _overspent(figures),
        _over_budget(figures),
        _over_contract(project, figures),
        _overdue(project, today),
        _under_funded(project, figures, today),
        _slow_to_spend(project, figures, today),
        _no_allocation(project, figures),
    ]
    advice = [item for item in found if item is not None]
    if not advice:
        message = _("No problem found in the published figures of this project.")
        advice.append(Advice(AdviceCode.ON_TRACK, message, warning=False))
    return advice


def _overspent(figures: Figures) -> Advice | None:
    # Without any allocation (as OCDS imports leave a project) there is nothing to compare with.
    if figures.paid <= figures.arrived or not (figures.allocated or figures.arrived):
        return None
    message = _(
        "Payments of %(paid)s exceed the %(arrived)s that has arrived; "
        "the accounts of this project should be checked."
    ) % {
        "paid": format_money(figures.paid, figures.currency),
        "arrived": format_money(figures.arrived, figures.currency),
    }
    return Advice(AdviceCode.OVERSPENT, message, warning=True)


def _over_budget(figures: Figures) -> Advice | None:
    if figures.budget is None or figures.paid <= figures.budget:
        return None
    message = _(
        "Payments of %(paid)s exceed the budget of %(budget)s; "
        "the accounts of this project should be checked."
    ) % {
        "paid": format_money(figures.paid, figures.currency),
        "budget": format_money(figures.budget, figures.currency),
    }
    return Advice(AdviceCode.OVER_BUDGET, message, warning=True)


def _over_contract(project: Project, figures: Figures) -> Advice | None:
    """Report payments to contractors beyond their contracts, added up over the contractors.

    Reads the contracts only when the project has paid something.
    """
    if not figures.paid:
        return None
    rows = list(contract_overruns().filter(project=project.pk, currency=figures.currency))
    if not rows:
        return None
    message = _(
        "Payments of %(paid)s to contractors exceed the %(contracted)s that their contracts "
        "are worth; the accounts of this project should be checked."
    ) % {
        "paid": format_money(sum((row["paid"] for row in rows), Decimal(0)), figures.currency),
        "contracted": format_money(sum((row["contracted"] for row in rows), Decimal(0)),
                                   figures.currency),
    }
    return Advice(AdviceCode.OVER_CONTRACT, message, warning=True)


def _overdue(project: Project, today: datetime.date) -> Advice | None:
    if not is_overdue(project, today):
        return None
    assert project.planned_end is not None
    message = _(
        "Overdue: completion was planned for %(date)s and the project is not completed yet."
    ) % {"date": formats.date_format(project.planned_end, "DATE_FORMAT")}
    return Advice(AdviceCode.OVERDUE, message, warning=True)


def _under_funded(project: Project, figures: Figures, today: datetime.date) -> Advice | None:
    if figures.arrival_rate is None or project.status == ProjectStatus.CANCELLED:
        return None
    threshold = get_setting("funds.low_arrival_rate", region=project.region, on=today)
    if figures.arrival_rate >= threshold:
        return None
    message = _(
        "Under-funded: only %(rate)s of the allocated money has arrived, "
        "below the expected %(threshold)s; the rest may arrive late."
    ) % {"rate": format_rate(figures.arrival_rate), "threshold": format_rate(threshold)}
    return Advice(AdviceCode.UNDER_FUNDED, message, warning=True)


def _slow_to_spend(project: Project, figures: Figures, today: datetime.date) -> Advice | None:
    if figures.spend_rate is None or project.status == ProjectStatus.CANCELLED:
        return None
    threshold = get_setting("funds.low_spend_rate", region=project.region, on=today)
    if figures.spend_rate >= threshold:
        return None

    first_arrival = first_arrival_date(project)
    if first_arrival is None:
        return None
    months = get_setting("funds.idle_months", region=project.region, on=today)
    if today < add_months(first_arrival, months):
        return None

    message = _(
        "Slow to spend: the first money arrived on %(date)s, %(months)s or more months ago, "
        "but only %(rate)s of the arrived money has been spent, below the expected %(threshold)s."
    ) % {
        "months": months,
        "date": formats.date_format(first_arrival, "DATE_FORMAT"),
        "rate": format_rate(figures.spend_rate),
        "threshold": format_rate(threshold),
    }
    return Advice(AdviceCode.SLOW_TO_SPEND, message, warning=True)


def _no_allocation(project: Project, figures: Figures) -> Advice | None:
    if figures.allocated or project.status in FINISHED:
        return None
    message = _("No money has been allocated to this project yet.")
    return Advice(AdviceCode.NO_ALLOCATION, message, warning=False)


def first_arrival_date(project: Project) -> datetime.date | None:
    """Return the earliest date on which money for the project arrived, if any was dated."""
    dates = Allocation.objects.filter(
        project=project, arrived_amount__gt=0, arrived_on__isnull=False
    ).aggregate(first=Min("arrived_on"))
    return dates["first"]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Move a date forward by whole calendar months, clamping to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last_day))


def format_money(amount: Decimal | None, currency: str = CNY) -> str:
    """Format an amount with thousands separators and two decimals: ¥1,200.50, 980.00 UAH."""
    if amount is None:
        return NO_VALUE
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {currency}"


def format_rate(rate: Decimal | None) -> str:
    """Format a fraction as a percentage with two decimals, or a dash when there is none."""
    if rate is None:
        return NO_VALUE
    return f"{rate * 100:.2f}%"
