"""The length limit of the free text that merit reviews keep: reasons, notes and corrections."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

# Each text is shown in full on the review pages. 2,000 characters is an
# estimate of several times what a reason or decision needs.
MAX_TEXT_LENGTH = 2000

# The placeholders are those of Django's MaxLengthValidator, so that form fields
# can use this message for their "max_length" error.
TEXT_TOO_LONG = gettext_lazy("The text has %(show_value)s characters, more than the "
                             "%(limit_value)s allowed; shorten it")
TEXT_ERRORS = {"max_length": TEXT_TOO_LONG}


def clean_text(text: str | None) -> str:
    """Strip ``text`` and raise ValidationError if it is longer than ``MAX_TEXT_LENGTH``."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(TEXT_TOO_LONG % {"show_value": len(text),
                                               "limit_value": MAX_TEXT_LENGTH},
                              code="text_too_long")
    return text
