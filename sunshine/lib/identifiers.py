"""Chinese identity numbers (GB 11643) and unified social credit codes (GB 32100).

The checksums come from python-stdnum. Region codes inside an ID number are
not checked against today's division table, because old numbers keep codes
that have since moved (玉环 331021 became 331083).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc
from stdnum.util import clean

RIC_LENGTH = 18


def normalize_id_number(value: str) -> str:
    """Validate a resident identity number and return it in upper case.

    Raises ValidationError naming the value and what is wrong with it.
    """
    number = clean(str(value), " -").strip().upper()
    if len(number) != RIC_LENGTH or not number[:17].isdigit():
        raise ValidationError(
            _("ID number “%(value)s” must have 18 characters: 17 digits and a digit or X")
            % {"value": value}
        )
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("ID number “%(value)s” contains an impossible birth date") % {"value": value}
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("ID number “%(value)s” has a birth date in the future") % {"value": value}
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(
            _("ID number “%(value)s” has a wrong check digit; check the last character")
            % {"value": value}
        )
    return number


# GB 32100-2015: 18 characters from this 31-character alphabet.
CREDIT_CODE_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
CREDIT_CODE_LENGTH = 18


def normalize_credit_code(value: str) -> str:
    """Validate a unified social credit code and return it in upper case.

    python-stdnum 2.2 insists on digits in the first eight positions, but
    GB 32100 gives letters to some registration authorities (A, N, Y), so the
    format is checked here and only the check character comes from stdnum.
    """
    code = clean(str(value), " -").strip().upper()
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("Credit code “%(value)s” must have 18 characters") % {"value": value}
        )
    if set(code) <= CREDIT_CODE_ALPHABET and not code[2:8].isdigit():
        raise ValidationError(
            _(
                "Credit code “%(value)s” must have the digits of a region code in "
                "positions 3 to 8"
            )
            % {"value": value}
        )
    if not set(code) <= CREDIT_CODE_ALPHABET:
        raise ValidationError(
            _(
                "Credit code “%(value)s” contains characters that are not allowed; "
                "it uses digits and capital letters except I, O, Z, S and V"
            )
            % {"value": value}
        )
    if uscc.calc_check_digit(code) != code[-1]:
        raise ValidationError(
            _("Credit code “%(value)s” has a wrong check character; check the last character")
            % {"value": value}
        )
    return code


def mask_id_number(number: str) -> str:
    """Keep the first 6 and last 4 characters, the usual on-screen mask."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def withheld_person_label() -> str:
    """Return the label that public pages and exports show in place of a private person's name."""
    return _("private person (name withheld)")


def birth_date(number: str) -> datetime.date:
    return ric.get_birth_date(number)


# Digit runs that look like an ID number (18 or 15 characters), a mobile
# number or a landline with area code, not part of a longer run of digits.
PERSONAL_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?:[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14}|1[3-9][0-9]{9}"
    r"|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9A-Za-z])"
)


def redact_personal_numbers(text: str) -> str:
    """Mask ID and phone numbers that staff typed into free text meant for the public."""
    def mask(match: re.Match) -> str:
        number = match.group(0)
        is_id = len(number) >= 15 and not number.startswith("0")
        return mask_id_number(number) if is_id else mask_phone(number)

    return PERSONAL_NUMBER.sub(mask, text)
