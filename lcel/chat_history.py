"""Chat message histories: where a conversation's messages live between runs.

:class:`BaseChatMessageHistory` is what :class:`lcel.history.RunnableWithMessageHistory`
reads and appends to. Two stores come with lcel: :class:`InMemoryChatMessageHistory` (a
list, for tests and one process) and :class:`SQLiteChatMessageHistory` (stdlib ``sqlite3`` in
WAL mode, safe to share between threads and processes). The SQLite store keeps each message
as JSON written by lcel's ``cattrs`` converter (:mod:`lcel.serde`), never as a pickle, so a
database file cannot run code when it is read.

>>> history = InMemoryChatMessageHistory()
>>> history.add_user_message("hi")
>>> history.add_ai_message("hello!")
>>> history.messages
[HumanMessage(content='hi'), AIMessage(content='hello!')]
>>> print(history)
Human: hi
AI: hello!
"""

from __future__ import annotations

import abc
import asyncio
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path

from lcel._sqlite import SQLiteConnection
from lcel.errors import InputValidationError, shorten
from lcel.messages import AIMessage, BaseMessage, HumanMessage, get_buffer_string

__all__ = [
    "BaseChatMessageHistory",
    "InMemoryChatMessageHistory",
    "SQLiteChatMessageHistory",
]


def _check_messages(messages: Sequence[BaseMessage], who: str) -> list[BaseMessage]:
    if isinstance(messages, BaseMessage | str) or not isinstance(messages, Sequence):
        raise InputValidationError(
            f"{who}.add_messages() takes a list of messages, got "
            f"{type(messages).__name__}: {shorten(messages)}"
        )
    out = list(messages)
    for i, message in enumerate(out):
        if not isinstance(message, BaseMessage):
            raise InputValidationError(
                f"{who}.add_messages(): item {i} is not a message, got "
                f"{type(message).__name__}: {shorten(message)}"
            )
    return out


class BaseChatMessageHistory(abc.ABC):
    """A conversation's stored messages, oldest first.

    Implement :attr:`messages`, :meth:`clear` and one of :meth:`add_messages` /
    :meth:`add_message` (each defaults to the other). The async twins default to the sync
    methods run in a worker thread; override them when the store has a native async client.
    """

    @property
    @abc.abstractmethod
    def messages(self) -> list[BaseMessage]:
        """The stored messages, oldest first (a new list: changing it changes nothing)."""

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append ``messages`` in order. Default: :meth:`add_message` for each."""
        if type(self).add_message is BaseChatMessageHistory.add_message:
            raise NotImplementedError(
                f"{type(self).__name__} must implement add_messages or add_message"
            )
        for message in _check_messages(messages, type(self).__name__):
            self.add_message(message)

    def add_message(self, message: BaseMessage) -> None:
        """Append one message. Default: :meth:`add_messages` with a list of one."""
        if type(self).add_messages is BaseChatMessageHistory.add_messages:
            raise NotImplementedError(
                f"{type(self).__name__} must implement add_messages or add_message"
            )
        self.add_messages([message])

    def add_user_message(self, message: HumanMessage | str) -> None:
        """Append a human message (a str becomes a :class:`HumanMessage`)."""
        self.add_message(HumanMessage(message) if isinstance(message, str) else message)

    def add_ai_message(self, message: AIMessage | str) -> None:
        """Append an AI message (a str becomes an :class:`AIMessage`)."""
        self.add_message(AIMessage(message) if isinstance(message, str) else message)

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every message."""

    async def aget_messages(self) -> list[BaseMessage]:
        """Async :attr:`messages`."""
        return await asyncio.to_thread(lambda: self.messages)

    async def aadd_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Async :meth:`add_messages`."""
        await asyncio.to_thread(self.add_messages, messages)

    async def aclear(self) -> None:
        """Async :meth:`clear`."""
        await asyncio.to_thread(self.clear)

    def __str__(self) -> str:
        return get_buffer_string(self.messages)


class InMemoryChatMessageHistory(BaseChatMessageHistory):
    """Messages in a list, guarded by a lock (safe to share between threads).

    >>> InMemoryChatMessageHistory([HumanMessage("hi")])
    InMemoryChatMessageHistory(1 messages)
    """

    def __init__(self, messages: Sequence[BaseMessage] | None = None) -> None:
        self._lock = threading.Lock()
        self._messages: list[BaseMessage] = (
            _check_messages(messages, type(self).__name__) if messages is not None else []
        )

    @property
    def messages(self) -> list[BaseMessage]:
        """A copy of the stored messages, oldest first."""
        with self._lock:
            return list(self._messages)

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append ``messages`` at once (no other writer interleaves with them)."""
        checked = _check_messages(messages, type(self).__name__)
        with self._lock:
            self._messages.extend(checked)

    def clear(self) -> None:
        """Remove every message."""
        with self._lock:
            self._messages.clear()

    async def aget_messages(self) -> list[BaseMessage]:
        """The messages (no thread hop: reading a list does not block)."""
        return self.messages

    async def aadd_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append (no thread hop)."""
        self.add_messages(messages)

    async def aclear(self) -> None:
        """Clear (no thread hop)."""
        self.clear()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._messages)} messages)"


_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def _database(path: str | Path | None, connection_string: str | None) -> str:
    if (path is None) == (connection_string is None):
        raise ValueError(
            "SQLiteChatMessageHistory needs exactly one of path= (a file, or ':memory:') "
            "and connection_string= ('sqlite:///<file>')"
        )
    if connection_string is not None:
        prefix = "sqlite:///"
        if not connection_string.startswith(prefix):
            raise ValueError(
                f"connection_string must start with {prefix!r} (as SQLAlchemy's SQLite URLs "
                f"do), got {shorten(connection_string)}"
            )
        rest = connection_string[len(prefix) :]
        return rest or ":memory:"
    return str(path)


class SQLiteChatMessageHistory(SQLiteConnection, BaseChatMessageHistory):
    """One session's messages in a SQLite table (``message_store`` by default).

    Rows are ``(id, session_id, message)`` with ``message`` the JSON of one message as
    :func:`lcel.serde.to_jsonable` writes it; ``id`` keeps the order. The database runs in
    WAL mode (readers never block the writer) with a busy timeout, so several histories,
    threads or processes may write to one file; inside one object a lock serialises the
    shared connection. Call :meth:`close` (or use ``with``) when done.

    >>> history = SQLiteChatMessageHistory("s1", ":memory:")
    >>> history.add_messages([HumanMessage("hi"), AIMessage("hello")])
    >>> history.messages
    [HumanMessage(content='hi'), AIMessage(content='hello')]
    >>> history.close()
    """

    def __init__(
        self,
        session_id: str,
        path: str | Path | None = None,
        *,
        connection_string: str | None = None,
        table_name: str = "message_store",
        timeout: float = 30.0,
    ) -> None:
        if not isinstance(session_id, str) or not session_id:
            raise ValueError(f"session_id must be a non-empty str, got {session_id!r}")
        if not isinstance(table_name, str) or not _TABLE_NAME.fullmatch(table_name):
            raise ValueError(
                "table_name must be a plain SQL identifier (letters, digits, underscores), "
                f"got {shorten(table_name)}"
            )
        self.session_id = session_id
        self.database = _database(path, connection_string)
        self.table_name = table_name
        super().__init__(
            self.database,
            [
                f"CREATE TABLE IF NOT EXISTS {table_name} ("
                "id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "session_id TEXT NOT NULL, "
                "message TEXT NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS {table_name}_session "
                f"ON {table_name} (session_id, id)",
            ],
            timeout=timeout,
        )

    @property
    def messages(self) -> list[BaseMessage]:
        """This session's messages, oldest first."""
        from lcel.serde import from_jsonable

        with self._lock:
            rows = (
                self._connection()
                .execute(
                    f"SELECT message FROM {self.table_name} WHERE session_id = ? ORDER BY id",
                    (self.session_id,),
                )
                .fetchall()
            )
        return [from_jsonable(json.loads(text), BaseMessage) for (text,) in rows]

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append ``messages`` in one transaction (all or none are stored)."""
        from lcel.serde import to_jsonable

        checked = _check_messages(messages, type(self).__name__)
        rows = [
            (self.session_id, json.dumps(to_jsonable(m), sort_keys=True, ensure_ascii=False))
            for m in checked
        ]
        if not rows:
            return
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    f"INSERT INTO {self.table_name} (session_id, message) VALUES (?, ?)", rows
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def clear(self) -> None:
        """Remove this session's messages (other sessions' stay)."""
        with self._lock:
            self._connection().execute(
                f"DELETE FROM {self.table_name} WHERE session_id = ?", (self.session_id,)
            )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(session_id={self.session_id!r}, "
            f"database={self.database!r}, table_name={self.table_name!r})"
        )
