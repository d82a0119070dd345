"""National commercial cryptography for stored data (GB/T 39786-2021).

SM3 hashes the audit chain, HMAC-SM3 makes keyed look-up hashes and SM4-GCM
encrypts personal fields. Ciphertexts carry the algorithm and key id, so a
key can rotate while older values stay readable.
"""

import base64
import hmac as std_hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "sm4gcm"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """Raised when a stored value cannot be decrypted with any configured key."""


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def keyed_hash(text: str) -> str:
    """Return HMAC-SM3 of text under the configured hash key, for exact look-ups."""
    mac = crypto_hmac.HMAC(settings.SUNSHINE_HASH_KEY.encode(), hashes.SM3())
    mac.update(text.encode())
    return mac.finalize().hex()


def constant_time_equal(left: str, right: str) -> bool:
    return std_hmac.compare_digest(left.encode(), right.encode())


@lru_cache(maxsize=8)
def _parse_keys(entries: tuple[str, ...]) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, _, hex_key = entry.partition(":")
        try:
            key = bytes.fromhex(hex_key)
        except ValueError:
            raise ImproperlyConfigured(
                f"SUNSHINE_FIELD_KEYS entry {key_id!r} is not hex; use key_id:32 hex digits"
            ) from None
        if len(key) != 16:
            raise ImproperlyConfigured(
                f"SUNSHINE_FIELD_KEYS entry {key_id!r} must be 16 bytes (32 hex digits) for SM4"
            )
        keys[key_id] = key
    return keys


def _keys() -> tuple[str, dict[str, bytes]]:
    entries = tuple(settings.SUNSHINE_FIELD_KEYS)
    if not entries:
        raise ImproperlyConfigured("SUNSHINE_FIELD_KEYS is empty; set at least one key_id:hex")
    return entries[0].partition(":")[0], _parse_keys(entries)


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt with the current key; context is bound as associated data."""
    key_id, keys = _keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(keys[key_id]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    payload = base64.b64encode(nonce + body + encryptor.tag).decode()
    return f"{ALGORITHM}:{key_id}:{payload}"


def decrypt(stored: str, *, context: str) -> str:
    algorithm, key_id, payload = (stored.split(":", 2) + ["", ""])[:3]
    _, keys = _keys()
    if algorithm != ALGORITHM or key_id not in keys:
        raise DecryptionError(f"no key {key_id!r} for algorithm {algorithm!r}")
    raw = base64.b64decode(payload)
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(keys[key_id]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag:
        raise DecryptionError("ciphertext or its context was altered") from None
