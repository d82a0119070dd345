from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def rate_percent(rate: Decimal | None) -> str:
    """Show a rate of 0.6250 as 62.5%, and a missing rate (nothing due) as —."""
    if rate is None:
        return "—"
    percent = (rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{percent.normalize():f}%"


@register.filter
def percent(value: Decimal | None) -> str:
    """Show 60.00 as 60% and 33.33 as 33.33%."""
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}%"
