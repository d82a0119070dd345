"""Reading OCDS files of any shape into releases, each with its location.

A file is classified by its content, never by its name. It may be a release
package (``releases``) or a record package (``records``). It may be a single
record (``compiledRelease``, ``versionedRelease``, or ``ocid`` with
``releases``) or a single release (``ocid``). It may also be a JSON array of
any of these, or JSON Lines where each line is any of these.

A record contributes its ``compiledRelease`` when it has one, otherwise its
embedded releases. A record with neither is counted as not imported: linked
releases (only ``url``, ``date``, ``tag``) are not downloaded, and
``versionedRelease`` is not read.
"""

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sunshine.funds.ocds.errors import Location

RELEASE_KEYS = {"tag", "tender", "awards", "contracts", "planning", "parties", "buyer"}


@dataclass
class FoundRelease:
    """One release as found in a file; ``ocid`` is filled from its record when missing."""

    release: dict
    ocid: str
    location: Location


@dataclass
class ReadResult:
    sources: list[FoundRelease] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)
    releases: int = 0


class NonFiniteNumber(ValueError):
    """Raised by the JSON parser for NaN and Infinity, which JSON does not allow."""


def read_files(paths: Iterable[str | Path]) -> ReadResult:
    result = ReadResult()
    for path in paths:
        read_file(str(path), result)
    return result


def read_file(name: str, result: ReadResult) -> None:
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        result.problems.append(
            _("%(file)s: cannot read the file (%(error)s); check the path and its permissions")
            % {"file": name, "error": error.strerror or error}
        )
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        result.problems.append(
            _("%(file)s: byte %(position)s is not UTF-8; OCDS data is UTF-8 JSON, so save the "
              "file as UTF-8") % {"file": name, "position": error.start}
        )
        return

    for document, line in parse_documents(name, text, result.problems):
        classify(document, Location(name, line), result)


def parse_documents(name: str, text: str, problems: list[str]) -> list[tuple[Any, int | None]]:
    """Parse a file as one JSON document, or as JSON Lines when it contains one value per line."""
    if not text.strip():
        problems.append(_("%(file)s: the file is empty; give an OCDS release or record package, "
                          "a release, a record or JSON Lines of these") % {"file": name})
        return []
    try:
        return [(load_json(text), None)]
    except json.JSONDecodeError as error:
        if not is_json_lines(text, error):
            problems.append(json_problem(Location(name), error, with_line=True))
            return []
    except NonFiniteNumber as error:
        problems.append(constant_problem(Location(name), error))
        return []
    return parse_lines(name, text, problems)


def parse_lines(name: str, text: str, problems: list[str]) -> list[tuple[Any, int | None]]:
    documents: list[tuple[Any, int | None]] = []
    # Split on newlines only: JSON strings may contain U+2028, which splitlines() breaks on.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            documents.append((load_json(line), number))
        except json.JSONDecodeError as error:
            problems.append(json_problem(Location(name, number), error, with_line=False))
        except NonFiniteNumber as error:
            problems.append(constant_problem(Location(name, number), error))
    return documents


def load_json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_constant=reject_constant)


def reject_constant(name: str) -> Any:
    raise NonFiniteNumber(name)


def is_json_lines(text: str, error: json.JSONDecodeError) -> bool:
    """Tell a JSON Lines file from a broken JSON document after a failed whole-file parse."""
    if error.msg.startswith("Extra data"):
        return True
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return False
    try:
        load_json(lines[0])
    except ValueError:
        return False
    return True


def json_problem(location: Location, error: json.JSONDecodeError, *, with_line: bool) -> str:
    values = {"where": location.describe(), "line": error.lineno, "column": error.colno,
              "error": error.msg}
    if with_line:
        return _("%(where)s: invalid JSON at line %(line)s, column %(column)s (%(error)s); fix "
                 "the syntax there, for example a missing comma, bracket or quote") % values
    return _("%(where)s: invalid JSON at column %(column)s (%(error)s); fix the syntax there, "
             "for example a missing comma, bracket or quote") % values


def constant_problem(location: Location, error: NonFiniteNumber) -> str:
    return _("%(where)s: %(value)s is not a JSON number; write a number or null") % {
        "where": location.describe(), "value": error}


def classify(document: Any, location: Location, result: ReadResult) -> None:
    if isinstance(document, list):
        for index, item in enumerate(document):
            classify_object(item, location.child(f"[{index}]"), result)
    else:
        classify_object(document, location, result)


def classify_object(value: Any, location: Location, result: ReadResult) -> None:
    if not isinstance(value, dict):
        not_ocds(location, result)
    elif isinstance(value.get("records"), list):
        for index, record in enumerate(value["records"]):
            add_record(record, location.child(f"records[{index}]"), result)
    elif is_record(value):
        add_record(value, location, result)
    elif isinstance(value.get("releases"), list):
        for index, release in enumerate(value["releases"]):
            add_release(release, location.child(f"releases[{index}]"), result)
    elif "ocid" in value or RELEASE_KEYS & value.keys():
        add_release(value, location, result)
    else:
        not_ocds(location, result)


def is_record(value: dict) -> bool:
    if "compiledRelease" in value or "versionedRelease" in value:
        return True
    return "ocid" in value and isinstance(value.get("releases"), list)


def not_ocds(location: Location, result: ReadResult) -> None:
    result.problems.append(
        _("%(where)s: this is not OCDS data: expected a release package (“releases”), a record "
          "package (“records”), a release or a record (“ocid”); check that the right file was "
          "given") % {"where": location.describe()}
    )


def add_record(record: Any, location: Location, result: ReadResult) -> None:
    if not isinstance(record, dict):
        not_ocds(location, result)
        return
    ocid = text_ocid(record.get("ocid"))
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        add_release(compiled, location.child("compiledRelease"), result, fallback_ocid=ocid)
        return

    releases = record.get("releases")
    embedded = [
        (index, release) for index, release in enumerate(releases if isinstance(releases, list) else [])
        if isinstance(release, dict) and not is_linked(release)
    ]
    if not embedded:
        result.unmapped["record_without_releases"] += 1
    for index, release in embedded:
        add_release(release, location.child(f"releases[{index}]"), result, fallback_ocid=ocid)


def is_linked(release: dict) -> bool:
    return "url" in release and "ocid" not in release


def add_release(release: Any, location: Location, result: ReadResult, *,
                fallback_ocid: str = "") -> None:
    if not isinstance(release, dict):
        not_ocds(location, result)
        return
    result.releases += 1
    ocid = text_ocid(release.get("ocid")) or fallback_ocid
    if not ocid:
        result.unmapped["release_without_ocid"] += 1
        return
    result.sources.append(FoundRelease(release, ocid, location))


def text_ocid(value: Any) -> str:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip()
    return ""
