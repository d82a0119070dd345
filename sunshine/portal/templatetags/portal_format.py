"""Template filters that show money and rates the way sunshine.funds.figures formats them."""

from decimal import Decimal

from django import template

from sunshine.funds.figures import format_money, format_rate
from sunshine.funds.models import CNY

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = CNY) -> str:
    """Format ``{{ amount|money:currency }}`` as ¥1,200.50 or 1,200.50 UAH."""
    return format_money(amount, currency or CNY)


@register.filter
def rate(value: Decimal | None) -> str:
    """Format a fraction such as 0.6250 as 62.50%, or a dash when there is none."""
    return format_rate(value)


@register.filter
def without_end_punctuation(text: str) -> str:
    """Drop a closing stop or question mark, so ``{{ label }}: {{ error }}`` reads as one line."""
    return str(text).rstrip(".?!。？！:：")
