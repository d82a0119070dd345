"""Problems found in a ledger workbook, collected rather than raised one by one."""

import datetime
from dataclasses import asdict, dataclass

from django.utils.translation import ngettext

MAX_ISSUES = 200
MAX_VALUE_LENGTH = 80


@dataclass(frozen=True)
class LedgerIssue:
    """One rejected cell, header or sheet, located as Excel shows it.

    ``row`` is the row number in Excel (1 = first row), None for a missing
    sheet. ``column`` is the header text, empty when the whole sheet is meant.
    """

    sheet: str
    row: int | None
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


class LedgerError(Exception):
    """Raised when a workbook is rejected; nothing of it was written.

    ``errors`` contains at most ``MAX_ISSUES`` issues and ``more`` counts
    the ones left out.
    """

    def __init__(self, errors: list[LedgerIssue], more: int = 0):
        self.errors = errors
        self.more = more
        super().__init__(self.summary())

    @property
    def total(self) -> int:
        return len(self.errors) + self.more

    def summary(self) -> str:
        return ngettext(
            "The workbook was rejected with %(count)s problem; nothing was imported.",
            "The workbook was rejected with %(count)s problems; nothing was imported.",
            self.total,
        ) % {"count": self.total}


class IssueList:
    """Collects issues up to ``MAX_ISSUES`` and counts the rest."""

    def __init__(self, limit: int = MAX_ISSUES):
        self.limit = limit
        self.items: list[LedgerIssue] = []
        self.more = 0

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, sheet: str, row: int | None, column: str, value: object, reason: str) -> None:
        if len(self.items) >= self.limit:
            self.more += 1
            return
        self.items.append(LedgerIssue(sheet, row, column, display_value(value), str(reason)))

    def raise_if_any(self) -> None:
        if self.items:
            raise LedgerError(self.items, self.more)


def display_value(value: object) -> str:
    """Return a cell value as a person would type it, shortened for an error table."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = format(value, ".15g")
    elif isinstance(value, datetime.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    if len(text) > MAX_VALUE_LENGTH:
        text = text[: MAX_VALUE_LENGTH - 1] + "…"
    return text
