import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import Setting


def get_setting(key: str, *, region=None, on: datetime.date | None = None) -> Any:
    """Return the value of ``key`` in force on a date for the region's county.

    A county's own version wins over the all-county version; without either
    the coded default applies. Raises KeyError for an unknown key.
    """
    default = DEFAULTS[key]
    on = on or timezone.localdate()
    county = region.county() if region is not None else None
    versions = Setting.objects.filter(key=key, effective_from__lte=on)
    chosen = None
    if county is not None:
        chosen = versions.filter(county=county).order_by("-effective_from").first()
    if chosen is None:
        chosen = versions.filter(county__isnull=True).order_by("-effective_from").first()
    if chosen is None:
        return default.value
    if isinstance(default.value, Decimal):
        return Decimal(str(chosen.value))
    return type(default.value)(chosen.value)
