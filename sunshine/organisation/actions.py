"""Audited changes to units and people, and the region loader."""

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from sunshine.audit import chain
from sunshine.lib.identifiers import normalize_id_number
from sunshine.organisation.models import Level, Person, Region, Unit, UserPreference

DATA_DIR = Path(__file__).resolve().parent / "data" / "taizhou"
CITY_CODE = "331000"
CITY_NAME = "台州市"


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_regions(actor: Any = None) -> dict[str, int]:
    """Load or refresh the Taizhou divisions from the bundled CSV files.

    Idempotent: existing codes are updated in place and counted as unchanged
    when nothing differs. Returns the number of new and updated regions.
    """
    rows: list[tuple[str, str, str, str | None, bool]] = [
        (CITY_CODE, CITY_NAME, Level.CITY, None, True)
    ]
    rows += [(r["code"], r["name"], Level.COUNTY, CITY_CODE, True) for r in _read("counties.csv")]
    # Township codes 400-599 are statistical units such as farms and
    # development zones, not statutory townships (GB/T 10114).
    rows += [
        (r["code"], r["name"], Level.TOWNSHIP, r["areaCode"], not "400" <= r["code"][6:9] <= "599")
        for r in _read("townships.csv")
    ]
    rows += [(r["code"], r["name"], Level.VILLAGE, r["streetCode"], True) for r in _read("villages.csv")]

    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    with transaction.atomic():
        paths: dict[str, str] = {}
        for code, name, level, parent, statutory in rows:
            path = f"{paths[parent] if parent else ''}{code}/"
            paths[code] = path
            region = existing.get(code)
            values = {"name": name, "level": level, "parent_id": parent, "path": path,
                      "is_statutory": statutory}
            if region is None:
                Region.objects.create(code=code, **values)
                created += 1
            elif any(getattr(region, k) != v for k, v in values.items()):
                Region.objects.filter(code=code).update(**values)
                updated += 1
        if created or updated:
            chain.append(actor, "load_regions", object_type="organisation.region",
                         changes={"created": created, "updated": updated})
    return {"created": created, "updated": updated}


def create_unit(actor: Any, *, name: str, kind: str, region: Region, parent: Unit | None = None) -> Unit:
    with transaction.atomic():
        unit = Unit.objects.create(name=name, kind=kind, region=region, parent=parent, path="")
        unit.path = unit.compute_path()
        unit.save(update_fields=["path"])
        chain.append(actor, "create", object_type="organisation.unit", object_id=str(unit.pk),
                     changes={"name": name, "kind": kind, "region": region.pk,
                              "parent": parent.pk if parent else None})
    return unit


def create_person(actor: Any, *, name: str, unit: Unit, post: str = "", phone: str = "",
                  zzd_account_id: str = "", id_number: str = "", user=None) -> Person:
    """Create a cadre; the ID number is validated (GB 11643) and stored encrypted."""
    person = Person(name=name, unit=unit, post=post, phone=phone, zzd_account_id=zzd_account_id,
                    user=user)
    if id_number:
        person.set_id_number(normalize_id_number(id_number))
    with transaction.atomic():
        person.save()
        chain.append(actor, "create", object_type="organisation.person", object_id=str(person.pk),
                     changes={"name": name, "unit": unit.pk, "post": post,
                              "zzd_account_id": zzd_account_id,
                              "id_number": person.id_number_masked})
    return person


def reveal_id_number(actor: Any, person: Person) -> str:
    """Return a person's full ID number and record who looked at it."""
    with transaction.atomic():
        chain.append(actor, "view_personal", object_type="organisation.person",
                     object_id=str(person.pk), changes={"field": "id_number"})
    return person.reveal_id_number()


def set_language(user: Any, language: str) -> UserPreference:
    """Store ``language`` as the user's language for notifications.

    Raises ValueError unless ``language`` is one of ``settings.LANGUAGES``.
    The preference is the user's own display choice, like the language
    cookie, so no audit entry is written.
    """
    codes = dict(settings.LANGUAGES)
    if language not in codes:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(codes)}")
    preference, _created = UserPreference.objects.update_or_create(
        user=user, defaults={"language": language})
    return preference
