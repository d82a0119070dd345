"""Writing public projects as an OCDS 1.1 release package.

Each project becomes one release in compiled form with its planning budget,
tender, bids, awards, contracts and payments (as contract transactions).
Importing the written package changes nothing for projects that came from
OCDS: every field the importer reads is written back as it was stored.

Personal data stays out, as on the public portal: a payee who is a private
person (``Disbursement.is_private_payee``) appears under the portal's label
in place of a name, and no phone numbers are written.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from sunshine.funds.models import (
    Award,
    Contract,
    Disbursement,
    Procurement,
    ProcurementMethod,
    Project,
    Source,
    Supplier,
)
from sunshine.lib.identifiers import withheld_person_label
from sunshine.rules.values import get_setting

OCDS_VERSION = "1.1"
# Transactions from our own ledger carry this id prefix and the row's key,
# so importing an exported package recognises them and leaves them alone.
LEDGER_PAYMENT_PREFIX = "sunshine-disbursement-"


def public_projects(codes: list[str] | None = None) -> QuerySet:
    projects = Project.public_objects.order_by("code").prefetch_related(
        Prefetch("procurements", queryset=Procurement.objects.order_by("pk").prefetch_related(
            "bids__supplier",
            Prefetch("awards", queryset=Award.objects.order_by("pk").prefetch_related("suppliers")),
        )),
        Prefetch("contracts", queryset=Contract.objects.order_by("pk").select_related(
            "supplier", "award")),
        Prefetch("disbursements", queryset=Disbursement.objects.order_by("paid_on", "pk")
                 .select_related("supplier")),
    )
    if codes:
        projects = projects.filter(code__in=codes)
    return projects


def build_package(projects: QuerySet, *, publisher: str, uri: str) -> dict:
    now = timezone.now()
    prefix = get_setting("ocds.ocid_prefix")
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": now.isoformat(),
        "publisher": {"name": publisher},
        "releases": [ReleaseBuilder(project, now, prefix).build() for project in projects],
    }


def write_package(path: str | Path, package: dict) -> None:
    text = json.dumps(package, ensure_ascii=False, indent=2, default=json_default)
    Path(path).write_text(text + "\n", encoding="utf-8")


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def moment(day: datetime.date | None) -> str | None:
    """Write a stored calendar date as the start of that day in the site's time zone."""
    if day is None:
        return None
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_default_timezone())
    return start.isoformat()


def money(amount: Decimal | None, currency: str) -> dict:
    return compact({"amount": amount, "currency": currency})


def compact(values: dict) -> dict:
    """Drop empty fields, because OCDS omits a field rather than writing it blank."""
    return {key: value for key, value in values.items() if value not in (None, "", [], {})}


def party_id(supplier: Supplier) -> str:
    if supplier.credit_code:
        return f"CN-USCC-{supplier.credit_code}"
    if supplier.identifier:
        return f"{supplier.scheme}-{supplier.identifier}" if supplier.scheme else supplier.identifier
    return f"supplier-{supplier.pk}"


class ReleaseBuilder:
    def __init__(self, project: Project, now: datetime.datetime, prefix: str):
        self.project = project
        self.now = now
        self.ocid = project.code if project.source == Source.OCDS else f"{prefix}-{project.code}"
        self.parties: dict[str, dict] = {}
        procurements = list(project.procurements.all())
        self.procurement = next((p for p in procurements if p.ocid == project.code),
                                procurements[0] if procurements else None)
        self.procurements = procurements

    def build(self) -> dict:
        release: dict[str, Any] = {
            "ocid": self.ocid,
            "id": f"{self.ocid}-{self.now:%Y%m%dT%H%M%S}",
            "date": self.now.isoformat(),
            "tag": ["compiled"],
            "initiationType": "tender",
            "planning": {"budget": self.budget()},
        }
        if self.procurement is not None:
            release["buyer"] = self.buyer()
            release["tender"] = self.tender()
        bids = [self.bid(bid) for procurement in self.procurements for bid in procurement.bids.all()]
        release["bids"] = {"details": bids} if bids else {}
        release["awards"] = [self.award(award) for p in self.procurements
                             for award in p.awards.all()]
        release["contracts"] = self.contracts()
        release["parties"] = list(self.parties.values())
        return compact(release)

    def budget(self) -> dict:
        project = self.project
        return compact({
            "project": project.name,
            "description": project.description,
            "amount": money(project.budget, project.currency),
        })

    def buyer(self) -> dict:
        name = self.procurement.buyer_name if self.procurement else ""
        if not name:
            return {}
        self.parties["buyer"] = {"id": "buyer", "name": name, "roles": ["buyer"]}
        return {"id": "buyer", "name": name}

    def tender(self) -> dict:
        procurement = self.procurement
        assert procurement is not None
        method = procurement.method if procurement.method != ProcurementMethod.OTHER else ""
        return compact({
            "id": f"{self.ocid}-tender",
            "title": procurement.title,
            "status": procurement.status,
            "procurementMethod": method,
            "procurementMethodDetails": procurement.method_details,
            "value": money(procurement.value, procurement.currency),
            "numberOfTenderers": procurement.number_of_tenderers,
            "tenderPeriod": compact({"startDate": moment(procurement.tender_start),
                                     "endDate": moment(procurement.tender_end)}),
            "datePublished": moment(procurement.published_on),
        })

    def reference(self, supplier: Supplier | None, role: str) -> dict | None:
        """Return a reference to the supplier's party, adding the party or its role."""
        if supplier is None:
            return None
        key = party_id(supplier)
        party = self.parties.get(key)
        if party is None:
            party = compact({
                "id": key,
                "name": supplier.name,
                "identifier": identifier(supplier),
                "address": compact({"streetAddress": supplier.address,
                                    "countryName": supplier.country}),
            })
            party["roles"] = []
            self.parties[key] = party
        if role not in party["roles"]:
            party["roles"].append(role)
        return {"id": key, "name": supplier.name}

    def bid(self, bid) -> dict:
        return compact({
            "id": str(bid.pk),
            "status": bid.status,
            "date": moment(bid.submitted_on),
            "value": money(bid.amount, bid.currency),
            "tenderers": [ref for ref in [self.reference(bid.supplier, "tenderer")] if ref],
        })

    def award(self, award: Award) -> dict:
        suppliers = sorted(award.suppliers.all(), key=lambda supplier: supplier.pk)
        return compact({
            "id": award.external_id,
            "title": award.title,
            "status": award.status,
            "date": moment(award.awarded_on),
            "value": money(award.amount, award.currency),
            "suppliers": [self.reference(supplier, "supplier") for supplier in suppliers],
        })

    def contracts(self) -> list[dict]:
        contracts = list(self.project.contracts.all())
        payments = self.place_payments(contracts)
        written = [self.contract(contract, payments.pop(contract.pk, [])) for contract in contracts]
        if payments:
            # Payments of a project without contracts still need a contract to sit in.
            written.append(compact({"id": f"{self.ocid}-payments",
                                    "implementation": {"transactions": payments.pop(None)}}))
        return written

    def place_payments(self, contracts: list[Contract]) -> dict[int | None, list[dict]]:
        """Put each payment under the contract it most likely paid.

        A payment records no contract, so it goes to the contract whose title
        is its purpose and whose supplier is its payee, else to the first
        contract with that title, else to the first contract.
        """
        placed: dict[int | None, list[dict]] = {}
        for payment in self.project.disbursements.all():
            same_title = [c for c in contracts if c.title == payment.purpose]
            same_payee = [c for c in same_title if c.supplier_id == payment.supplier_id]
            target = next(iter(same_payee or same_title or contracts), None)
            placed.setdefault(target.pk if target else None, []).append(self.transaction(payment))
        return placed

    def contract(self, contract: Contract, transactions: list[dict]) -> dict:
        supplier = self.reference(contract.supplier, "supplier")
        return compact({
            "id": contract.external_id,
            "awardID": contract.award.external_id if contract.award else "",
            "title": contract.title,
            "status": contract.status,
            "value": money(contract.amount, contract.currency),
            "dateSigned": moment(contract.signed_on),
            "period": compact({"startDate": moment(contract.start_on),
                               "endDate": moment(contract.end_on)}),
            # Contract suppliers come from the OCDS contract suppliers extension;
            # without them an importer would take the award's first supplier.
            "suppliers": [supplier] if supplier else [],
            "implementation": compact({"transactions": transactions}),
        })

    def transaction(self, payment: Disbursement) -> dict:
        own = payment.origin == Source.OCDS
        private = payment.is_private_payee
        name = withheld_person_label() if private else payment.payee_name
        payee = (None if private else self.reference(payment.supplier, "payee")) or {"name": name}
        payee["name"] = name
        buyer = self.procurement.buyer_name if self.procurement else ""
        if buyer and "payer" not in self.parties["buyer"]["roles"]:
            self.parties["buyer"]["roles"].append("payer")
        return compact({
            "id": payment.external_id if own else f"{LEDGER_PAYMENT_PREFIX}{payment.pk}",
            "date": moment(payment.paid_on),
            "value": money(payment.amount, payment.currency),
            "payee": payee,
            "payer": compact({"id": "buyer" if buyer else "", "name": buyer}),
        })


def identifier(supplier: Supplier) -> dict:
    if supplier.credit_code:
        return {"scheme": "CN-USCC", "id": supplier.credit_code}
    return compact({"scheme": supplier.scheme, "id": supplier.identifier})
