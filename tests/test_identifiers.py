"""Property tests of the ID number (GB 11643) and credit code (GB 32100) validators.

Valid numbers are built here from the published weights, independently of
python-stdnum, so a shared mistake would show up as a failure.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from sunshine.lib.identifiers import (
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    normalize_id_number,
    redact_personal_numbers,
)

# GB 11643-1999: weight of position i (1-based, left to right) is 2^(18-i) mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_CHARACTERS = "0123456789X"

# GB 32100-2015: 31 characters without I, O, Z, S and V; weight of position i is 3^i mod 31.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def credit_check_character(first17: str) -> str:
    total = sum(CODE_ALPHABET.index(c) * w for c, w in zip(first17, CODE_WEIGHTS, strict=True))
    return CODE_ALPHABET[(31 - total % 31) % 31]


@st.composite
def id_numbers(draw) -> str:
    region = draw(st.from_regex(r"[1-9][0-9]{5}", fullmatch=True))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31)))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + id_check_digit(first17)


@st.composite
def credit_codes(draw) -> str:
    # Positions 1-2 are the registration authority and category, which GB 32100
    # allows to be letters; positions 3-8 are the division code, always digits.
    head = "".join(draw(st.lists(st.sampled_from(CODE_ALPHABET), min_size=2, max_size=2)))
    head += draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    body = "".join(draw(st.lists(st.sampled_from(CODE_ALPHABET), min_size=9, max_size=9)))
    first17 = head + body
    return first17 + credit_check_character(first17)


def rejects(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return True
    return False


def test_published_examples_pass():
    assert id_check_digit("11010519491231002") == "X"
    assert credit_check_character("91110000600037341") == "L"
    assert normalize_id_number("11010519491231002X") == "11010519491231002X"
    assert normalize_credit_code("91110000600037341L") == "91110000600037341L"


@given(id_numbers())
def test_valid_id_numbers_pass(number):
    assert normalize_id_number(number) == number


def with_check_x(number: str) -> str:
    """Return ``number`` with the last two sequence digits changed so the check digit is X."""
    for last_two in range(100):
        first17 = f"{number[:15]}{last_two:02d}"
        if id_check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no sequence gives check digit X")


@given(id_numbers())
def test_lower_case_x_normalises(number):
    number = with_check_x(number)

    assert normalize_id_number(number.lower()) == number


@given(id_numbers())
def test_spaces_and_hyphens_are_removed(number):
    spaced = f" {number[:6]} {number[6:14]}-{number[14:]} "

    assert normalize_id_number(spaced) == number


@given(id_numbers(), st.integers(0, 17), st.sampled_from(ID_CHARACTERS))
def test_any_single_character_change_fails(number, position, character):
    assume(number[position] != character)
    changed = number[:position] + character + number[position + 1:]

    assert rejects(normalize_id_number, changed)


@given(id_numbers(), st.integers(0, 16))
def test_swapped_neighbours_fail_unless_equal(number, position):
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    assume(swapped != number)

    assert rejects(normalize_id_number, swapped)


@given(id_numbers())
def test_error_names_the_value(number):
    broken = number[:17] + ("0" if number[17] != "0" else "1")

    with pytest.raises(ValidationError) as error:
        normalize_id_number(broken)

    assert broken in error.value.messages[0]


@given(id_numbers())
def test_truncated_number_fails(number):
    assert rejects(normalize_id_number, number[:17])


def test_future_birth_date_fails():
    first17 = "11010520991231002"

    assert rejects(normalize_id_number, first17 + id_check_digit(first17))


@given(credit_codes())
def test_valid_credit_codes_pass(code):
    assert normalize_credit_code(code) == code


@given(credit_codes())
def test_lower_case_credit_code_normalises(code):
    assert normalize_credit_code(code.lower()) == code


@given(credit_codes(), st.integers(0, 17), st.sampled_from(CODE_ALPHABET + "IOZSV"))
def test_any_single_credit_code_change_fails(code, position, character):
    assume(code[position] != character)
    changed = code[:position] + character + code[position + 1:]

    assert rejects(normalize_credit_code, changed)


@given(credit_codes())
def test_credit_code_error_names_the_value(code):
    broken = code[:17] + ("0" if code[17] != "0" else "1")

    with pytest.raises(ValidationError) as error:
        normalize_credit_code(broken)

    assert broken in error.value.messages[0]


def test_credit_code_with_letter_authority_passes():
    first17 = "Y1331002MA2AB1234"

    assert normalize_credit_code(first17 + credit_check_character(first17))


def test_masks_keep_ends_only():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"


def test_redaction_masks_id_and_phone_numbers_in_text():
    text = "劳务费（身份证330102199001011234，电话13812345678，座机0576-88123456）"

    redacted = redact_personal_numbers(text)

    assert "330102199001011234" not in redacted
    assert "13812345678" not in redacted
    assert "88123456" not in redacted
    assert "330102********1234" in redacted
    assert "138****5678" in redacted


def test_redaction_keeps_other_numbers():
    assert redact_personal_numbers("合同号2024001，第3期，金额120000.50") == (
        "合同号2024001，第3期，金额120000.50"
    )
