"""Database ids read from addresses, query strings and form fields.

An id is 1 to ``MAX_ID_DIGITS`` ASCII digits. ``str.isdigit()`` is no test
for that: it accepts characters such as the superscript "²" that ``int()``
rejects with ValueError. ``int()`` alone is no test either, because it
accepts digits of other scripts, signs and surrounding spaces, and an SQLite
query with a value beyond the bigint range raises OverflowError.
"""

import re

# 18 digits always fit a signed 64-bit bigint (max 9223372036854775807, 19 digits).
MAX_ID_DIGITS = 18
ID_TEXT = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(text: str) -> int | None:
    """Return the id written as 1 to MAX_ID_DIGITS ASCII digits, or None for any other text."""
    return int(text) if ID_TEXT.fullmatch(text) else None
