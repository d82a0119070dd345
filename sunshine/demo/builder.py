"""Build the demo data set: Taizhou units, cadres, accounts, projects, real OCDS samples,
petitions and the execution side (directives, duty lists, tasks and progress).

Each stage draws from its own generator seeded with the seed and the stage
name, so the same seed always yields the same rows, and a change to one
stage does not reshuffle the others.
"""

import datetime
import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from sunshine.demo.disposals import build_disposals
from sunshine.demo.duties import build_duties
from sunshine.demo.organisation import (
    CITY_CODE,
    DOCUMENTED_USERNAMES,
    DemoAccount,
    build_organisation,
)
from sunshine.demo.petitions import build_petitions
from sunshine.demo.projects import build_projects
from sunshine.demo.suppliers import build_suppliers
from sunshine.funds.models import Project
from sunshine.organisation.actions import load_regions
from sunshine.organisation.models import Region, Unit

logger = logging.getLogger(__name__)

OCDS_DIR = Path(__file__).resolve().parent.parent / "funds" / "data" / "ocds"
DISPOSALS_PER_PROJECT = 8


@dataclass(frozen=True)
class Size:
    projects: int
    villages_per_township: int


def size_for(projects: int) -> Size:
    """Sample one more village per township for every 300 projects, up to six."""
    return Size(projects=projects, villages_per_township=max(1, min(6, 1 + projects // 300)))


SIZES = {"small": size_for(60), "default": size_for(900), "large": size_for(5000)}


@dataclass
class DemoResult:
    seed: int
    projects: int
    disposals: int
    accounts: list[DemoAccount]
    staff_count: int
    ocds: Any


class DemoDataExists(Exception):
    """Raised when the database already contains rows the demo would create again."""


def has_projects() -> bool:
    return Project.all_objects.exists()


def check_empty(usernames: list[str]) -> None:
    """Raise DemoDataExists when demo units or accounts are already in the database."""
    if Unit.objects.filter(region_id=CITY_CODE, name="台州市人民政府").exists():
        raise DemoDataExists("unit 台州市人民政府")
    taken = get_user_model().objects.filter(username__in=usernames).values_list(
        "username", flat=True
    )
    if taken:
        raise DemoDataExists(f"user {sorted(taken)[0]}")


def stage_rng(seed: int, stage: str) -> random.Random:
    return random.Random(f"{seed}:{stage}")


def build_demo(*, seed: int, size: Size, actor: Any = None,
               today: datetime.date | None = None) -> DemoResult:
    """Create the demo data in one transaction, then import the OCDS samples.

    Directives, tasks and progress describe ``today`` (default: the current
    day); projects, disposals and petitions describe ``schedule.AS_OF``.
    """
    if not Region.objects.filter(code=CITY_CODE).exists():
        load_regions(actor)
    check_empty(list(DOCUMENTED_USERNAMES))

    with transaction.atomic():
        organisation = build_organisation(actor, stage_rng(seed, "organisation"),
                                          size.villages_per_township)
        suppliers = build_suppliers(actor, stage_rng(seed, "suppliers"), organisation,
                                    size.projects)
        scenarios = build_projects(actor, stage_rng(seed, "projects"), organisation, suppliers,
                                   size.projects)
        disposals = build_disposals(actor, stage_rng(seed, "disposals"), organisation,
                                    max(3, size.projects // DISPOSALS_PER_PROJECT))
    logger.info("demo data built: seed %s, projects by scenario %s", seed, dict(scenarios))

    ocds = import_ocds(actor)
    build_petitions(actor, stage_rng(seed, "petitions"), organisation, size.projects)
    build_duties(actor, stage_rng(seed, "duties"), organisation, today)
    return DemoResult(seed, size.projects, disposals, organisation.accounts,
                      organisation.staff_count, ocds)


def ocds_paths() -> list[Path]:
    return sorted(OCDS_DIR.glob("*.json*"))


def import_ocds(actor: Any) -> Any:
    # Imported when called, so that loading the demo modules does not load the
    # OCDS reader, mapper and store.
    from sunshine.funds.ocds.importer import import_files

    return import_files(actor, ocds_paths())
