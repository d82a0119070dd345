"""Finding formula cells that an .xlsx workbook stores without their result.

Excel and WPS save each formula with the value it last computed, and the
workbook readers (calamine, openpyxl with ``data_only``) read that value.
Programs that write workbooks without a calculation engine, openpyxl among
them, save the formula alone (``<f>A1*2</f><v/>``). The readers then see an
empty cell, and a row of such cells vanishes, so an import would report a
missing amount, or read nothing, where the sheet shows a number.

The scan streams each worksheet part of the archive and parses it only when
its text contains a formula element, so a workbook without formulas costs
one pass of decompression. defusedxml parses the parts, because they come
from uploads.
"""

import posixpath
import zipfile
from collections.abc import Iterable

from defusedxml import DefusedXmlException, ElementTree

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# Every sheet with a formula closes an <f> element (</f>, or </x:f> with a prefix),
# because a dependent cell's <f t="shared" si="0"/> comes with a master cell that
# contains the formula text. XML escapes ">" in text, so these bytes only occur in tags.
FORMULA_END = b"f>"
CHUNK_BYTES = 1 << 20
# A formula whose cached result is text has t="str", and then an empty <v/> is an empty text.
TEXT_RESULT = "str"


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def part_path(target: str) -> str:
    """Return the archive path of a relationship target of the workbook part."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join("xl", target))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return the archive part of each worksheet, keyed by the sheet's name."""
    targets = {}
    for relation in ElementTree.fromstring(archive.read(WORKBOOK_RELS)):
        targets[relation.get("Id")] = part_path(relation.get("Target", ""))
    parts = {}
    for element in ElementTree.fromstring(archive.read(WORKBOOK_PART)).iter():
        if local_name(element.tag) == "sheet" and element.get(RELATIONSHIP_ID) in targets:
            parts[element.get("name", "")] = targets[element.get(RELATIONSHIP_ID)]
    return parts


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            if FORMULA_END in tail + chunk:
                return True
            tail = chunk[-1:]
    return False


def _cells_without_result(archive: zipfile.ZipFile, part: str, limit: int) -> list[str]:
    found: list[str] = []
    with archive.open(part) as stream:
        for _event, element in ElementTree.iterparse(stream):
            if local_name(element.tag) != "c":
                if local_name(element.tag) == "row":
                    element.clear()
                continue
            children = {local_name(child.tag): child for child in element}
            value = children.get("v")
            if ("f" in children and (value is None or not value.text)
                    and element.get("t") != TEXT_RESULT):
                found.append(element.get("r", ""))
                if len(found) >= limit:
                    break
            element.clear()
    return found


def formulas_without_results(path: str, sheets: Iterable[str],
                             limit: int = 5) -> dict[str, list[str]]:
    """Return up to ``limit`` cell references per sheet of formulas saved without a result.

    ``sheets`` names the sheets to scan; names the workbook lacks are
    skipped. A file that is not a readable .xlsx archive gives an empty
    result, because the workbook reader reports that problem itself.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            found = {}
            for name in sheets:
                part = parts.get(name)
                if part is None or not _has_formula(archive, part):
                    continue
                cells = _cells_without_result(archive, part, limit)
                if cells:
                    found[name] = cells
            return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, DefusedXmlException,
            OSError, RuntimeError):
        return {}
