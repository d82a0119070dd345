"""Database rows a ledger import checks against, loaded once into dicts.

Row checks then run without queries: regions by code, units by name, the
projects the workbook names, and which of them the importing user may change.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sunshine.funds.models import CNY, Project
from sunshine.organisation.models import Level, Region, Unit
from sunshine.organisation.scoping import Scope

QUERY_CHUNK = 1000


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    path: str
    # The county's code, or the region's own code when it is the city:
    # owner units are looked up by name under this region.
    unit_root: str


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    name: str
    path: str
    region_path: str


@dataclass(frozen=True)
class ExistingProject:
    pk: int
    code: str
    region_path: str
    unit_path: str
    currency: str
    writable: bool


@dataclass
class Lookups:
    scope: Scope
    regions: dict[str, RegionInfo] = field(default_factory=dict)
    units_by_name: dict[str, list[UnitInfo]] = field(default_factory=dict)
    projects: dict[str, ExistingProject] = field(default_factory=dict)

    def load(self, project_codes: Iterable[str]) -> "Lookups":
        self.regions = load_regions()
        self.units_by_name = load_units()
        self.projects = load_projects(set(project_codes), self.scope)
        return self

    def may_write(self, region_path: str, unit_path: str) -> bool:
        """Return whether a project at this region and owner unit is in the write scope.

        This applies ``Scope.condition`` to a row that is not in the
        database yet: the region's subtree or the owner unit's subtree must
        be covered.
        """
        scope = self.scope
        if scope.everything:
            return True
        if any(region_path.startswith(path) for path in scope.region_paths):
            return True
        return bool(unit_path) and any(unit_path.startswith(path) for path in scope.unit_paths)

    def find_units(self, name: str, region: RegionInfo) -> list[UnitInfo]:
        """Return the units called ``name`` under the region's county, nearest first.

        A unit whose region contains the project's region ranks first, so a
        township office wins over a namesake in another township.
        """
        root_path = self.regions[region.unit_root].path
        candidates = [u for u in self.units_by_name.get(name, ()) if u.region_path.startswith(root_path)]
        above = [u for u in candidates if region.path.startswith(u.region_path)]
        if above:
            deepest = max(len(u.region_path) for u in above)
            return [u for u in above if len(u.region_path) == deepest]
        return candidates


def load_regions() -> dict[str, RegionInfo]:
    regions = {}
    for code, name, path, level in Region.objects.values_list("code", "name", "path", "level"):
        parts = path.strip("/").split("/")
        root = code if level == Level.CITY or len(parts) < 2 else parts[1]
        regions[code] = RegionInfo(code, name, path, root)
    return regions


def load_units() -> dict[str, list[UnitInfo]]:
    units: dict[str, list[UnitInfo]] = defaultdict(list)
    for pk, name, path, region_path in Unit.objects.values_list("pk", "name", "path", "region__path"):
        units[name].append(UnitInfo(pk, name, path, region_path))
    return dict(units)


def load_projects(codes: set[str], scope: Scope) -> dict[str, ExistingProject]:
    """Return the projects with these codes, each marked with whether ``scope`` may change it."""
    found: dict[str, ExistingProject] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), QUERY_CHUNK):
        chunk = ordered[start:start + QUERY_CHUNK]
        rows = Project.all_objects.filter(code__in=chunk)
        writable = set(scope.filter(rows).values_list("pk", flat=True))
        for pk, code, region_path, unit_path, currency in rows.values_list(
            "pk", "code", "region__path", "owner_unit__path", "currency"
        ):
            found[code] = ExistingProject(pk, code, region_path, unit_path or "",
                                          currency or CNY, pk in writable)
    return found
