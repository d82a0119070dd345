"""Demo suppliers: contractors, designers, supervisors and traders in every county."""

import random
from dataclasses import dataclass, field
from typing import Any

from sunshine.demo import bulk, codes, names
from sunshine.demo.organisation import Organisation
from sunshine.funds.models import Supplier

# How many suppliers of each trade a county has, before scaling with the
# number of projects.
TRADE_COUNTS = {"construction": 5, "design": 2, "supervision": 2, "materials": 2, "labour": 1}
PROJECTS_PER_EXTRA_CONTRACTOR = 60


@dataclass
class SupplierPool:
    by_county: dict[str, dict[str, list[Supplier]]] = field(default_factory=dict)

    def pick(self, rng: random.Random, county_code: str, trade: str) -> Supplier:
        """Pick a supplier; earlier ones in the list win more often, as incumbents do."""
        suppliers = self.by_county[county_code][trade]
        weights = [1 / (rank + 1) for rank in range(len(suppliers))]
        return rng.choices(suppliers, weights=weights)[0]


def build_suppliers(
    actor: Any, rng: random.Random, organisation: Organisation, project_count: int
) -> SupplierPool:
    pool = SupplierPool()
    used_names: set[str] = set()
    used_codes: set[str] = set()
    extra = project_count // PROJECTS_PER_EXTRA_CONTRACTOR // max(len(organisation.counties), 1)
    for county in organisation.counties:
        townships = [t.region.name for t in organisation.townships if t.county is county]
        trades: dict[str, list[Supplier]] = {}
        for trade, count in TRADE_COUNTS.items():
            suffixes = [suffix for suffix, kind in names.COMPANY_TRADES if kind == trade]
            trades[trade] = [
                _company(rng, county, townships, rng.choice(suffixes), used_names, used_codes)
                for _ in range(count + (extra if trade == "construction" else 0))
            ]
        trades["materials"].append(_sole_trader(rng, county, townships, used_names, used_codes))
        pool.by_county[county.region.code] = trades

    rows = [s for trades in pool.by_county.values() for group in trades.values() for s in group]
    bulk.insert_audited(actor, rows)
    return pool


def _unique_code(rng: random.Random, address_code: str, kind: str, used: set[str]) -> str:
    code = codes.credit_code(rng, address_code, kind)
    while code in used:
        code = codes.credit_code(rng, address_code, kind)
    used.add(code)
    return code


def _company(rng, county, townships, suffix, used_names, used_codes) -> Supplier:
    name = names.company_name(rng, county.short_name, suffix)
    while name in used_names:
        name = names.company_name(rng, county.short_name, suffix)
    used_names.add(name)
    return Supplier(
        name=name,
        credit_code=_unique_code(rng, county.region.code, codes.COMPANY, used_codes),
        legal_representative=names.person_name(rng, male=rng.random() < 0.8),
        address=names.street_address(rng, county.region.name, rng.choice(townships)),
        phone=codes.landline_phone(rng),
        country="中国",
    )


def _sole_trader(rng, county, townships, used_names, used_codes) -> Supplier:
    """A registered sole trader (个体工商户): credit code kind 92, named after its owner."""
    owner = names.person_name(rng, male=True)
    township = rng.choice(townships)
    name = f"{county.region.name}{township}{owner}建材经营部"
    while name in used_names:
        owner = names.person_name(rng, male=True)
        name = f"{county.region.name}{township}{owner}建材经营部"
    used_names.add(name)
    return Supplier(
        name=name,
        credit_code=_unique_code(rng, county.region.code, codes.SOLE_TRADER, used_codes),
        legal_representative=owner,
        address=names.street_address(rng, county.region.name, township),
        phone=codes.mobile_phone(rng),
        country="中国",
    )
