"""Random choice of a spot check's target that anyone can re-verify from the stored seed.

The index is SM3 of the seed and the candidate ids, taken modulo the number
of candidates. Unlike ``random.Random``, this does not depend on the Python
version, and with a 256-bit hash the modulo bias is negligible. The seed
comes from ``secrets``, so nobody can choose it to steer the draw.
"""

import secrets
from collections.abc import Sequence

from sunshine.lib.crypto import sm3_hex

SEED_BYTES = 16


def new_seed() -> str:
    return secrets.token_hex(SEED_BYTES)


def draw_index(seed: str, candidate_ids: Sequence[int]) -> int:
    """Return the position in ``candidate_ids`` that ``seed`` picks."""
    if not candidate_ids:
        raise ValueError("a draw needs at least one candidate")
    material = f"{seed}:{','.join(str(pk) for pk in candidate_ids)}"
    return int(sm3_hex(material.encode()), 16) % len(candidate_ids)


def redraw(seed: str, candidate_ids: Sequence[int]) -> int:
    """Return the unit id that ``seed`` picks from the candidates, in their stored order."""
    return candidate_ids[draw_index(seed, candidate_ids)]
