"""Database ids read from addresses, query strings and form fields.

An id is 1 to ``MAX_ID_DIGITS`` ASCII digits. ``str.isdigit()`` is no test
for that: it accepts characters such as the superscript "²" that ``int()``
rejects with ValueError. ``int()`` alone is no test either, because it
accepts digits of other scripts, signs and surrounding spaces, and an SQLite
query with a value beyond the bigint range raises OverflowError.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# 18 digits always fit a signed 64-bit bigint (max 9223372036854775807, 19 digits).
MAX_ID_DIGITS = 18
ID_TEXT = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(text: str) -> int | None:
    """Return the id written as 1 to MAX_ID_DIGITS ASCII digits, or None for any other text."""
    return int(text) if ID_TEXT.fullmatch(text) else None


class RecordIdField(forms.CharField):
    """An optional record id in a query string or form, where any other text is invalid.

    ``message`` names the field and the fix, with ``%(value)s`` for the
    text. The check runs before any query, so an id beyond the database's
    integer range is an error on the form instead of an OverflowError.
    """

    def __init__(self, *, message: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)
        self.message = message

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        number = parse_id(text)
        if number is None:
            raise ValidationError(self.message % {"value": text}, code="invalid_id")
        return number
