"""Benchmark figures and the table that ``python -m bench`` prints."""

from dataclasses import dataclass


@dataclass
class Figure:
    benchmark: str
    measure: str
    value: float
    unit: str
    target: str = ""
    # True or False when the figure has a target, None otherwise.
    met: bool | None = None
    note: str = ""


def format_value(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.2f} {unit}"


def table(figures: list[Figure]) -> str:
    header = ("benchmark", "measure", "value", "target", "met", "note")
    rows = [header]
    for f in figures:
        met = ""
        if f.met is not None:
            met = "yes" if f.met else "NO"
        rows.append((f.benchmark, f.measure, format_value(f.value, f.unit), f.target, met, f.note))
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [pad(cell, widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Return the terminal width of text, counting CJK characters as two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
