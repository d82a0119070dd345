from decimal import Decimal
from typing import Any

from django.db import models

HUNDREDTH = Decimal("0.01")


class PercentField(models.DecimalField):
    """A percentage from 0.00 to 100.00, kept as a Decimal with two places.

    Values are quantized before they are stored or digested, so a row built
    in memory with ``Decimal("50")`` digests the same as the row read back
    as ``Decimal("50.00")``; without it the audit check would see a change.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        number = super().to_python(value)
        return None if number is None else number.quantize(HUNDREDTH)

    def get_prep_value(self, value: Any) -> Decimal | None:
        return self.to_python(value)
