"""Task trees come out parent first and in id order, whatever the number of digits in the ids.

The ``path`` column is text ("99/100/"), where "100/" sorts before "99/".
"""

from sunshine.duties.excel.writer import in_tree_order
from sunshine.duties.models import Task


def task(directive_id: int, path: str) -> Task:
    return Task(directive_id=directive_id, path=path)


def test_tree_key_orders_by_id_numbers():
    rows = [task(1, "100/"), task(1, "99/"), task(1, "99/101/"), task(1, "99/1000/")]

    ordered = [t.path for t in sorted(rows, key=lambda t: t.tree_key)]

    assert ordered == ["99/", "99/101/", "99/1000/", "100/"]


def test_export_orders_each_directive():
    rows = [task(1, "100/"), task(1, "99/"), task(2, "1000/"), task(2, "998/"),
            task(2, "998/999/")]

    ordered = [(t.directive_id, t.path) for t in in_tree_order(iter(rows))]

    assert ordered == [(1, "99/"), (1, "100/"), (2, "998/"), (2, "998/999/"), (2, "1000/")]
