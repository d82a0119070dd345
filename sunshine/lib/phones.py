"""Phone numbers as people type them, reduced to the digits that identify the line.

People paste numbers from many keyboards: full-width digits (１３８),
ideographic spaces, full-width brackets and a +86 or 0086 country prefix
all occur. Unicode NFKC folds the full-width forms to ASCII first, so the
same number always gives the same digits and the same keyed hash.
"""

import re
import unicodedata

SEPARATORS = re.compile(r"[\s\-()]")
COUNTRY_PREFIXES = ("+86", "0086")


def phone_digits(value: str) -> str:
    """Return ``value`` folded with NFKC, without separators and without a +86 or 0086 prefix.

    The result is not validated: callers match it against an ASCII-only
    pattern, because digits of other scripts (such as ٣) survive NFKC.
    """
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in COUNTRY_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
