"""The one place that decides which rows a staff user may see and change.

A user's scope is the union, over their role assignments, of the region
subtree of the assigned unit's region and the unit subtree of the unit. A
county operator sees the whole county; a township operator sees the
township and its villages, never a sibling township. Superusers and
administrators of the city see everything.

Web views, the API, exports and the admin all filter through ``scope_for``.
A model says how its rows reach a region and a unit with the attributes
``scope_region`` and ``scope_unit`` (lookup paths such as
``"project__region"``).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from sunshine.organisation.models import Assignment, Level, Region, Role

EDIT_ROLES = frozenset({Role.OPERATOR, Role.LEADER, Role.ADMINISTRATOR})
READ_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_paths: tuple[str, ...] = ()
    unit_paths: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.everything or self.region_paths or self.unit_paths)

    def condition(self, model: type[Model]) -> Q:
        """Return the filter that keeps rows of ``model`` inside this scope."""
        region = getattr(model, "scope_region", None)
        unit = getattr(model, "scope_unit", None)
        if region is None:
            raise TypeError(f"{model.__name__} has no scope_region; it cannot be scoped")
        condition = Q(pk__in=[])
        prefix = "" if region == "self" else f"{region}__"
        for path in self.region_paths:
            condition |= Q(**{f"{prefix}path__startswith": path})
        for path in self.unit_paths if unit else ():
            condition |= Q(**{f"{unit}__path__startswith": path})
        return condition

    def filter(self, queryset: QuerySet) -> QuerySet:
        if self.everything:
            return queryset
        if self.empty:
            return queryset.none()
        return queryset.filter(self.condition(queryset.model))

    def contains(self, instance: Model) -> bool:
        if self.everything:
            return True
        model = type(instance)
        return model._base_manager.filter(pk=instance.pk).filter(self.condition(model)).exists()

    def contains_region(self, region) -> bool:
        return self.everything or any(region.path.startswith(p) for p in self.region_paths)


def scope_for(user: Any, *, write: bool = False) -> Scope:
    """Return the rows ``user`` may read, or change when ``write`` is true."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cache_name = "_sunshine_write_scope" if write else "_sunshine_read_scope"
    cached = getattr(user, cache_name, None)
    if cached is not None:
        return cached
    roles = EDIT_ROLES if write else READ_ROLES
    assignments = Assignment.objects.filter(user=user, role__in=roles).select_related(
        "unit", "unit__region"
    )
    regions, units, everything = [], [], False
    for assignment in assignments:
        region = assignment.unit.region
        if assignment.role == Role.ADMINISTRATOR and region.level == Level.CITY:
            everything = True
        regions.append(region.path)
        units.append(assignment.unit.path)
    scope = Scope(everything, tuple(sorted(set(regions))), tuple(sorted(set(units))))
    setattr(user, cache_name, scope)
    return scope


def scoped(queryset: QuerySet, user: Any, *, write: bool = False) -> QuerySet:
    return scope_for(user, write=write).filter(queryset)


def region_in_scope(user: Any, code: str) -> Region:
    """Return the region of ``code`` that ``user`` may read.

    Raises ValidationError when the code is unknown or outside the scope,
    naming a code the user may use: the widest region of their scope.
    """
    region = Region.objects.filter(code=code).first()
    if region is not None and scope_for(user).contains_region(region):
        return region
    example = widest_region_code(user)
    if example is None:
        raise ValidationError(
            _("Region code “%(value)s” is outside your scope, and your account has no region "
              "yet; ask an administrator to assign you to a unit.") % {"value": code},
            code="unknown_region")
    raise ValidationError(
        _("Region code “%(value)s” is unknown or outside your scope; use the code of a region "
          "you may read, such as your own, %(example)s.") % {"value": code, "example": example},
        code="unknown_region")


def widest_region_code(user: Any) -> str | None:
    """Return the code of the widest region ``user`` may read, or None with an empty scope."""
    scope = scope_for(user)
    if scope.everything:
        return Region.objects.filter(level=Level.CITY).order_by("code").values_list(
            "code", flat=True).first()
    if not scope.region_paths:
        return None
    return min(scope.region_paths, key=len).rstrip("/").rsplit("/", 1)[-1]


def is_staff_user(user: Any) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or Assignment.objects.filter(user=user).exists())
    )
