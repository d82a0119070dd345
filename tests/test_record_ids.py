"""Ids read from addresses and query strings: ASCII digits that fit a bigint."""

import pytest

from sunshine.lib.record_ids import MAX_ID_DIGITS, parse_id


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), ("0", 0), ("007", 7), ("9" * MAX_ID_DIGITS, int("9" * MAX_ID_DIGITS)),
])
def test_parse_id_reads_ascii_digits(text, expected):
    assert parse_id(text) == expected


# "²" passes str.isdigit() and fails int(); "１２", "٣", " 1", "+1" and "1_0" pass int().
@pytest.mark.parametrize("text", ["", "²", "１２", "٣", " 1", "1 ", "1\n", "+1", "-1", "1_0",
                                  "1.0", "0x1", "9" * (MAX_ID_DIGITS + 1), "9" * 5000])
def test_parse_id_rejects_other_text(text):
    assert parse_id(text) is None


def test_parse_id_fits_a_bigint():
    assert int("9" * MAX_ID_DIGITS) <= 2**63 - 1
