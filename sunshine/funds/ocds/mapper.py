"""Mapping one compiled OCDS release onto the rows of our fund models.

The result is plain data (``Process``): the importer compares it with the
database and writes the differences. Field values use the models' attribute
names. References to other rows are kept as keys (supplier keys, award ids),
because the rows they point at may not exist yet.

Non-standard shapes seen in real publications are accepted where the intent
is plain: ``awards`` or ``contracts`` given as one object instead of an
array, ``tederPeriod`` for ``tenderPeriod``, ``planning`` as an array, and
OCDS 1.0 transactions (``amount``, ``receiverOrganization``).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sunshine.funds.models import (
    CNY,
    Award,
    Bid,
    Contract,
    Disbursement,
    Procurement,
    ProcurementMethod,
    Project,
    ProjectStatus,
)
from sunshine.funds.ocds.export import LEDGER_PAYMENT_PREFIX
from sunshine.funds.ocds.parties import Organisation, Organisations, OrgKey, as_dict, as_list
from sunshine.funds.ocds.values import CURRENCY, Context, width
from sunshine.lib.money import MAX_TYPED_YUAN

METHODS = {"open", "selective", "limited", "direct"}
# Parts of OCDS with no model of their own: counted as not imported.
UNMAPPED_ARRAYS = {"documents", "milestones", "amendments", "items", "lots", "relatedProcesses",
                   "enquiries"}
ENDED_TENDER = {"cancelled", "unsuccessful", "withdrawn"}


@dataclass
class Row:
    """Field values of one row, plus the keys of the rows it refers to."""

    values: dict[str, Any]
    supplier: OrgKey | None = None
    suppliers: list[OrgKey] = field(default_factory=list)
    award_id: str = ""


@dataclass
class Process:
    """Everything one contracting process (one ocid) contributes."""

    ocid: str
    project: Row
    procurement: Row | None
    organisations: dict[OrgKey, Organisation]
    bids: list[Row] = field(default_factory=list)
    awards: list[Row] = field(default_factory=list)
    contracts: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)


def map_release(release: dict, ocid: str, context: Context) -> Process:
    context.default_currency = first_currency(release) or CNY
    organisations = Organisations(release, context)
    organisations.add_supplier_parties()
    mapper = ReleaseMapper(release, ocid, context, organisations)
    process = mapper.map()
    count_unmapped(release, context)
    return process


class ReleaseMapper:
    def __init__(self, release: dict, ocid: str, context: Context, organisations: Organisations):
        self.release = release
        self.ocid = ocid
        self.context = context
        self.organisations = organisations
        self.tender = as_dict(release.get("tender"))

    def map(self) -> Process:
        if len(self.ocid) > (width(Project, "code") or 0):
            self.context.fail("ocid", _("ocid “%(value)s” is longer than %(max)s characters and "
                                        "cannot be stored as a project code")
                              % {"value": self.ocid, "max": width(Project, "code")})
        for index, tenderer in enumerate(as_list(self.tender.get("tenderers"))):
            self.organisations.resolve(tenderer, f"tender.tenderers[{index}]")

        awards = [self.award(item, path) for item, path in self.entries("awards")]
        contracts = [self.contract(item, path, awards) for item, path in self.entries("contracts")]
        payments = [payment for item, path in self.entries("contracts")
                    for payment in self.payments(item, path)]
        bids = self.bids()
        has_procurement = bool(self.tender or awards or contracts or bids)
        return Process(
            ocid=self.ocid,
            project=self.project(awards, contracts),
            procurement=self.procurement() if has_procurement else None,
            organisations=self.organisations.found,
            bids=bids,
            awards=awards,
            contracts=contracts,
            payments=payments,
        )

    def entries(self, name: str) -> list[tuple[dict, str]]:
        value = self.release.get(name)
        if isinstance(value, dict):
            return [(value, name)]
        return [(item, f"{name}[{index}]") for index, item in enumerate(as_list(value))
                if isinstance(item, dict)]

    def project(self, awards: list[Row], contracts: list[Row]) -> Row:
        text = self.context.text
        budget_amount, budget_currency, budget_names, descriptions = self.budget()
        names = [
            text(self.tender.get("title")),
            *budget_names,
            *(row.values["title"] for row in contracts),
            *(row.values["title"] for row in awards),
            # Some pilot exports name the process at the top level.
            text(self.release.get("title")),
            text(self.release.get("name")),
            self.ocid,
        ]
        currency = (budget_currency or self.currency_of(self.tender.get("value"))
                    or self.context.default_currency)
        return Row({
            "code": self.ocid,
            "name": text(next(name for name in names if name), width(Project, "name")),
            "budget": budget_amount,
            "currency": currency,
            "status": self.status(contracts),
            "description": text(self.tender.get("description")) or next(iter(descriptions), ""),
        })

    def budget(self) -> tuple[Decimal | None, str | None, list[str], list[str]]:
        """Sum the budgets of the planning section; a second currency is counted, not added.

        OCDS 1.1 defines a negative budget amount as anticipated income to the
        budget rather than expenditure. A project budget is expenditure, so a
        negative total is counted as not imported and the budget left empty.
        """
        planning = self.release.get("planning")
        entries = ([(item, f"planning[{i}]") for i, item in enumerate(planning)]
                   if isinstance(planning, list) else [(planning, "planning")])
        total: Decimal | None = None
        currency: str | None = None
        names, descriptions = [], []
        for entry, path in entries:
            budget = as_dict(as_dict(entry).get("budget"))
            names.append(self.context.text(budget.get("project")))
            descriptions.append(self.context.text(budget.get("description")))
            amount, given = self.context.value(budget.get("amount"), f"{path}.budget.amount",
                                               signed=True)
            if currency is not None and given is not None and given != currency:
                self.context.unmapped["budget_other_currency"] += 1
                continue
            currency = currency or given
            if amount is not None:
                total = (total or Decimal(0)) + amount
        if total is not None and total > MAX_TYPED_YUAN:
            self.context.fail("planning", _(
                "the budget amounts add up to %(total)s, more than %(max)s, the largest amount "
                "accepted; check the amounts in the source file"
            ) % {"total": f"{total:,}", "max": f"{MAX_TYPED_YUAN:,}"})
            total = None
        if total is not None and total < 0:
            self.context.unmapped["budget_income"] += 1
            total = None
        return total, currency, [n for n in names if n], [d for d in descriptions if d]

    def currency_of(self, value: Any) -> str | None:
        raw = as_dict(value).get("currency")
        return str(raw).strip().upper() if raw and CURRENCY.match(str(raw).strip().upper()) else None

    def status(self, contracts: list[Row]) -> str:
        statuses = {str(row.values["status"]).lower() for row in contracts}
        tender_status = self.context.text(self.tender.get("status")).lower()
        if "active" in statuses:
            return ProjectStatus.IN_PROGRESS
        if statuses and statuses <= {"terminated", "cancelled"}:
            return ProjectStatus.COMPLETED if "terminated" in statuses else ProjectStatus.CANCELLED
        if tender_status in ENDED_TENDER:
            return ProjectStatus.CANCELLED
        return ProjectStatus.PLANNED

    def procurement(self) -> Row:
        text, tender = self.context.text, self.tender
        method = text(tender.get("procurementMethod"))
        details = text(tender.get("procurementMethodDetails"))
        if method.lower() not in METHODS and not details:
            details = method
        value, currency = self.context.money(tender.get("value"), "tender.value")
        period_name = "tenderPeriod" if "tenderPeriod" in tender else "tederPeriod"
        period = as_dict(tender.get(period_name))
        return Row({
            "ocid": self.ocid,
            "title": text(tender.get("title"), width(Procurement, "title")),
            "method": method.lower() if method.lower() in METHODS else ProcurementMethod.OTHER,
            "method_details": text(details, width(Procurement, "method_details")),
            "status": text(tender.get("status"), width(Procurement, "status")),
            "buyer_name": text(self.buyer_name(), width(Procurement, "buyer_name")),
            "value": value,
            "currency": currency,
            "number_of_tenderers": self.context.count(tender.get("numberOfTenderers"),
                                                      "tender.numberOfTenderers"),
            "tender_start": self.context.date(period.get("startDate"),
                                              f"tender.{period_name}.startDate"),
            "tender_end": self.context.date(period.get("endDate"), f"tender.{period_name}.endDate"),
            "published_on": self.context.date(tender.get("datePublished"), "tender.datePublished"),
        })

    def buyer_name(self) -> str:
        name = self.organisations.name_of(self.release.get("buyer"))
        if name:
            return name
        for party, _path in self.organisations.parties.values():
            if "buyer" in {str(role) for role in as_list(party.get("roles"))}:
                return self.organisations.name_of(party)
        return self.organisations.name_of(self.tender.get("procuringEntity"))

    def bids(self) -> list[Row]:
        bids = self.release.get("bids")
        details = as_list(bids.get("details")) if isinstance(bids, dict) else as_list(bids)
        rows = []
        for index, bid in enumerate(details):
            if not isinstance(bid, dict):
                continue
            path = f"bids.details[{index}]"
            tenderers = as_list(bid.get("tenderers"))
            keys = [self.organisations.resolve(item, f"{path}.tenderers[{i}]")
                    for i, item in enumerate(tenderers)]
            self.context.unmapped["bid_extra_tenderers"] += max(len(tenderers) - 1, 0)
            amount, currency = self.context.money(bid.get("value"), f"{path}.value")
            rows.append(Row({
                "amount": amount,
                "currency": currency,
                "status": self.context.text(bid.get("status"), width(Bid, "status")),
                "submitted_on": self.context.date(bid.get("date"), f"{path}.date"),
            }, supplier=next((key for key in keys if key), None)))
        return rows

    def award(self, award: dict, path: str) -> Row:
        text = self.context.text
        suppliers: list[OrgKey] = []
        for index, item in enumerate(as_list(award.get("suppliers"))):
            key = self.organisations.resolve(item, f"{path}.suppliers[{index}]")
            if key and key not in suppliers:
                suppliers.append(key)
        amount, currency = self.context.money(award.get("value"), f"{path}.value")
        return Row({
            "external_id": text(award.get("id"), width(Award, "external_id")),
            "title": text(award.get("title"), width(Award, "title")),
            "amount": amount,
            "currency": currency,
            "status": text(award.get("status"), width(Award, "status")),
            "awarded_on": self.context.date(award.get("date"), f"{path}.date"),
        }, suppliers=suppliers)

    def contract(self, contract: dict, path: str, awards: list[Row]) -> Row:
        text, date = self.context.text, self.context.date
        award_id = text(contract.get("awardID"))
        supplier = None
        for index, item in enumerate(as_list(contract.get("suppliers"))):
            supplier = supplier or self.organisations.resolve(item, f"{path}.suppliers[{index}]")
        if supplier is None:
            award = next((row for row in awards if row.values["external_id"] == award_id), None)
            supplier = award.suppliers[0] if award and award.suppliers else None
        amount, currency = self.context.money(contract.get("value"), f"{path}.value")
        period = as_dict(contract.get("period"))
        return Row({
            "external_id": text(contract.get("id"), width(Contract, "external_id")),
            "title": text(contract.get("title"), width(Contract, "title")),
            "amount": amount,
            "currency": currency,
            "status": text(contract.get("status"), width(Contract, "status")),
            "signed_on": date(contract.get("dateSigned"), f"{path}.dateSigned"),
            "start_on": date(period.get("startDate"), f"{path}.period.startDate"),
            "end_on": date(period.get("endDate"), f"{path}.period.endDate"),
        }, supplier=supplier, award_id=award_id)

    def payments(self, contract: dict, path: str) -> list[Row]:
        implementation = as_dict(contract.get("implementation"))
        purpose = self.context.text(contract.get("title"), width(Disbursement, "purpose"))
        rows = []
        for index, transaction in enumerate(as_list(implementation.get("transactions"))):
            if isinstance(transaction, dict):
                row = self.payment(transaction, f"{path}.implementation.transactions[{index}]")
                if row is not None:
                    row.values["purpose"] = purpose
                    rows.append(row)
        return rows

    def payment(self, transaction: dict, path: str) -> Row | None:
        # OCDS 1.1 writes value and payee; OCDS 1.0 wrote amount and receiverOrganization.
        value_name = "value" if transaction.get("value") is not None else "amount"
        amount, currency = self.context.money(transaction.get(value_name), f"{path}.{value_name}")
        paid_on = self.context.date(transaction.get("date"), f"{path}.date")
        payee = transaction.get("payee")
        if not isinstance(payee, dict):
            receiver = as_dict(transaction.get("receiverOrganization"))
            payee = {"name": receiver.get("legalName"), "identifier": receiver} if receiver else None
        # A payment exported from our own ledger is matched to its row by id, so
        # its payee, written as text only, is not added as a supplier. Neither is
        # a payee known only by its name, so the payment counts as one to a person.
        from_ledger = str(transaction.get("id", "")).startswith(LEDGER_PAYMENT_PREFIX)
        supplier = None if from_ledger else self.organisations.resolve(
            payee, f"{path}.payee", accept_name_only=False)
        payee_name = self.context.text(self.organisations.name_of(payee),
                                       width(Disbursement, "payee_name"))

        missing = next((kind for kind, absent in (("transaction_without_amount", amount is None),
                                                  ("transaction_without_date", paid_on is None),
                                                  ("transaction_without_payee", not payee_name))
                        if absent), None)
        if missing:
            self.context.unmapped[missing] += 1
            return None
        return Row({
            "external_id": self.context.text(transaction.get("id"),
                                             width(Disbursement, "external_id")),
            "paid_on": paid_on,
            "amount": amount,
            "currency": currency,
            "payee_name": payee_name,
        }, supplier=supplier)


def first_currency(value: Any) -> str | None:
    """Return the first valid currency code anywhere in the release, in document order."""
    if isinstance(value, dict):
        raw = value.get("currency")
        if isinstance(raw, str) and CURRENCY.match(raw.strip().upper()):
            return raw.strip().upper()
        items = list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found = first_currency(item)
        if found:
            return found
    return None


def count_unmapped(value: Any, context: Context) -> None:
    if isinstance(value, list):
        for item in value:
            count_unmapped(item, context)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key in UNMAPPED_ARRAYS and isinstance(item, list):
            context.unmapped[key] += len(item)
        elif key == "amendment" and isinstance(item, dict):
            context.unmapped["amendments"] += 1
        else:
            count_unmapped(item, context)
