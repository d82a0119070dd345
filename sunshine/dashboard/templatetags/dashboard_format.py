"""Number formats of the dashboard, shared with the project pages through funds.figures."""

from decimal import Decimal

from django import template

from sunshine.funds.figures import Figures, figures_of, format_money, format_rate
from sunshine.funds.models import CNY, Project

register = template.Library()


@register.filter
def rate(value: Decimal | None) -> str:
    """Format a fraction as a percentage with two decimals, or “—” when it has no divisor."""
    return format_rate(value)


@register.filter
def yuan(value: Decimal | None) -> str:
    return format_money(value, CNY)


@register.filter
def figures(project: Project) -> Figures:
    """Return a project's money figures, computed from its cached totals without a query."""
    return figures_of(project)
