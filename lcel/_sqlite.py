"""One SQLite connection shared by the threads of one object: what the SQLite-backed stores
(the response cache, chat histories) have in common.

WAL mode (readers never block the writer) and a busy timeout let several objects, threads or
processes use one file; inside one object a lock serialises the shared connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Self

__all__ = ["SQLiteConnection"]


class SQLiteConnection:
    """Opens ``database`` (WAL unless in memory), runs ``schema``, and closes once."""

    def __init__(self, database: str, schema: Sequence[str], *, timeout: float) -> None:
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            database, timeout=timeout, check_same_thread=False, isolation_level=None
        )
        try:
            if database != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
            for statement in schema:
                self._conn.execute(statement)
        except BaseException:
            self._conn.close()
            raise

    def _connection(self) -> sqlite3.Connection:
        """The open connection (call with ``self._lock`` held)."""
        if self._conn is None:
            raise RuntimeError(f"{self!r} is closed")
        return self._conn

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
