import pytest
from django.test import override_settings

from sunshine.lib import crypto


def test_sm3_matches_published_vector():
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert crypto.sm3_hex(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_encrypt_round_trip_carries_algorithm_and_key():
    stored = crypto.encrypt("11010519491231002X", context="person.id_number")

    assert stored.startswith("sm4gcm:dev1:")
    assert "11010519491231002X" not in stored
    assert crypto.decrypt(stored, context="person.id_number") == "11010519491231002X"


def test_it_rejects_ciphertext_moved_to_another_field():
    stored = crypto.encrypt("13800138000", context="person.phone")

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, context="person.id_number")


def test_it_rejects_altered_ciphertext():
    stored = crypto.encrypt("secret", context="c")
    flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped, context="c")


def test_old_key_still_decrypts_after_rotation():
    old = crypto.encrypt("secret", context="c")
    keys = ["new1:ffeeddccbbaa99887766554433221100", "dev1:000102030405060708090a0b0c0d0e0f"]

    with override_settings(SUNSHINE_FIELD_KEYS=keys):
        new = crypto.encrypt("secret", context="c")
        assert new.startswith("sm4gcm:new1:")
        assert crypto.decrypt(old, context="c") == "secret"


def test_keyed_hash_depends_on_key():
    first = crypto.keyed_hash("11010519491231002X")

    with override_settings(SUNSHINE_HASH_KEY="another-key"):
        assert crypto.keyed_hash("11010519491231002X") != first
