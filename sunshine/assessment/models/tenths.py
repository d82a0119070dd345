"""Scores from 0 to 100 with one decimal place, stored as whole tenths.

An integer column sums and compares exactly on SQLite and PostgreSQL alike,
and its audit digest does not depend on how a backend renders decimals.
"""

from decimal import ROUND_HALF_UP, Decimal

TENTH = Decimal("0.1")
MAX_TENTHS = 1000


def to_tenths(score: Decimal) -> int:
    """Return a score such as 87.5 as 875; the caller has checked its range and places."""
    return int((score / TENTH).to_integral_value(rounding=ROUND_HALF_UP))


def from_tenths(tenths: int | None) -> Decimal | None:
    return None if tenths is None else (Decimal(tenths) * TENTH).quantize(TENTH)


def round_score(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)
