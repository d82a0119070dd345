"""The outcome of an import, for the command output, the job page and the log."""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sunshine.funds.ledger.errors import MAX_ISSUES
from sunshine.funds.ledger.sync import Counts
from sunshine.lib.money import FEN_PER_YUAN


@dataclass(frozen=True)
class OverPayment:
    """A payment row that took the project's paid total past the funds that arrived."""

    row: int
    project: str
    paid_on: datetime.date
    amount: Decimal
    paid_total: Decimal
    arrived_total: Decimal


@dataclass
class LedgerReport:
    rows: int = 0
    projects: Counts = field(default_factory=Counts)
    allocations: Counts = field(default_factory=Counts)
    disbursements: Counts = field(default_factory=Counts)
    over_payments: list[OverPayment] = field(default_factory=list)
    over_payment_count: int = 0
    audit_entries: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.audit_entries)

    def add_over_payment(self, row: int, project: str, paid_on: datetime.date, amount: int,
                         paid_total: int, arrived_total: int) -> None:
        self.over_payment_count += 1
        if len(self.over_payments) < MAX_ISSUES:
            self.over_payments.append(OverPayment(row, project, paid_on, _yuan(amount),
                                                  _yuan(paid_total), _yuan(arrived_total)))

    def summary_lines(self) -> list[str]:
        """Return the result in plain sentences, in the active language."""
        lines = [
            ngettext("%(rows)s row checked in %(seconds).1f s.",
                     "%(rows)s rows checked in %(seconds).1f s.", self.rows)
            % {"rows": self.rows, "seconds": self.seconds},
            _("Projects: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % asdict(self.projects),
            _("Fund allocations: %(created)s added, %(updated)s updated, %(deleted)s deleted, "
              "%(unchanged)s unchanged.") % asdict(self.allocations),
            _("Disbursements: %(created)s added, %(updated)s updated, %(deleted)s deleted, "
              "%(unchanged)s unchanged.") % asdict(self.disbursements),
        ]
        if not self.changed:
            lines.append(_("Nothing changed: the system already matched this workbook."))
        if self.over_payment_count:
            lines.append(ngettext(
                "%(count)s payment exceeds the funds that arrived for its project; it was "
                "imported and flagged.",
                "%(count)s payments exceed the funds that arrived for their project; they were "
                "imported and flagged.",
                self.over_payment_count,
            ) % {"count": self.over_payment_count})
        return lines

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready values, for an import job row."""
        data = asdict(self)
        data["over_payments"] = [
            {**item, "paid_on": item["paid_on"].isoformat(),
             **{k: str(item[k]) for k in ("amount", "paid_total", "arrived_total")}}
            for item in data["over_payments"]
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LedgerReport":
        over_payments = [
            OverPayment(item["row"], item["project"], datetime.date.fromisoformat(item["paid_on"]),
                        Decimal(item["amount"]), Decimal(item["paid_total"]),
                        Decimal(item["arrived_total"]))
            for item in data.get("over_payments", [])
        ]
        return cls(
            rows=data["rows"],
            projects=Counts(**data["projects"]),
            allocations=Counts(**data["allocations"]),
            disbursements=Counts(**data["disbursements"]),
            over_payments=over_payments,
            over_payment_count=data["over_payment_count"],
            audit_entries=data["audit_entries"],
            seconds=data["seconds"],
        )


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_YUAN
