"""Generated identity numbers, credit codes and phone numbers for demo data.

The check characters are computed here from the standards themselves, not
through python-stdnum, so the tests that validate the output with
``sunshine.lib.identifiers`` check two independent implementations.
"""

import datetime
import random

# GB 11643-1999: weight of position i (0-based) is 2**(17 - i) mod 11; the sum
# mod 11 selects the check character from this table (ISO 7064 MOD 11-2).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"

# GB 32100-2015: 31 characters (no I, O, Z, S, V) valued 0-30, weight of
# position i is 3**i mod 31, check value = (31 - sum mod 31) mod 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714-1997 organisation code inside a credit code (characters 9-17):
# eight body characters weighted 3 7 9 10 5 8 4 2, C = 11 - sum mod 11,
# where 10 is written X and 11 is written 0.
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# First two characters of a credit code: registration authority 9 (market
# regulation) and the entity kind.
COMPANY = "91"
SOLE_TRADER = "92"
COOPERATIVE = "93"

# Address codes a Taizhou resident born in a given year received, per current
# county: (first year, code), newest first. Taizhou became a city in 1994, so
# people born earlier carry the codes of the Taizhou prefecture (3326xx) or,
# before 1982, of the older prefecture (3327xx); 路桥 was part of 黄岩 and
# 椒江 of 黄岩县 before 1981. Source: the GB/T 2260 history kept in
# python-stdnum's stdnum/cn/loc.dat, which ric.validate() checks against.
ADDRESS_CODES: dict[str, tuple[tuple[int, str], ...]] = {
    "331002": ((1994, "331002"), (1982, "332601"), (1981, "332701"), (0, "332722")),
    "331003": ((1994, "331003"), (1989, "332603"), (1982, "332622"), (0, "332722")),
    "331004": ((1994, "331004"), (1989, "332603"), (1982, "332622"), (0, "332722")),
    "331022": ((1994, "331022"), (1982, "332626"), (0, "332726")),
    "331023": ((1994, "331023"), (1982, "332625"), (0, "332725")),
    "331024": ((1994, "331024"), (1982, "332624"), (0, "332724")),
    "331081": ((1994, "331081"), (1982, "332623"), (0, "332723")),
    "331082": ((1994, "331082"), (1986, "332602"), (1982, "332621"), (0, "332721")),
    "331083": ((2017, "331083"), (1994, "331021"), (1982, "332627"), (0, "332727")),
}

MOBILE_PREFIXES = (
    "133", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
    "177", "180", "181", "187", "188", "189", "199",
)
# Taizhou landlines: area code 0576 and eight digits starting 8.
TAIZHOU_AREA_CODE = "0576"


def id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def birth_address_code(county_code: str, birth_year: int) -> str:
    """Return the address code in force in the person's county in their birth year."""
    for first_year, code in ADDRESS_CODES[county_code]:
        if birth_year >= first_year:
            return code
    raise ValueError(f"no address code for county {county_code} in {birth_year}")


def id_number(rng: random.Random, county_code: str, birth: datetime.date, *, male: bool) -> str:
    """Build a resident identity number; the sequence code is odd for men and even for women."""
    address_code = birth_address_code(county_code, birth.year)
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{address_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def _character_value(character: str) -> int:
    """Return the GB 11714 value of a digit (0-9) or capital letter (A=10 ... Z=35)."""
    if character.isdigit():
        return int(character)
    return ord(character) - ord("A") + 10


def organisation_check_character(body: str) -> str:
    total = sum(_character_value(c) * w for c, w in zip(body, ORGANISATION_WEIGHTS, strict=True))
    value = 11 - total % 11
    if value == 10:
        return "X"
    if value == 11:
        return "0"
    return str(value)


def credit_check_character(first17: str) -> str:
    total = sum(
        CREDIT_ALPHABET.index(character) * weight
        for character, weight in zip(first17, CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code(rng: random.Random, address_code: str, kind: str = COMPANY) -> str:
    """Build a unified social credit code registered in the given county.

    Codes issued since 2015 mostly carry an organisation code starting "MA";
    older companies kept their eight-digit one. Both forms are produced.
    """
    if rng.random() < 0.6:
        letters = "".join(rng.choice(CREDIT_ALPHABET[10:]) for _ in range(4))
        body = f"MA{rng.randrange(10)}{letters[:1]}{rng.randrange(10)}{letters[1:]}"
    else:
        body = f"{rng.randrange(10**8):08d}"
    first17 = f"{kind}{address_code}{body}{organisation_check_character(body)}"
    return first17 + credit_check_character(first17)


def mobile_phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline_phone(rng: random.Random) -> str:
    return f"{TAIZHOU_AREA_CODE}-8{rng.randrange(10**7):07d}"
