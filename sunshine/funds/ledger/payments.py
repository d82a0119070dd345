"""Payment rows of the 资金支付 sheet and the over-payment flag.

A payment is flagged (``exceeds_arrived``) when, counting the project's
payments in date order, it takes the paid total past the total that has
arrived. The flag is recomputed for every payment of a project whose
allocations or payments change in this import. A project whose fund rows
all match the workbook keeps the flags it has. Those may have been set one
payment at a time as payments were entered, in an order the workbook
cannot show, and re-importing an export must change nothing.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter

from sunshine.funds.ledger.report import LedgerReport
from sunshine.funds.ledger.sync import StoredRow
from sunshine.funds.ledger.validate import DisbursementRow
from sunshine.funds.models import CNY

IDENTITY = slice(0, 7)
FLAG = 9


@dataclass
class PaymentLines:
    """One project's payments in date order: managed tuples and what the report needs."""

    code: str
    arrived: int
    managed: list[tuple]
    rows: list[int]
    paid_totals: list[int]


def build_payments(project_id: int, code: str, rows: list[DisbursementRow], arrived: int,
                   suppliers: dict[str, int]) -> PaymentLines:
    """Return the project's payments as ``DISBURSEMENTS`` managed tuples, flags computed.

    Dates are ISO text, the form ``sync.ChildTable`` rows keep.
    """
    lines = PaymentLines(code, arrived, [], [], [])
    managed, numbers, totals = lines.managed, lines.rows, lines.paid_totals
    paid = 0
    # Plain unpacking: attribute access on 100,000 named tuples adds up.
    for number, _code, paid_on, amount, payee, credit_code, voucher, purpose in sorted(
        rows, key=itemgetter(2, 0)
    ):
        paid += amount
        managed.append((project_id, paid_on.isoformat(), amount, payee, credit_code, voucher,
                        purpose, not credit_code, suppliers.get(credit_code), paid > arrived, CNY))
        numbers.append(number)
        totals.append(paid)
    return lines


def keep_stored_flags(lines: PaymentLines, stored: list[StoredRow]) -> None:
    """Copy the stored flags onto the payments when the rows are the same as stored.

    Rows with equal ledger columns take the stored flags in id order, the
    order in which ``sync.pair_rows`` pairs them.
    """
    if Counter(m[IDENTITY] for m in lines.managed) != Counter(s.managed[IDENTITY] for s in stored):
        return
    flags: dict[tuple, list[bool]] = defaultdict(list)
    for row in sorted(stored, key=lambda s: s.pk, reverse=True):
        flags[row.managed[IDENTITY]].append(row.managed[FLAG])
    lines.managed = [(*m[:FLAG], flags[m[IDENTITY]].pop(), *m[FLAG + 1:]) for m in lines.managed]


def report_over_payments(lines: PaymentLines, report: LedgerReport) -> None:
    for managed, row, paid in zip(lines.managed, lines.rows, lines.paid_totals, strict=True):
        if managed[FLAG]:
            report.add_over_payment(row, lines.code, datetime.date.fromisoformat(managed[1]),
                                    managed[2], paid, lines.arrived)


def iso_date(value: datetime.date | None) -> str | None:
    """Return a date in the ISO text form that ``sync.ChildTable`` rows keep."""
    return None if value is None else value.isoformat()
