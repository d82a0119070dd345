"""Writing user text to write-only openpyxl sheets without turning it into formulas.

openpyxl stores any string that starts with "=" (and has more characters)
as a formula, so a directive titled ``=HYPERLINK(...)`` would run when the
file is opened. A cell whose data type is forced to string keeps the exact
text, and the importers read it back unchanged. Other leading characters
(+, -, @) need no treatment here: an .xlsx string cell stays text in
Excel and LibreOffice until a person edits it. CSV exports prefix an
apostrophe instead (``funds.views.export.text_cell``).
"""

from typing import Any

from openpyxl.cell import WriteOnlyCell


def text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    """Return a cell that stores ``value`` as a string, even when it starts with "="."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def formulas_as_text(sheet: Any, row: list) -> list:
    """Replace each string in ``row`` that openpyxl would write as a formula by a text cell."""
    return [text_cell(sheet, value) if isinstance(value, str) and value.startswith("=")
            else value for value in row]
