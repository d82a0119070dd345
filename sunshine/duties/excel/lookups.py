"""Finding the units, people and regions a duty workbook names, and writing those names back."""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from sunshine.duties.formats import split_unit_reference, unit_reference
from sunshine.lib.cells import CellError
from sunshine.organisation.models import Person, Region, Unit
from sunshine.organisation.scoping import Scope

PERSON_NUMBER = re.compile(r"(.+?)\s*#(\d+)")


class Lookups:
    """Every unit and region loaded once; people are looked up per lead unit."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.units = list(Unit.objects.select_related("region"))
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            self.by_name[unit.name].append(unit)
        self.regions: dict[str, Region] = {}

    def region(self, code: str) -> Region:
        if code not in self.regions:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise CellError(_("Region code “%(value)s” does not exist; use a statistical "
                                  "code such as 331002") % {"value": code})
            self.regions[code] = region
        return self.regions[code]

    def unit(self, text: str) -> Unit:
        name, code = split_unit_reference(text)
        candidates = [u for u in self.by_name.get(name, []) if code is None or u.region_id == code]
        if not candidates:
            raise CellError(_("No unit is called “%(value)s”; write the unit's full name as the "
                              "system lists it") % {"value": text})
        if len(candidates) > 1:
            raise CellError(_("Several units are called “%(value)s”; add the region code in "
                              "brackets, e.g. %(example)s")
                            % {"value": text, "example": unit_reference(
                                name, candidates[0].region_id, qualified=True)})
        return candidates[0]

    def writable_unit(self, text: str) -> Unit:
        unit = self.unit(text)
        if not self.scope.contains_region(unit.region):
            raise CellError(_("%(unit)s is outside the regions and units you may change")
                            % {"unit": unit.name})
        return unit

    def person(self, text: str, unit: Unit) -> Person:
        """Return the person of ``unit`` or a unit below it called ``text`` (or 姓名#编号)."""
        match = PERSON_NUMBER.fullmatch(text)
        name, number = (match[1], int(match[2])) if match else (text, None)
        people = Person.objects.filter(unit__path__startswith=unit.path, name=name)
        if number is not None:
            people = people.filter(pk=number)
        found = list(people[:2])
        if not found:
            raise CellError(_("No person called “%(value)s” works in %(unit)s; add the person "
                              "under People first") % {"value": text, "unit": unit.name})
        if len(found) > 1:
            raise CellError(_("Several people called “%(value)s” work in %(unit)s; add # and the "
                              "person's number, e.g. %(example)s")
                            % {"value": text, "unit": unit.name,
                               "example": f"{name}#{found[0].pk}"})
        return found[0]


def unit_text(unit: Unit | None, counts: dict[str, int]) -> str:
    """Return the name a workbook uses for ``unit``; ``counts`` is units per name."""
    if unit is None:
        return ""
    return unit_reference(unit.name, unit.region_id, qualified=counts.get(unit.name, 0) > 1)


def unit_name_counts() -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for name in Unit.objects.values_list("name", flat=True):
        counts[name] += 1
    return counts


def person_text(person: Person | None, ambiguous: bool) -> str:
    """Return the name a workbook uses for ``person``: 姓名, or 姓名#编号 when ``ambiguous``."""
    if person is None:
        return ""
    return f"{person.name}#{person.pk}" if ambiguous else person.name
