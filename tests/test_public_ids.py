"""Public numbers of database keys: a keyed permutation of the 48-bit range."""

import pytest
from django.test import override_settings

from sunshine.lib.public_ids import BITS, key_of, public_number

TOP = (1 << BITS) - 1


def test_numbers_turn_back_into_keys():
    keys = [*range(0, 2000), 2**31, 2**40 + 7, TOP - 1, TOP]

    numbers = [public_number(key) for key in keys]

    assert [key_of(number) for number in numbers] == keys
    assert len(set(numbers)) == len(keys)
    assert all(0 <= number <= TOP for number in numbers)


def test_consecutive_keys_give_scattered_numbers():
    numbers = [public_number(key) for key in range(1, 101)]

    steps = [abs(later - earlier) for earlier, later in zip(numbers, numbers[1:], strict=False)]
    assert min(steps) > 1000
    assert numbers != sorted(numbers)


def test_numbers_depend_on_the_hash_key():
    with override_settings(SUNSHINE_HASH_KEY="first key"):
        first = public_number(42)
    with override_settings(SUNSHINE_HASH_KEY="second key"):
        second = public_number(42)
        assert key_of(second) == 42

    assert first != second


@pytest.mark.parametrize("key", [-1, TOP + 1])
def test_key_outside_range_is_rejected(key):
    with pytest.raises(ValueError, match=str(key)):
        public_number(key)


@pytest.mark.parametrize("number", [-1, TOP + 1, 10**18])
def test_number_outside_range_has_no_key(number):
    assert key_of(number) is None
