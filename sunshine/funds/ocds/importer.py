"""Importing OCDS files into projects, procurements, awards, contracts and payments.

``import_files`` reads and checks every file before it writes anything, then
writes all of them in one transaction: an import is applied whole or not at
all. Releases of the same ocid, in one file or across files, are compiled
into one contracting process first.
"""

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sunshine.funds.actions import ProjectTotalError, refresh_totals
from sunshine.funds.codes import project_code_problem
from sunshine.funds.models import Project, Source
from sunshine.funds.ocds.errors import OcdsImportError, capped
from sunshine.funds.ocds.mapper import Process, map_release
from sunshine.funds.ocds.merge import compile_releases
from sunshine.funds.ocds.reader import FoundRelease, read_files
from sunshine.funds.ocds.report import OcdsReport
from sunshine.funds.ocds.store import Store
from sunshine.funds.ocds.sync import fetch_values
from sunshine.funds.ocds.values import Context
from sunshine.organisation.models import Region
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)


def import_files(actor: Any, paths: Iterable[str | Path], *, region: str | Region | None = None,
                 public: bool = True) -> OcdsReport:
    """Import OCDS files and return what was created, updated, left alone and not imported.

    ``region`` is the region given to new projects, because OCDS data carries
    none. Without it, new projects go to the ``ocds.default_region`` setting
    and existing ones keep theirs. ``public`` sets every imported project's
    public flag. Raises OcdsImportError listing every problem found, and then
    nothing is written.
    """
    files = [str(path) for path in paths]
    report = OcdsReport(files=files)
    chosen = find_region(region) if region is not None else None
    default = chosen or find_region(get_setting("ocds.default_region"))

    try:
        read = read_files(files)
        if read.problems:
            raise OcdsImportError(capped(read.problems))
        report.releases = read.releases
        report.unmapped.update(read.unmapped)
        processes = skip_own_projects(map_sources(read.sources, report), report)
    except RecursionError:
        raise OcdsImportError([_(
            "%(files)s: the JSON is nested too deeply to read; check that the file is an "
            "OCDS package, release or record"
        ) % {"files": ", ".join(files)}]) from None

    try:
        with transaction.atomic():
            store = Store(actor, report, region=chosen, default_region=default, public=public)
            store.save(processes)
            refresh_totals(row.pk for row in store.projects.values())
    except ProjectTotalError as error:
        raise OcdsImportError([str(error)]) from None
    logger.info("ocds import of %s files: %s processes, %s projects created, %s updated",
                len(files), report.processes, report.projects.created, report.projects.updated)
    return report


def find_region(value: str | Region) -> Region:
    if isinstance(value, Region):
        return value
    found = Region.objects.filter(code=str(value).strip()).first()
    if found is None:
        raise OcdsImportError([
            _("region “%(code)s” does not exist; give the code of a loaded region such as "
              "331002, or run “sunshine load_regions” first") % {"code": value}])
    return found


def map_sources(sources: list[FoundRelease], report: OcdsReport) -> list[Process]:
    """Compile the releases of each ocid and map them; raise if any value is invalid."""
    groups: dict[str, list[FoundRelease]] = {}
    for source in sources:
        groups.setdefault(source.ocid, []).append(source)

    problems: list[str] = []
    processes = []
    for ocid, group in groups.items():
        context = Context(group[-1].location)
        # The mapper reads a null like a missing field, so a lone release needs
        # no compiling, which would copy all of it.
        compiled = group[0].release if len(group) == 1 else compile_releases(
            [s.release for s in group])
        process = map_release(compiled, ocid, context)
        # With several releases, a bad value is reported where it was written
        # rather than in the compiled result, so each release is checked alone.
        separate = check_each(group, ocid) if len(group) > 1 else []
        problems += separate or context.problems
        report.unmapped.update(context.unmapped)
        report.adjusted.update(context.adjusted)
        processes.append(process)

    problems += code_problems({ocid: group[-1] for ocid, group in groups.items()})
    if problems:
        raise OcdsImportError(capped(list(dict.fromkeys(problems))))
    report.processes = len(processes)
    return processes


def code_problems(sources: dict[str, FoundRelease]) -> list[str]:
    """Return a problem for each ocid that cannot be a new project's code.

    The ocid becomes the project code, which is part of the public page's
    address. A project stored under such a code before the character rule
    existed keeps being updated.
    """
    invalid = {ocid: problem for ocid in sources
               if (problem := project_code_problem(ocid)) is not None}
    if not invalid:
        return []
    # PostgreSQL rejects NUL in a query parameter, and no stored code can contain one there.
    searchable = [ocid for ocid in invalid if "\x00" not in ocid]
    stored = {code for (code,) in fetch_values(Project.all_objects.all(), "code", searchable,
                                               "code")}
    problems = []
    for ocid, problem in invalid.items():
        if ocid not in stored:
            context = Context(sources[ocid].location)
            context.fail("ocid", problem)
            problems += context.problems
    return problems


def skip_own_projects(processes: list[Process], report: OcdsReport) -> list[Process]:
    """Leave out processes that this platform exported from projects staff entered.

    Their ocid is the ``ocds.ocid_prefix`` setting and the project code, so
    importing an exported package does not copy those projects.
    """
    prefix = f"{get_setting('ocds.ocid_prefix')}-"
    codes = {p.ocid.removeprefix(prefix): p.ocid for p in processes if p.ocid.startswith(prefix)}
    own = {codes[code] for (code,) in fetch_values(
        Project.all_objects.exclude(source=Source.OCDS), "code", codes, "code")}
    report.unmapped["own_projects"] += len(own)
    return [process for process in processes if process.ocid not in own]


def check_each(group: list[FoundRelease], ocid: str) -> list[str]:
    problems: list[str] = []
    for source in group:
        check = Context(source.location)
        map_release(source.release, ocid, check)
        problems += check.problems
    return problems
