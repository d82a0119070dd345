"""Mainland mobile numbers of survey respondents, reduced to a keyed hash at once."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sunshine.lib.crypto import keyed_hash
from sunshine.lib.phones import phone_digits

# Mainland mobile numbers have 11 digits and start with 13 to 19 (MIIT numbering plan).
# The class is [0-9] and not \d, because \d also matches the digits of other scripts.
MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalize_mobile(value: str) -> str:
    """Return a mainland mobile number as 11 digits; raise ValidationError naming the value."""
    digits = phone_digits(value)
    if not MOBILE.fullmatch(digits):
        raise ValidationError(
            _("Mobile number “%(value)s” is invalid; enter the 11 digits of a mainland mobile "
              "number, such as 13812345678") % {"value": value}, code="invalid_mobile")
    return digits


def respondent_hash(survey_id: int, mobile: str) -> str:
    """Return HMAC-SM3 of the survey id and a normalised mobile number.

    The survey id is part of the input, so the same phone gives unrelated
    hashes in different surveys and responses cannot be linked across them.
    """
    return keyed_hash(f"survey:{survey_id}:{mobile}")
