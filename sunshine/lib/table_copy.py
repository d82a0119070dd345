"""A per-process copy of a small table that hot paths read on every request.

Versioned settings and working-day overrides change a few times a year but
are read by every deadline computation. Each process keeps what it loaded
from the table with the table's generation: a tuple of aggregates that
changes with every write, such as the row count and the highest audit
entry id. At most once per ``refresh_seconds`` the generation is read
again (one aggregate query) and the table re-read only when it differs,
so the copy follows writes from other processes without a shared cache.

A transaction that has not written the table reads only committed rows,
so what it reads may be kept. Writers call ``written`` (the models' save and
delete signals do); until that transaction commits, look-ups inside it
read the table for the call only and keep nothing, because the read holds
uncommitted rows that may still roll back. The mark is per thread, as
Django's connections are, and names the transaction's outermost atomic
block, so it lapses when that transaction commits or rolls back.
"""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection, transaction

T = TypeVar("T")


class TableCopy(Generic[T]):
    """The result of ``load`` kept per process and refreshed when ``generation`` changes."""

    def __init__(self, load: Callable[[], T], generation: Callable[[], tuple],
                 refresh_seconds: float = 1.0) -> None:
        self._load = load
        self._generation = generation
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._value: T | None = None
        self._kept_generation: tuple | None = None
        self._checked_at = 0.0
        self._local = threading.local()

    def get(self) -> T:
        if self._written_in_this_transaction():
            return self._load()
        now = time.monotonic()
        with self._lock:
            if self._value is not None and now - self._checked_at < self.refresh_seconds:
                return self._value
        generation = self._generation()
        with self._lock:
            if self._value is not None and generation == self._kept_generation:
                self._checked_at = now
                return self._value
        value = self._load()
        with self._lock:
            self._value, self._kept_generation, self._checked_at = value, generation, now
        return value

    def written(self) -> None:
        """Note a write to the table by this thread, inside or outside a transaction."""
        self.forget()
        if connection.in_atomic_block:
            # The outermost atomic block stands for the transaction: after a
            # rollback the next transaction has another block, so the mark
            # no longer applies, and a commit clears it.
            self._local.transaction = connection.atomic_blocks[0]
            transaction.on_commit(self._committed)

    def _written_in_this_transaction(self) -> bool:
        marked = getattr(self._local, "transaction", None)
        return (marked is not None and connection.in_atomic_block
                and bool(connection.atomic_blocks) and connection.atomic_blocks[0] is marked)

    def _committed(self) -> None:
        self._local.transaction = None
        self.forget()

    def expire(self) -> None:
        """Make the next ``get`` compare the generation, as if ``refresh_seconds`` had passed."""
        with self._lock:
            self._checked_at = 0.0

    def forget(self) -> None:
        """Make the next ``get`` in this process read the table again."""
        with self._lock:
            self._value = None
            self._kept_generation = None
