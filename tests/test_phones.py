"""Phone numbers typed with full-width digits, separators and country prefixes."""

import pytest
from django.core.exceptions import ValidationError

from sunshine.assessment.respondents import normalize_mobile, respondent_hash
from sunshine.lib.phones import phone_digits
from sunshine.petitions.actions import normalize_phone

DIGITS = "13812345678"
SAME_NUMBER = [
    "13812345678",
    "13８12345678",
    "１３８１２３４５６７８",
    "138\u30001234\u30005678",
    "＋86 138－1234－5678",
    "0086（138）12345678",
    "+86 (138) 1234-5678",
]


@pytest.mark.parametrize("typed", SAME_NUMBER)
def test_phone_digits_fold_to_ascii(typed):
    assert phone_digits(typed) == DIGITS


@pytest.mark.parametrize("typed", SAME_NUMBER)
def test_mobile_forms_hash_alike(typed):
    assert respondent_hash(7, normalize_mobile(typed)) == respondent_hash(7, DIGITS)


@pytest.mark.parametrize("typed", ["13٨12345678", "١٣٨١٢٣٤٥٦٧٨"])
def test_mobile_other_script_digits_rejected(typed):
    with pytest.raises(ValidationError) as raised:
        normalize_mobile(typed)

    assert raised.value.code == "invalid_mobile"
    assert typed in raised.value.messages[0]


@pytest.mark.parametrize("typed", SAME_NUMBER)
def test_petition_phone_folds_alike(typed):
    assert normalize_phone(typed) == DIGITS


def test_petition_phone_other_script_rejected():
    with pytest.raises(ValidationError) as raised:
        normalize_phone("0576-٨٨١٢٣٤٥٦")

    assert raised.value.code == "invalid_phone"


def test_petition_landline_kept():
    assert normalize_phone("０５７６－８８１２３４５６") == "057688123456"
