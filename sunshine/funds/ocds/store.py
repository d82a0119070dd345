"""Writing mapped contracting processes to the fund models, model by model.

Rows are matched to stored ones by stable keys. A project is matched by its
code (the ocid). A supplier is matched by credit code, by identifier scheme
and id, or by name when it has neither; a payee known only by name is no
supplier (see ``parties``). Awards, contracts and payments are
matched by their OCDS ids within their project. Bids carry no id in our
model, so a bid is matched by its bidder and its position among that
bidder's bids.

Rows that an updated release no longer mentions are kept: OCDS merging
never removes an award or a contract either.
"""

import logging
from collections import defaultdict
from collections.abc import Hashable
from decimal import Decimal
from functools import cached_property
from typing import Any, cast

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.funds.models import (
    Allocation,
    Award,
    Bid,
    Contract,
    Disbursement,
    Procurement,
    Project,
    Source,
    Supplier,
)
from sunshine.funds.ocds.errors import OcdsImportError
from sunshine.funds.ocds.export import LEDGER_PAYMENT_PREFIX
from sunshine.funds.ocds.mapper import Process
from sunshine.funds.ocds.parties import NAME_KEY, Organisation, OrgKey
from sunshine.funds.ocds.report import OcdsReport
from sunshine.funds.ocds.sync import Plan, apply, fetch, fetch_values, numbered
from sunshine.organisation.models import Region

logger = logging.getLogger(__name__)


class Store:
    def __init__(self, actor: Any, report: OcdsReport, *, region: Region | None,
                 default_region: Region, public: bool):
        self.actor = actor
        self.report = report
        self.files = report.files
        self.region = region
        self.default_region = default_region
        self.public = public
        self.suppliers: dict[Hashable, int] = {}
        self.projects: dict[str, Project] = {}
        self.procurements: dict[str, Procurement] = {}

    def save(self, processes: list[Process]) -> None:
        stored_projects = self.stored_projects(processes)
        self.save_suppliers(processes)
        self.save_projects(processes, stored_projects)
        self.save_procurements(processes)
        self.save_bids(processes)
        awards = self.save_awards(processes)
        self.save_contracts(processes, awards)
        self.save_payments(processes)

    def write(self, name: str, plan: Plan) -> None:
        self.report.rows[name] = apply(self.actor, plan, self.files)

    def save_suppliers(self, processes: list[Process]) -> None:
        incoming: dict[OrgKey, Organisation] = {}
        for process in processes:
            for key, organisation in process.organisations.items():
                if key in incoming:
                    incoming[key].fill_from(organisation)
                else:
                    incoming[key] = organisation

        existing = self.stored_suppliers(list(incoming))
        plan = Plan(Supplier)
        for key, organisation in incoming.items():
            values = organisation.field_values()
            stored = existing.get(key)
            if stored is not None:
                # Keep what staff entered where the data leaves a field empty.
                values = {name: value for name, value in values.items() if value}
            plan.want(key, values, stored)
        self.write("supplier", plan)
        self.suppliers = {key: row.pk for key, row in plan.rows.items()}

    def stored_suppliers(self, keys: list[OrgKey]) -> dict[OrgKey, Supplier]:
        found: dict[OrgKey, Supplier] = {}
        codes = [key[1] for key in keys if key[0] == "credit"]
        for row in fetch(Supplier.objects.all(), "credit_code", codes):
            found[("credit", row.credit_code)] = row
        numbers = [key[2] for key in keys if key[0] == "id"]
        for row in fetch(Supplier.objects.all(), "identifier", numbers):
            found.setdefault(("id", row.scheme, row.identifier), row)
        names = [key[1] for key in keys if key[0] == NAME_KEY]
        unidentified = Supplier.objects.filter(identifier="", credit_code__isnull=True)
        for row in fetch(unidentified, "name", names):
            found.setdefault((NAME_KEY, row.name), row)
        return found

    def stored_projects(self, processes: list[Process]) -> dict[str, Project]:
        """Load the projects the import will update; raise if one was not imported from OCDS."""
        existing = {row.code: row for row in fetch(Project.all_objects.all(), "code",
                                                   [p.ocid for p in processes])}
        foreign = [code for code, row in existing.items() if row.source != Source.OCDS]
        if foreign:
            raise OcdsImportError([
                _("project code “%(code)s” already belongs to a project that was not imported "
                  "from OCDS; rename that project or leave this process out of the files")
                % {"code": code} for code in foreign])
        return existing

    def save_projects(self, processes: list[Process], existing: dict[str, Project]) -> None:
        plan = Plan(Project)
        for process in processes:
            stored = existing.get(process.ocid)
            values = {**process.project.values, "is_public": self.public, "source": Source.OCDS}
            region = self.region or (None if stored else self.default_region)
            if region is not None:
                values["region_id"] = region.pk
            plan.want(process.ocid, values, stored)
        self.write("project", plan)
        self.projects = cast(dict[str, Project], plan.rows)

    def save_procurements(self, processes: list[Process]) -> None:
        incoming = [(p.ocid, p.procurement) for p in processes if p.procurement is not None]
        project_ids = [self.projects[ocid].pk for ocid, _row in incoming]
        existing = {(row.project_id, row.ocid): row
                    for row in fetch(Procurement.objects.all(), "project_id", project_ids)}
        plan = Plan(Procurement)
        for ocid, row in incoming:
            project_id = self.projects[ocid].pk
            values = {**row.values, "project_id": project_id}
            plan.want(ocid, values, existing.get((project_id, ocid)))
        self.write("procurement", plan)
        self.procurements = cast(dict[str, Procurement], plan.rows)

    def save_bids(self, processes: list[Process]) -> None:
        procurement_ids = [row.pk for row in self.procurements.values()]
        stored = fetch(Bid.objects.all(), "procurement_id", procurement_ids)
        existing = {(row.procurement_id, *key): row
                    for row, key in zip(stored, numbered(b.supplier_id for b in stored), strict=True)}
        plan = Plan(Bid)
        for process in processes:
            if not process.bids:
                continue
            procurement_id = self.procurements[process.ocid].pk
            suppliers = [self.supplier_id(row.supplier) for row in process.bids]
            for row, key in zip(process.bids, numbered(suppliers), strict=True):
                full_key = (procurement_id, *key)
                values = {**row.values, "procurement_id": procurement_id, "supplier_id": key[0]}
                plan.want(full_key, values, existing.get(full_key))
        self.write("bid", plan)

    def save_awards(self, processes: list[Process]) -> dict[tuple[int, str], Award]:
        procurement_ids = [row.pk for row in self.procurements.values()]
        stored = fetch(Award.objects.all(), "procurement_id", procurement_ids)
        existing = {(row.procurement_id, *key): row
                    for row, key in zip(stored, numbered(a.external_id for a in stored), strict=True)}
        links: dict[int, set[int]] = defaultdict(set)
        through = Award.suppliers.through.objects.all()
        for award_id, supplier_id in fetch_values(through, "award_id", [row.pk for row in stored],
                                                  "award_id", "supplier_id"):
            links[award_id].add(supplier_id)

        plan = Plan(Award)
        incoming_links: dict[Any, set[int]] = {}
        for process in processes:
            if not process.awards:
                continue
            procurement_id = self.procurements[process.ocid].pk
            ids = (row.values["external_id"] for row in process.awards)
            for row, key in zip(process.awards, numbered(ids), strict=True):
                full_key = (procurement_id, *key)
                suppliers = {pk for pk in map(self.supplier_id, row.suppliers) if pk is not None}
                stored_row = existing.get(full_key)
                old = links.get(stored_row.pk, set()) if stored_row else set()
                extra = {"suppliers": (old, suppliers)} if stored_row and old != suppliers else None
                plan.want(full_key, {**row.values, "procurement_id": procurement_id},
                          stored_row, extra)
                incoming_links[full_key] = suppliers
        self.write("award", plan)
        self.link_award_suppliers(plan, incoming_links, links)
        by_id: dict[tuple[int, str], Award] = {}
        for stored_award in plan.rows.values():
            award = cast(Award, stored_award)
            by_id.setdefault((award.procurement_id, award.external_id), award)
        return by_id

    def link_award_suppliers(self, plan: Plan, incoming: dict[Any, set[int]],
                             stored: dict[int, set[int]]) -> None:
        """Bring the award–supplier links in line, under one entry naming each change."""
        through = Award.suppliers.through
        added, removed = [], []
        for key, suppliers in incoming.items():
            award = plan.rows[key]
            old = stored.get(award.pk, set())
            added += [(award.pk, supplier) for supplier in sorted(suppliers - old)]
            removed += [(award.pk, supplier) for supplier in sorted(old - suppliers)]
        if not added and not removed:
            return
        for award_id, supplier_id in removed:
            through.objects.filter(award_id=award_id, supplier_id=supplier_id).delete()
        through.objects.bulk_create([through(award_id=a, supplier_id=s) for a, s in added],
                                    batch_size=500)
        chain.append(self.actor, "import", object_type="funds.award_suppliers",
                     changes={"source": "ocds", "files": self.files,
                              "added": added, "removed": removed})

    def save_contracts(self, processes: list[Process], awards: dict[tuple[int, str], Award]) -> None:
        project_ids = [row.pk for row in self.projects.values()]
        stored = fetch(Contract.objects.all(), "project_id", project_ids)
        existing = {(row.project_id, *key): row
                    for row, key in zip(stored, numbered(c.external_id for c in stored), strict=True)}
        plan = Plan(Contract)
        for process in processes:
            project_id = self.projects[process.ocid].pk
            procurement = self.procurements.get(process.ocid)
            ids = (row.values["external_id"] for row in process.contracts)
            for row, key in zip(process.contracts, numbered(ids), strict=True):
                award = awards.get((procurement.pk, row.award_id)) if procurement and row.award_id else None
                full_key = (project_id, *key)
                values = {**row.values, "project_id": project_id,
                          "procurement_id": procurement.pk if procurement else None,
                          "award_id": award.pk if award else None,
                          "supplier_id": self.supplier_id(row.supplier)}
                plan.want(full_key, values, existing.get(full_key))
        self.write("contract", plan)

    def save_payments(self, processes: list[Process]) -> None:
        project_ids = [row.pk for row in self.projects.values()]
        stored = fetch(Disbursement.objects.filter(origin=Source.OCDS), "project_id", project_ids)
        existing = {(row.project_id, *key): row
                    for row, key in zip(stored, numbered(payment_key(row) for row in stored),
                                        strict=True)}
        ledger = self.ledger_payments(processes)
        plan = Plan(Disbursement)
        for process in processes:
            project = self.projects[process.ocid]
            flags = self.exceeds_arrived(project, process)
            keys = (payment_key(row.values) for row in process.payments)
            for row, key, flag in zip(process.payments, numbered(keys), flags, strict=True):
                if (project.pk, row.values["external_id"]) in ledger:
                    plan.unchanged += 1
                    continue
                full_key = (project.pk, *key)
                supplier_id = self.supplier_id(row.supplier)
                values = {**row.values, "project_id": project.pk, "origin": Source.OCDS,
                          "supplier_id": supplier_id,
                          "payee_is_person": supplier_id is None,
                          "payee_credit_code": self.credit_codes.get(supplier_id, ""),
                          "exceeds_arrived": flag}
                plan.want(full_key, values, existing.get(full_key))
        self.write("disbursement", plan)

    def ledger_payments(self, processes: list[Process]) -> set[tuple[int, str]]:
        """Return (project, transaction id) of exported ledger payments that still exist.

        The import leaves these rows as staff entered them instead of adding
        them a second time as OCDS payments.
        """
        referenced: dict[int, int] = {}
        for process in processes:
            for row in process.payments:
                number = row.values["external_id"].removeprefix(LEDGER_PAYMENT_PREFIX)
                if row.values["external_id"].startswith(LEDGER_PAYMENT_PREFIX) and number.isdigit():
                    referenced[int(number)] = self.projects[process.ocid].pk
        ledger = Disbursement.objects.exclude(origin=Source.OCDS)
        return {(project_id, f"{LEDGER_PAYMENT_PREFIX}{pk}")
                for pk, project_id in fetch_values(ledger, "pk", referenced, "pk", "project_id")
                if referenced[pk] == project_id}

    def exceeds_arrived(self, project: Project, process: Process) -> list[bool]:
        """Flag payments that take the running total past the arrived funds.

        OCDS carries no record of funds arriving, so a project without any
        allocation is not flagged: flagging would mark every payment. A
        payment in another currency than the project's is neither added nor
        flagged, because the arrived funds are a sum in the project's currency.
        """
        if project.pk not in self.allocated_projects:
            return [False] * len(process.payments)
        running = self.other_paid.get(project.pk, Decimal(0))
        order = sorted(range(len(process.payments)),
                       key=lambda i: (process.payments[i].values["paid_on"], i))
        flags = [False] * len(process.payments)
        for index in order:
            payment = process.payments[index].values
            if payment["currency"] != project.currency:
                continue
            running += payment["amount"]
            flags[index] = running > project.arrived_total
        return flags

    @cached_property
    def allocated_projects(self) -> set[int]:
        ids = [row.pk for row in self.projects.values()]
        return {pk for (pk,) in fetch_values(Allocation.objects.all(), "project_id", ids,
                                             "project_id")}

    @cached_property
    def other_paid(self) -> dict[int, Decimal]:
        """Return the sum of each allocated project's payments that did not come from OCDS.

        Only payments in the project's currency count, as in the project's totals.
        """
        others = (Disbursement.objects.exclude(origin=Source.OCDS)
                  .filter(currency=F("project__currency")).values("project_id")
                  .annotate(total=Sum("amount")))
        return dict(fetch_values(others, "project_id", self.allocated_projects,
                                 "project_id", "total"))

    @cached_property
    def credit_codes(self) -> dict[int | None, str]:
        coded = Supplier.objects.filter(credit_code__isnull=False)
        return dict(fetch_values(coded, "pk", self.suppliers.values(), "pk", "credit_code"))

    def supplier_id(self, key: OrgKey | None) -> int | None:
        return self.suppliers.get(key) if key else None


def payment_key(row: Any) -> tuple:
    """Return the matching key of a payment: its transaction id, else its date, amount and payee."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    if get("external_id"):
        return (get("external_id"),)
    return ("", get("paid_on"), get("amount"), get("payee_name"))
