"""Reading Excel number format codes, such as the ``0.00%`` openpyxl gives as ``number_format``."""

import re

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
