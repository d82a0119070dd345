"""Template filters that decide which merit pages the navigation offers to a user."""

from typing import Any

from django import template

from sunshine.merit.views.common import is_ledger_reader

register = template.Library()


@register.filter
def reads_ledger(user: Any) -> bool:
    """Return whether the user may open other people's points: ``{{ request.user|reads_ledger }}``."""
    return is_ledger_reader(user)
