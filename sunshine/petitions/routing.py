"""Finding the unit that handles a petition, and the units a report accuses."""

from collections.abc import Iterator

from sunshine.organisation.models import Level, Region, Unit, UnitKind

# From the top of the region tree down.
LEVEL_ORDER: list[str] = [Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


def accused_units(petition) -> list[Unit]:
    """Return the units a report accuses: its target unit, the units of the persons it
    concerns and the target project's owner unit. Other kinds accuse no one."""
    if not petition.is_accusation:
        return []
    units = [petition.target_unit]
    units.extend(person.unit for person in petition.persons_concerned)
    if petition.target_project is not None:
        units.append(petition.target_project.owner_unit)
    return [unit for unit in units if unit is not None]


def is_accused_unit(petition, unit: Unit) -> bool:
    """Return whether ``unit`` is an accused unit or lies inside one."""
    return any(unit.path.startswith(accused.path) for accused in accused_units(petition))


def _start_region(region: Region, level: str) -> Region:
    """Return the ancestor of ``region`` at ``level``, or ``region`` when it is already above it."""
    if not level or LEVEL_ORDER.index(region.level) <= LEVEL_ORDER.index(level):
        return region
    node = region
    while node.parent is not None and node.level != level:
        node = node.parent
    return node


def route(petition) -> Unit | None:
    """Return the unit that handles the petition, or None when no unit matches.

    Discipline inspection bodies handle reports (检举控告), and only their
    users may see a reporter. So a report goes to the nearest commission
    that it does not accuse, whatever its category, in the nearest region
    that contains both its own region and the regions of the units it
    accuses: a county commission does not handle a report on a city
    government or its officials, which the city manages (cadre management
    authority, 干部管理权限). When it accuses every commission on the
    platform above that region, it is left unassigned for the office to
    pass on.

    Other petitions, and reports where no commission exists above their
    region, follow their category. Routing starts at the region's ancestor
    at the category's level and moves up until a unit of the category's
    kind exists. Units that the petition accuses are skipped.
    """
    if petition.is_accusation:
        start = _containing(petition.region, [unit.region for unit in accused_units(petition)])
        commissions = list(_units_up(start, UnitKind.COMMISSION))
        if commissions:
            return next((u for u in commissions if not is_accused_unit(petition, u)), None)
    category = petition.category
    if not category.route_unit_kind:
        return None
    start = _start_region(petition.region, category.route_level)
    return next((u for u in _units_up(start, category.route_unit_kind)
                 if not is_accused_unit(petition, u)), None)


def _containing(region: Region, others: list[Region]) -> Region:
    """Return ``region``, or its nearest ancestor whose subtree contains every one of ``others``."""
    node = region
    while node.parent is not None and not all(other.path.startswith(node.path)
                                              for other in others):
        node = node.parent
    return node


def commission_above(region: Region) -> bool:
    """Return whether a discipline inspection commission works in the region or above it."""
    return next(_units_up(region, UnitKind.COMMISSION), None) is not None


def _units_up(start: Region, kind: str) -> Iterator[Unit]:
    """Yield the units of ``kind`` in ``start`` and then in each region above it, nearest first."""
    node: Region | None = start
    while node is not None:
        yield from Unit.objects.filter(region=node, kind=kind).order_by("pk")
        node = node.parent
