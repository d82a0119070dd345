"""Who may see a petition, act on it, and read the reporter's identity.

Every list, detail page, search, export, API endpoint and admin page loads
petitions through ``visible_petitions`` or ``get_visible_petition``.

Rules:
- Suggestions and requests follow the ordinary scope (``scope_for``): the
  region subtree of the user's units, plus petitions assigned to a unit in
  the user's unit subtree.
- A report (检举控告) is seen only by discipline inspectors whose region
  covers it, by staff of the unit handling it, and by superusers; limiting
  who knows follows the commission rules on reports (2020) art. 15.
- The firewall: a report is never visible to the person it accuses, nor to
  anyone assigned to the accused unit or a unit inside it, leaders
  included (Petition Work Regulation art. 30 para. 3, commission rules
  art. 47). A report accuses its target unit, each person it names and
  their units, and the owner unit and responsible person of its target
  project.
  The firewall also applies to superusers.
- The reporter's name and phone are revealed only to an inspector whose
  region covers the petition and who handles it (the designated handler,
  or an inspector of the handling unit). Every reveal is audited.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.organisation.models import Assignment, Person, Role
from sunshine.organisation.scoping import Scope, scope_for
from sunshine.petitions.models import FurtherTargetPerson, Kind, Petition

LEADER_ROLES = (Role.LEADER, Role.ADMINISTRATOR)
HANDLING_ROLES = (Role.OPERATOR, Role.LEADER, Role.ADMINISTRATOR, Role.INSPECTOR)


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def units_of(user: Any, roles=None) -> list:
    assignments = Assignment.objects.filter(user=user).select_related("unit", "unit__region")
    if roles is not None:
        assignments = assignments.filter(role__in=roles)
    return [a.unit for a in assignments]


def inspector_scope(user: Any) -> Scope:
    """Return the region scope of the user's discipline-inspector assignments."""
    units = units_of(user, roles=[Role.INSPECTOR])
    return Scope(region_paths=tuple(sorted({u.region.path for u in units})))


def _containing_unit_ids(user: Any) -> set[int]:
    """Return the ids of the user's units and of every unit above them."""
    units = units_of(user)
    person = Person.objects.filter(user=user).select_related("unit").first()
    if person is not None:
        units.append(person.unit)
    return {int(part) for unit in units for part in unit.path.strip("/").split("/") if part}


def firewall_condition(user: Any) -> Q:
    """Return the condition matching reports that accuse ``user`` or a unit they belong to."""
    unit_ids = _containing_unit_ids(user)
    further = FurtherTargetPerson.objects.filter(
        Q(person__unit_id__in=unit_ids) | Q(person__user=user), petition=OuterRef("pk"))
    accused = (
        Q(target_unit_id__in=unit_ids)
        | Q(target_person__unit_id__in=unit_ids)
        | Q(target_project__owner_unit_id__in=unit_ids)
        | Q(target_person__user=user)
        | Q(target_project__responsible_person__user=user)
        | Q(Exists(further))
    )
    return Q(kind=Kind.ACCUSATION) & accused


def would_accuse(user: Any, *, target_unit=None, target_person=None, target_project=None,
                 further_persons: Sequence[Person] = ()) -> bool:
    """Return whether a report with these targets would accuse ``user``.

    It applies the rules of ``firewall_condition`` to targets that are not
    saved yet, when staff enter a report.
    """
    unit_ids = _containing_unit_ids(user)
    persons = [p for p in [target_person, *further_persons] if p is not None]
    return any((
        target_unit is not None and target_unit.pk in unit_ids,
        any(p.unit_id in unit_ids or p.user_id == user.pk for p in persons),
        target_project is not None and (
            target_project.owner_unit_id in unit_ids
            or (target_project.responsible_person is not None
                and target_project.responsible_person.user_id == user.pk)),
    ))


def check_clerk_not_accused(user: Any, kind: str, **targets: Any) -> None:
    """Raise ValidationError when ``user`` would enter a report that accuses them or their unit.

    The clerk would see the receipt, and with it the report's progress.
    ``targets`` are the keyword arguments of ``would_accuse``.
    """
    if kind == Kind.ACCUSATION and user is not None and would_accuse(user, **targets):
        raise ValidationError(_(
            "This report concerns you or your unit, so you may not enter it; refer the "
            "reporter to the discipline inspection commission."), code="accuses_clerk")


def _unit_paths_condition(paths) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(assigned_unit__path__startswith=path)
    return condition


def visible_petitions(user: Any) -> QuerySet:
    """Return the petitions ``user`` may see, with the report firewall applied."""
    petitions = Petition.all_objects.all()
    if not _active(user):
        return petitions.none()

    general = scope_for(user)
    if user.is_superuser:
        reports = Q()
    else:
        own_units = _unit_paths_condition({u.path for u in units_of(user, HANDLING_ROLES)})
        reports = inspector_scope(user).condition(Petition) | own_units
    others = Q() if general.everything else general.condition(Petition)

    allowed = (Q(kind=Kind.ACCUSATION) & reports) | (~Q(kind=Kind.ACCUSATION) & others)
    return petitions.filter(allowed).exclude(firewall_condition(user))


def accusing(user: Any) -> QuerySet:
    """Return the reports that accuse the user, which no page may show them, admin included."""
    return Petition.all_objects.filter(firewall_condition(user))


def is_firewalled(user: Any, petition: Petition) -> bool:
    if not _active(user):
        return False
    return accusing(user).filter(pk=petition.pk).exists()


def can_see(user: Any, petition: Petition) -> bool:
    """Return whether the petition is among ``visible_petitions(user)``."""
    return visible_petitions(user).filter(pk=petition.pk).exists()


def get_visible_petition(user: Any, **lookup) -> Petition:
    """Load one petition for a staff user, or raise Http404.

    A petition that does not exist, one outside the user's scope and a
    report accusing the user all get the same 404. Petition ids are
    sequential and public through Open311, so a different response for an
    accusation would tell the accused unit that one was filed, and when.
    """
    petition = Petition.all_objects.filter(**lookup).first()
    if (petition is None or is_firewalled(user, petition)
            or not can_see(user, petition)):
        raise Http404(_("No petition matches this address."))
    return petition


def can_handle(user: Any, petition: Petition) -> bool:
    """Return whether ``user`` may take workflow steps on the petition."""
    if not _active(user) or is_firewalled(user, petition):
        return False
    if user.is_superuser:
        return True
    if petition.is_accusation:
        if inspector_scope(user).contains(petition):
            return True
        return in_unit_subtree(petition, units_of(user, HANDLING_ROLES))
    return scope_for(user, write=True).contains(petition)


def can_approve(user: Any, petition: Petition) -> bool:
    """Return whether ``user`` leads the handling unit or a unit above it (art. 34 approval)."""
    if not _active(user) or is_firewalled(user, petition):
        return False
    if user.is_superuser:
        return True
    return in_unit_subtree(petition, units_of(user, LEADER_ROLES))


def in_unit_subtree(petition: Petition, units) -> bool:
    unit = petition.assigned_unit
    return unit is not None and any(unit.path.startswith(u.path) for u in units)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not act on this petition."))


def can_reveal_reporter(user: Any, petition: Petition) -> bool:
    """Return whether ``user`` is an inspector in scope who handles the petition."""
    if not _active(user) or is_firewalled(user, petition):
        return False
    if not inspector_scope(user).contains(petition):
        return False
    if petition.handler_id == user.pk:
        return True
    inspector_units = {u.pk for u in units_of(user, roles=[Role.INSPECTOR])}
    return petition.assigned_unit_id in inspector_units


def reveal_reporter(user: Any, petition: Petition) -> dict[str, str]:
    """Return the reporter's name and phone, recording the view in the audit chain.

    Raises PermissionDenied for anyone but a handling inspector in scope.
    """
    if not can_reveal_reporter(user, petition):
        raise PermissionDenied(
            _("Only the discipline inspector handling this petition may see who filed it.")
        )
    with transaction.atomic():
        chain.append(user, "view_personal", object_type="petitions.petition",
                     object_id=str(petition.pk), changes={"field": "reporter"})
    return petition.decrypt_reporter()
