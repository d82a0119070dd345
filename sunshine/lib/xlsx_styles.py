"""Telling from an .xlsx workbook's styles part whether any cell can show a percentage.

Each cell refers to a cell format (an ``xf`` of ``cellXfs``) by index, and the
format names a number format by id: a built-in one such as 9 (``0%``) or one
that ``numFmts`` defines. Reading this small part lets an import skip
rereading a sheet cell by cell when no cell format is a percentage.
"""

import os
import zipfile

from defusedxml import DefusedXmlException, ElementTree
from openpyxl.styles.numbers import BUILTIN_FORMATS

from sunshine.lib.number_formats import is_percent_format
from sunshine.lib.xlsx_formulas import WORKBOOK_RELS, local_name, part_path

STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


def has_percent_cell_format(path: str | os.PathLike) -> bool:
    """Return whether a cell format of the workbook has a percentage number format.

    Returns True when the styles part cannot be read, so that the caller
    rereads the cells rather than misses a percentage.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            relations = ElementTree.fromstring(archive.read(WORKBOOK_RELS))
            parts = [part_path(relation.get("Target", "")) for relation in relations
                     if relation.get("Type") == STYLES_TYPE]
            if not parts:
                return False
            styles = ElementTree.fromstring(archive.read(parts[0]))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, DefusedXmlException,
            OSError, RuntimeError):
        return True
    codes = dict(BUILTIN_FORMATS)
    for element in styles.iter():
        if local_name(element.tag) == "numFmt":
            codes[_format_id(element)] = element.get("formatCode", "")
    used = {_format_id(xf) for xfs in styles if local_name(xfs.tag) == "cellXfs"
            for xf in xfs if local_name(xf.tag) == "xf"}
    return any(is_percent_format(codes.get(number, "")) for number in used)


def _format_id(element) -> int:
    text = element.get("numFmtId", "0")
    return int(text) if text.isdigit() else 0
