"""WGS84 coordinates in decimal degrees, rounded to the 6 places that petitions store.

Six decimal places are about 0.1 m of latitude, so rounding away more
digits moves the place by less than that. Open311, the JSON API and the
portal form round the same way, after checking the range on the value
sent, so one value is stored the same whichever way it came.
"""

from decimal import Decimal
from typing import Any

from sunshine.lib.form_fields import NumberField

PLACES = 6


def round_coordinate(value: Decimal) -> Decimal:
    """Return a finite value in range rounded to 6 decimal places."""
    return round(value, PLACES)


class CoordinateField(NumberField):
    """A decimal field of degrees that checks the value sent, then rounds it to 6 places."""

    def clean(self, value: Any) -> Decimal | None:
        number = super().clean(value)
        return None if number is None else round_coordinate(number)
