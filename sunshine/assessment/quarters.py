"""Assessment periods: quarters written as 2026Q4, as in ``sunshine.duties.periods``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunshine.duties.periods import Period, parse_period, quarter

QUARTERS_PER_YEAR = 4


def parse_quarter(text: str) -> Period:
    """Read a quarter such as 2026Q4; raise ValidationError naming any other value."""
    value = (text or "").strip()
    try:
        period = parse_period(value)
    except ValidationError as error:
        if error.code == "period_out_of_range":
            raise  # a quarter of a year the platform does not cover, as the message states
        period = None
    if period is None or "Q" not in period.key:
        raise ValidationError(
            _("“%(value)s” is not a quarter; assessments are per quarter, written as 2026Q4")
            % {"value": value}, code="invalid_quarter")
    return period


def quarters_before(period: Period, count: int) -> Period:
    """Return the quarter ``count`` quarters before ``period`` (after it when negative)."""
    year, number = (int(part) for part in period.key.split("Q"))
    index = year * QUARTERS_PER_YEAR + number - 1 - count
    return quarter(index // QUARTERS_PER_YEAR, index % QUARTERS_PER_YEAR + 1)
