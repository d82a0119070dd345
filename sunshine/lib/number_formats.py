"""Reading Excel number format codes, such as the ``0.00%`` openpyxl gives as ``number_format``.

``PercentCell`` is the value an import reads from a number cell in a percentage format.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from sunshine.lib.cells import CellError

# Parts of a format code that Excel shows as written rather than reads as codes.
# They are quoted text ("%"), the character after a backslash (\%), after an
# underscore (a space of its width) or after an asterisk (a fill), and a
# bracketed colour, condition or locale. Source: "Understanding Number
# Formatting Codes" on excel.tips.net, written for Excel 97 to 2003.
LITERALS = re.compile(r'"[^"]*"|[\\_*].|\[[^\]]*\]')


def is_percent_format(code: str) -> bool:
    """Return whether Excel shows a number in format ``code`` multiplied by 100, as 50% for 0.5.

    Only a % sign that is a code does this. A quoted or escaped % sign is text.
    """
    return "%" in LITERALS.sub("", code or "")


@dataclass(frozen=True)
class PercentCell:
    """A number cell in a percentage format, as the percentage Excel shows: 50 for a stored 0.5."""

    percent: Decimal

    @classmethod
    def from_stored(cls, number: float) -> "PercentCell":
        # Excel keeps 15 significant digits, so 0.07 * 100 reads as 7, not 7.000000000000001.
        return cls(Decimal(format(number, ".15g")) * 100)

    def __str__(self) -> str:
        return f"{self.percent.normalize():f}%"

    def outside_range_error(self) -> CellError:
        """Return the error for a percentage outside 0%–100%, which names the format as the cause."""
        return CellError(_("“%(value)s” is outside 0%%–100%%. The cell has a percentage format, "
                           "so Excel stores 50%% as 0.5 and shows a stored 50 as 5000%%; type "
                           "50%% in the cell, or set its format to General and type 50")
                         % {"value": self})
