"""Labels, percentages and record links of the composite-score page."""

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

LABELS = {
    "satisfaction": gettext_lazy("citizen satisfaction"),
    "execution": gettext_lazy("execution rate"),
    "evaluation": gettext_lazy("third-party evaluation"),
    "spot_check": gettext_lazy("spot checks"),
}


@register.filter
def component_label(name: str) -> str:
    return str(LABELS.get(name, name))


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.1')).normalize():f}%"


@register.filter
def lookup(mapping: dict, key: str) -> Any:
    return mapping.get(key)


@register.simple_tag
def component_link(part: Any, unit: Any, period: Any) -> str:
    """Link a component to the records behind it, with their number."""
    count = part.measure.count if part.measure else 0
    if part.name == "execution":
        url = (f"{reverse('duties:task_list')}?region={unit.region_id}&unit={unit.pk}"
               f"&period={period.key}&measure=due")
        text = _("%(count)s task(s) due") % {"count": count}
    elif part.name == "evaluation":
        url = f"{reverse('assessment:evaluation_list')}?quarter={period.key}"
        text = _("%(count)s evaluation(s)") % {"count": count}
    elif part.name == "spot_check":
        url = f"{reverse('assessment:spot_check_list')}?status=performed"
        text = _("%(count)s check(s) performed") % {"count": count}
    else:
        url = reverse("assessment:survey_list")
        text = _("%(count)s response(s)") % {"count": count}
    return format_html('<a href="{}">{}</a>', url, text)
