"""Finding the unit that handles a petition, and the units a report accuses."""

from sunshine.organisation.models import Level, Region, Unit, UnitKind

# From the top of the region tree down.
LEVEL_ORDER: list[str] = [Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


def accused_units(petition) -> list[Unit]:
    """Return the units a report accuses: its target unit, the target person's unit
    and the target project's owner unit. Other kinds accuse no one."""
    if not petition.is_accusation:
        return []
    units = [petition.target_unit]
    if petition.target_person is not None:
        units.append(petition.target_person.unit)
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
    above its region that it does not accuse, whatever its category.

    Other petitions, and reports where no such commission exists, follow
    their category. Routing starts at the region's ancestor at the
    category's level and moves up until a unit of the category's kind
    exists. Units that the petition accuses are skipped.
    """
    if petition.is_accusation:
        unit = _nearest_unit(petition, petition.region, UnitKind.COMMISSION)
        if unit is not None:
            return unit
    category = petition.category
    if not category.route_unit_kind:
        return None
    start = _start_region(petition.region, category.route_level)
    return _nearest_unit(petition, start, category.route_unit_kind)


def _nearest_unit(petition, start: Region, kind: str) -> Unit | None:
    """Return the first unit of ``kind`` up the region tree that the petition does not accuse."""
    node: Region | None = start
    while node is not None:
        candidates = Unit.objects.filter(region=node, kind=kind).order_by("pk")
        for unit in candidates:
            if not is_accused_unit(petition, unit):
                return unit
        node = node.parent
    return None
