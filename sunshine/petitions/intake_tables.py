"""Per-process copies of the categories and regions a citizen's report may name.

``deferred_intake`` checks a report against them without a query. Saving
or deleting a category marks the copy (``signals``); the regions change
only when ``load_regions`` runs, and the copy follows within a second.
"""

from django.db.models import Count, Max

from sunshine.lib.table_copy import TableCopy
from sunshine.organisation.models import Level, Region
from sunshine.petitions.models import Category


def _load_categories() -> dict[str, tuple[int, str]]:
    return {code: (pk, kind) for pk, code, kind
            in Category.public_objects.values_list("pk", "code", "default_kind")}


def _category_generation() -> tuple:
    return tuple(Category.objects.aggregate(count=Count("id"),
                                            last=Max("audit_entry_id")).values())


def _load_regions() -> frozenset[str]:
    return frozenset(Region.objects.current().filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
                     .values_list("code", flat=True))


def _region_generation() -> tuple:
    return tuple(Region.objects.current().aggregate(count=Count("code"),
                                                    changed=Max("effective_from")).values())


# Public category code -> (id, default kind).
categories: TableCopy[dict[str, tuple[int, str]]] = TableCopy(_load_categories,
                                                              _category_generation)
# Codes of the current counties and townships, as ``forms.intake_regions``.
regions: TableCopy[frozenset[str]] = TableCopy(_load_regions, _region_generation)
