"""Template filters that show money and rates the way sunshine.funds.figures formats them,
OCDS status codes in the page language, and labels before a colon."""

from decimal import Decimal

from django import template
from django.utils.translation import pgettext_lazy

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


# The codes of the OCDS 1.1 tender, bid, award and contract status codelists
# (https://standard.open-contracting.org/1.1/en/schema/codelists/).
OCDS_STATUS_LABELS = {
    "planning": pgettext_lazy("OCDS status", "planning"),
    "planned": pgettext_lazy("OCDS status", "planned"),
    "active": pgettext_lazy("OCDS status", "active"),
    "cancelled": pgettext_lazy("OCDS status", "cancelled"),
    "unsuccessful": pgettext_lazy("OCDS status", "unsuccessful"),
    "complete": pgettext_lazy("OCDS status", "complete"),
    "withdrawn": pgettext_lazy("OCDS status", "withdrawn"),
    "invited": pgettext_lazy("OCDS status", "invited"),
    "pending": pgettext_lazy("OCDS status", "pending"),
    "valid": pgettext_lazy("OCDS status", "valid"),
    "disqualified": pgettext_lazy("OCDS status", "disqualified"),
    "terminated": pgettext_lazy("OCDS status", "terminated"),
}


@register.filter
def ocds_status(code: str) -> str:
    """Name an OCDS status code in the page language; a code outside the codelists is shown as is."""
    return str(OCDS_STATUS_LABELS.get(code, code))
