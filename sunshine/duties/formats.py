"""Text forms of weights, funding shares, milestones and unit names, shared by forms and Excel.

These are part of the workbook format county staff fill in, so the
labels (县级, 是, …) stay Chinese whatever language the site shows.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from sunshine.duties.models import Cycle
from sunshine.funds.ledger.schema import FUND_SOURCE_BY_VALUE, FUND_SOURCE_LABELS
from sunshine.funds.models import FundSource
from sunshine.lib.cells import CellError, read_date
from sunshine.lib.languages import english_active

HUNDREDTH = Decimal("0.01")
# Items are separated by a Chinese or Latin semicolon, or a new line.
ITEM_SEPARATOR = re.compile(r"[;；\n]+")
UNIT_SEPARATOR = re.compile(r"[、,，;；\n]+")
FUNDING_ITEM = re.compile(r"(.+?)\s*(\d+(?:\.\d+)?)\s*[%％]")
QUALIFIED_UNIT = re.compile(r"(.+?)\s*[（(](\d{6,12})[)）]")

CYCLE_LABELS = {
    "一次性": Cycle.ONCE,
    "每月": Cycle.MONTHLY,
    "每季度": Cycle.QUARTERLY,
    "每年": Cycle.YEARLY,
}
CYCLE_BY_VALUE = {value: label for label, value in CYCLE_LABELS.items()}
# 财政 is often written after the level: 县级财政 80%.
FUNDING_SUFFIXES = ("财政资金", "财政")


def parse_percent(text: object) -> Decimal:
    """Read 50, 50%, 33.33 or 0.5 written as 50; raise CellError naming the value."""
    value = str(text).strip().rstrip("%％").strip() if text is not None else ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CellError(_("“%(value)s” is not a percentage; enter a number such as 50 or 33.33")
                        % {"value": text})
    if number != number.quantize(HUNDREDTH):
        raise CellError(_("“%(value)s” has more than two decimal places; round it to 0.01")
                        % {"value": text})
    return number.quantize(HUNDREDTH)


def parse_funding(text: str) -> list[tuple[str, Decimal]]:
    """Read "县级 80%；乡镇 20%" into (fund source, share) pairs; empty text means no funding."""
    shares = []
    for item in ITEM_SEPARATOR.split(text or ""):
        item = item.strip()
        if not item:
            continue
        match = FUNDING_ITEM.fullmatch(item)
        if match is None:
            raise CellError(_("“%(value)s” is not a fund source with a share; write it as 县级 "
                              "80%%, with items separated by ；") % {"value": item})
        shares.append((_fund_source(match[1]), parse_percent(match[2])))
    return shares


def _fund_source(label: str) -> str:
    text = label.strip()
    for suffix in FUNDING_SUFFIXES:
        if text.endswith(suffix) and text != suffix:
            text = text[: -len(suffix)]
    if text in FUND_SOURCE_LABELS:
        return FUND_SOURCE_LABELS[text]
    raise CellError(_("“%(value)s” is not a fund source; use one of %(allowed)s")
                    % {"value": label, "allowed": "、".join(FUND_SOURCE_LABELS)})


def funding_label(source: str) -> str:
    return FUND_SOURCE_BY_VALUE[FundSource(source)]


def format_funding(shares: list[tuple[str, Decimal]]) -> str:
    return "；".join(f"{funding_label(source)} {format_percent(share)}"
                    for source, share in shares)


def display_funding(shares: list[tuple[str, Decimal]]) -> str:
    """Return the fund sources and shares for a page, in the page language.

    Chinese pages show the spreadsheet's own form (``format_funding``), which
    staff also type into the forms. Other languages name each source by its
    translated label.
    """
    if not english_active():
        return format_funding(shares)
    return "; ".join(f"{FundSource(source).label} {format_percent(share)}"
                     for source, share in shares)


def format_percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def parse_milestones(text: str) -> list[tuple[str, datetime.date]]:
    """Read "2024-06-30 完成设计；2024-09-30 开工" into (name, date) pairs."""
    milestones = []
    for item in ITEM_SEPARATOR.split(text or ""):
        item = item.strip()
        if not item:
            continue
        day, _space, name = item.partition(" ")
        if not name.strip():
            raise CellError(_("“%(value)s” is not a milestone; write the date, a space and the "
                              "name, e.g. 2024-06-30 完成设计") % {"value": item})
        milestones.append((name.strip(), read_date(day)))
    return milestones


def format_milestones(milestones: list[tuple[str, datetime.date]]) -> str:
    return "；".join(f"{due.isoformat()} {name}" for name, due in milestones)


def split_units(text: str) -> list[str]:
    return [part.strip() for part in UNIT_SEPARATOR.split(text or "") if part.strip()]


def split_unit_reference(text: str) -> tuple[str, str | None]:
    """Split "海门街道办事处（331002001）" into the name and the region code."""
    match = QUALIFIED_UNIT.fullmatch(text.strip())
    if match is None:
        return text.strip(), None
    return match[1].strip(), match[2]


def unit_reference(name: str, region_code: str, *, qualified: bool) -> str:
    return f"{name}（{region_code}）" if qualified else name
