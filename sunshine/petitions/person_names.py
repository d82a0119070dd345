"""Matching the name a reporter types against the names of officials.

A report is hidden from the official it names only when that name is
matched to the official's record. So the match must survive the ways
people write a name: with spaces or invisible characters (王 海), with a
separator dot or dash (王·海, as minority names are written), in
traditional characters (應永), in pinyin (Wang Hai), or with a title or a
unit around it (王海书记, 王海（纪委）).

Both sides are folded the same way (``fold``): NFKC, traditional to
simplified characters (OpenCC ``t2s``), lower case, and only letters and
digits kept. A typed name with Latin letters is also compared with the
pinyin of each official's name in every reading of its characters
(pypinyin with ``heteronym``), because a surname is often read otherwise
than the same character in words: 单 as shan, 曾 as zeng, 解 as xie.

A report may name several officials, separated by 、, commas, semicolons
or slashes (``split``); each name is matched on its own.
"""

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import opencc
from pypinyin import Style, pinyin

# Chinese names have two to four characters. A shorter folded name would be found inside
# nearly every text.
MIN_NAME_LENGTH = 2
# A pinyin name shorter than this (such as "li") would likewise match too much.
MIN_PINYIN_LENGTH = 4
# The maximum number of readings of one name that are compared: 4 characters of 3 readings
# each give 81.
MAX_SPELLINGS = 81
# Separators between the names of several officials. The dot of minority names (王·海) and
# the space inside pinyin (Wang Hai) are part of one name.
SEPARATORS = re.compile(r"[、,，;；/／\n]+")


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Return text in NFKC with traditional characters turned simplified, such as 黃岩 to 黄岩."""
    return _converter().convert(unicodedata.normalize("NFKC", text))


def fold(name: str) -> str:
    """Return a name reduced to what identifies it: simplified, lower case, letters and digits.

    Accents are dropped (NFKD without its combining marks), so pinyin typed
    with tone marks, Wáng Hǎi, folds like Wang Hai, and Lü like Lu.
    """
    text = unicodedata.normalize("NFKD", simplify(name).lower())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


@functools.lru_cache(maxsize=20_000)
def spellings(name: str) -> frozenset[str]:
    """Return the folded pinyin of a name in each reading, such as {"shanhai", "danhai", …} for 单海.

    Each character is read on its own, without the context of a word, so
    every reading of a surname counts. A name with more combinations than
    ``MAX_SPELLINGS`` keeps the first ones, which use the commoner readings.
    Each spelling also comes with the given name first (Hai Wang, as in
    English), taking a surname of one or two characters, and with ü
    written u as well as v (lü, lu, lv).
    """
    readings = [[fold(reading) for reading in found] or [""]
                for found in pinyin(list(fold(name)), style=Style.NORMAL, heteronym=True)]
    found = set()
    for parts in itertools.islice(itertools.product(*readings), MAX_SPELLINGS):
        for surname in (1, 2)[:max(len(parts) - 1, 0)]:
            found.add("".join(parts[surname:] + parts[:surname]))
        found.add("".join(parts))
    return frozenset(found | {spelled.replace("v", "u") for spelled in found})


@dataclass(frozen=True)
class Typed:
    """A typed name, folded once for comparison with many officials."""

    folded: str
    latin: str

    @classmethod
    def of(cls, text: str) -> "Typed":
        folded = fold(text)
        latin = "".join(c for c in folded if "a" <= c <= "z")
        return cls(folded, latin)

    def is_exactly(self, name: str, folded: str) -> bool:
        """Return whether the typed text is the name ``folded`` is the folded form of."""
        return bool(folded) and (folded == self.folded or (
            len(self.latin) >= MIN_PINYIN_LENGTH and self.latin in spellings(name)))

    def contains(self, name: str, folded: str) -> bool:
        """Return whether the typed text contains the name, in characters or in pinyin."""
        if len(folded) >= MIN_NAME_LENGTH and folded in self.folded:
            return True
        if len(self.latin) < MIN_PINYIN_LENGTH:
            return False
        return any(len(spelled) >= MIN_PINYIN_LENGTH and spelled in self.latin
                   for spelled in spellings(name))


def matches(typed: Typed, people: Iterable[tuple[int, str]]) -> tuple[list[int], list[int]]:
    """Return the ids of officials whose name the typed text is, and of those it contains."""
    exact, contained = [], []
    for pk, name in people:
        folded = fold(name)
        if typed.is_exactly(name, folded):
            exact.append(pk)
        elif typed.contains(name, folded):
            contained.append(pk)
    return exact, contained


def split(text: str) -> list[str]:
    """Return the names in a field that may name several officials (王海、李四).

    When a part is too short to be a name, the separator was written
    inside one name (赵、六), and the whole text is that name.
    """
    parts = [part.strip() for part in SEPARATORS.split(text) if part.strip()]
    if len(parts) > 1 and all(_long_enough(part) for part in parts):
        return parts
    return [text.strip()] if text.strip() else []


def _long_enough(part: str) -> bool:
    typed = Typed.of(part)
    return len(typed.folded) >= MIN_NAME_LENGTH and (
        not typed.latin or len(typed.latin) >= MIN_PINYIN_LENGTH)
