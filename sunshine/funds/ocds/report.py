"""Counts of an OCDS import: rows per model and the data it could not keep."""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Keys of ``OcdsReport.rows``, in the order the importer writes them.
MODELS = ("project", "supplier", "procurement", "bid", "award", "contract", "disbursement")

UNMAPPED_LABELS = {
    "release_without_ocid": gettext_lazy("releases without an ocid"),
    "record_without_releases": gettext_lazy(
        "records with neither a compiled release nor embedded releases (linked releases "
        "are not downloaded, versioned releases are not read)"),
    "documents": gettext_lazy("documents"),
    "milestones": gettext_lazy("milestones"),
    "amendments": gettext_lazy("amendments"),
    "items": gettext_lazy("items (no item-level records are kept)"),
    "lots": gettext_lazy("lots"),
    "relatedProcesses": gettext_lazy("related processes"),
    "enquiries": gettext_lazy("enquiries"),
    "bid_extra_tenderers": gettext_lazy("bid tenderers after the first (a bid keeps one bidder)"),
    "transaction_without_amount": gettext_lazy("transactions without an amount"),
    "transaction_without_date": gettext_lazy("transactions without a date"),
    "transaction_without_payee": gettext_lazy("transactions without a payee"),
    "organisation_without_name": gettext_lazy("organisations with neither a name nor an identifier"),
    "budget_other_currency": gettext_lazy("budget entries in a second currency"),
    "budget_income": gettext_lazy("negative budgets (anticipated income, not expenditure)"),
    "own_projects": gettext_lazy("processes exported from projects entered here (already stored)"),
}
ADJUSTED_LABELS = {
    "amount_rounded": gettext_lazy("amounts rounded to two decimal places"),
    "text_truncated": gettext_lazy("texts cut to the column width"),
    "currency_assumed": gettext_lazy("amounts without a currency, given the process's currency"),
}


@dataclass
class RowCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class OcdsReport:
    """Counts of one import. ``unmapped`` and ``adjusted`` are keyed by the kinds above."""

    files: list[str]
    releases: int = 0
    processes: int = 0
    rows: dict[str, RowCounts] = field(default_factory=lambda: {m: RowCounts() for m in MODELS})
    unmapped: Counter = field(default_factory=Counter)
    adjusted: Counter = field(default_factory=Counter)

    @property
    def projects(self) -> RowCounts:
        return self.rows["project"]

    @property
    def changed(self) -> bool:
        return any(counts.created or counts.updated for counts in self.rows.values())

    def lines(self) -> list[str]:
        """Describe the import in the active language, one line per fact."""
        lines = [_("%(files)s files, %(releases)s releases, %(processes)s contracting processes")
                 % {"files": len(self.files), "releases": self.releases,
                    "processes": self.processes}]
        for name in MODELS:
            counts = self.rows[name]
            label = capfirst(apps.get_model("funds", name)._meta.verbose_name_plural)
            lines.append(_("%(model)s: %(created)s created, %(updated)s updated, "
                           "%(unchanged)s unchanged")
                         % {"model": label, "created": counts.created,
                            "updated": counts.updated, "unchanged": counts.unchanged})
        lines += self.counted_lines(_("Not imported:"), self.unmapped, UNMAPPED_LABELS)
        lines += self.counted_lines(_("Stored with a change:"), self.adjusted, ADJUSTED_LABELS)
        return lines

    @staticmethod
    def counted_lines(title: str, counts: Counter, labels: dict) -> list[str]:
        present = [(kind, count) for kind, count in counts.items() if count]
        if not present:
            return []
        return [title, *("  " + _("%(kind)s: %(count)s") % {"kind": labels.get(kind, kind),
                                                            "count": count}
                         for kind, count in sorted(present))]
