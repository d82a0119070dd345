"""Where a problem sits in the input files, and the error that rejects an import."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

# A rejected file with thousands of bad values would bury the first causes;
# the rest are counted in one closing line.
MAX_PROBLEMS = 200


class OcdsImportError(Exception):
    """Raised when an import is rejected; ``problems`` lists each reason, one per entry.

    Nothing has been written when this is raised.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Location:
    """A JSON value in an input file: the file, the line for JSON Lines, and a JSON path."""

    file: str
    line: int | None = None
    path: str = ""

    def child(self, path: str) -> "Location":
        return Location(self.file, self.line, join_path(self.path, path))

    def describe(self, field: str = "") -> str:
        path = join_path(self.path, field)
        values = {"file": self.file, "line": self.line, "path": path}
        if self.line is not None and path:
            return _("%(file)s, line %(line)s, %(path)s") % values
        if self.line is not None:
            return _("%(file)s, line %(line)s") % values
        if path:
            return _("%(file)s, %(path)s") % values
        return self.file


def join_path(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


def capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], _("… and %(count)s more problems") % {"count": rest}]
