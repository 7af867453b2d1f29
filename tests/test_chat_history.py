"""Chat message histories: in memory and SQLite (JSON rows, WAL, concurrent writers)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lcel.chat_history import (
    BaseChatMessageHistory,
    InMemoryChatMessageHistory,
    SQLiteChatMessageHistory,
)
from lcel.errors import InputValidationError
from lcel.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

CONVERSATION: list[BaseMessage] = [
    SystemMessage("be brief"),
    HumanMessage("hi", name="ann", id="m1"),
    AIMessage(
        "",
        tool_calls=[{"name": "lookup", "args": {"q": "bears"}, "id": "c1", "type": "tool_call"}],
        response_metadata={"model": "fake"},
    ),
    ToolMessage("bears like honey", tool_call_id="c1"),
    AIMessage(["Bears ", {"type": "text", "text": "like honey."}]),
]


@pytest.fixture(params=["memory", "sqlite"])
def make_history(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[str], BaseChatMessageHistory]]:
    opened: list[SQLiteChatMessageHistory] = []

    def make(session: str) -> BaseChatMessageHistory:
        if request.param == "memory":
            return InMemoryChatMessageHistory()
        history = SQLiteChatMessageHistory(session, tmp_path / "chat.db")
        opened.append(history)
        return history

    yield make
    for history in opened:
        history.close()


def test_add_read_clear(make_history: Callable[[str], BaseChatMessageHistory]) -> None:
    history = make_history("s1")
    assert history.messages == []
    history.add_messages(CONVERSATION[:3])
    history.add_message(CONVERSATION[3])
    history.add_messages(CONVERSATION[4:])
    assert history.messages == CONVERSATION
    assert [type(m) for m in history.messages] == [type(m) for m in CONVERSATION]
    history.add_user_message("and wolves?")
    history.add_ai_message(AIMessage("they howl"))
    assert history.messages[-2:] == [HumanMessage("and wolves?"), AIMessage("they howl")]
    # the list handed out is a copy
    history.messages.append(HumanMessage("not stored"))
    assert len(history.messages) == len(CONVERSATION) + 2
    history.clear()
    assert history.messages == []


def test_async_twins(make_history: Callable[[str], BaseChatMessageHistory]) -> None:
    history = make_history("s1")

    async def main() -> list[BaseMessage]:
        await history.aadd_messages(CONVERSATION)
        got = await history.aget_messages()
        await history.aclear()
        assert await history.aget_messages() == []
        return got

    assert asyncio.run(main()) == CONVERSATION


def test_bad_messages_are_refused(make_history: Callable[[str], BaseChatMessageHistory]) -> None:
    history = make_history("s1")
    with pytest.raises(InputValidationError, match="takes a list of messages, got HumanMessage"):
        history.add_messages(HumanMessage("hi"))  # type: ignore[arg-type]
    with pytest.raises(InputValidationError, match="item 1 is not a message, got str"):
        history.add_messages([HumanMessage("hi"), "oops"])  # type: ignore[list-item]
    assert history.messages == []  # nothing half-done


def test_sqlite_sessions_are_separate_and_persist(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    with SQLiteChatMessageHistory("a", db) as a, SQLiteChatMessageHistory("b", db) as b:
        a.add_user_message("for a")
        b.add_user_message("for b")
        b.clear()
        assert a.messages == [HumanMessage("for a")]
        assert b.messages == []
    with SQLiteChatMessageHistory("a", connection_string=f"sqlite:///{db}") as again:
        assert again.messages == [HumanMessage("for a")]


def test_sqlite_rows_are_json_not_pickle_and_wal(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    with SQLiteChatMessageHistory("s", db, table_name="turns") as history:
        history.add_messages(CONVERSATION[1:3])
    raw = sqlite3.connect(db)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        rows = raw.execute("SELECT session_id, message FROM turns ORDER BY id").fetchall()
    finally:
        raw.close()
    assert [r[0] for r in rows] == ["s", "s"]
    first = json.loads(rows[0][1])
    assert first["type"] == "human"
    assert first["content"] == "hi"
    assert first["name"] == "ann"
    second = json.loads(rows[1][1])
    assert second["tool_calls"][0]["args"] == {"q": "bears"}


def test_sqlite_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="plain SQL identifier"):
        SQLiteChatMessageHistory("s", tmp_path / "x.db", table_name="t; DROP TABLE x")
    with pytest.raises(ValueError, match="exactly one of path"):
        SQLiteChatMessageHistory("s")
    with pytest.raises(ValueError, match="must start with 'sqlite:///'"):
        SQLiteChatMessageHistory("s", connection_string="postgres://x")
    with pytest.raises(ValueError, match="session_id must be a non-empty str"):
        SQLiteChatMessageHistory("", tmp_path / "x.db")
    history = SQLiteChatMessageHistory("s", tmp_path / "x.db")
    history.close()
    history.close()
    with pytest.raises(RuntimeError, match="is closed"):
        history.add_user_message("late")


def test_sqlite_reports_a_corrupt_row(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    with SQLiteChatMessageHistory("s", db) as history:
        raw = sqlite3.connect(db)
        raw.execute(
            "INSERT INTO message_store (session_id, message) VALUES ('s', ?)",
            ('{"type": "human"}',),
        )
        raw.commit()
        raw.close()
        with pytest.raises(InputValidationError, match="required field missing"):
            _ = history.messages


@pytest.mark.parametrize("shared", [True, False], ids=["one-object", "one-object-per-thread"])
def test_sqlite_concurrent_writers(tmp_path: Path, shared: bool) -> None:
    db = tmp_path / "chat.db"
    writers, turns = 8, 25
    common = SQLiteChatMessageHistory("room", db)
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(w: int) -> None:
        history = common if shared else SQLiteChatMessageHistory("room", db)
        try:
            barrier.wait()
            for t in range(turns):
                history.add_messages([HumanMessage(f"{w}:{t}:q"), AIMessage(f"{w}:{t}:a")])
        except BaseException as exc:
            errors.append(exc)
        finally:
            if not shared:
                history.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    messages = common.messages
    common.close()
    assert len(messages) == writers * turns * 2
    # each add_messages call is atomic: a question is always followed by its answer
    for question, answer in zip(messages[::2], messages[1::2], strict=True):
        assert isinstance(question, HumanMessage)
        assert answer == AIMessage(str(question.content)[:-1] + "a")
    # each writer's turns are in its own order
    for w in range(writers):
        mine = [m.content for m in messages[::2] if str(m.content).startswith(f"{w}:")]
        assert mine == [f"{w}:{t}:q" for t in range(turns)]


class OnlyAddMessage(BaseChatMessageHistory):
    """A minimal custom history: add_messages comes from add_message."""

    def __init__(self) -> None:
        self.store: list[BaseMessage] = []

    @property
    def messages(self) -> list[BaseMessage]:
        return list(self.store)

    def add_message(self, message: BaseMessage) -> None:
        self.store.append(message)

    def clear(self) -> None:
        self.store = []


class NeitherAdd(BaseChatMessageHistory):
    @property
    def messages(self) -> list[BaseMessage]:
        return []

    def clear(self) -> None:
        pass


def test_custom_histories() -> None:
    custom = OnlyAddMessage()
    custom.add_messages([HumanMessage("a"), AIMessage("b")])
    assert custom.messages == [HumanMessage("a"), AIMessage("b")]
    assert str(custom) == "Human: a\nAI: b"
    with pytest.raises(NotImplementedError, match="must implement add_messages or add_message"):
        NeitherAdd().add_messages([HumanMessage("a")])
    with pytest.raises(NotImplementedError, match="must implement add_messages or add_message"):
        NeitherAdd().add_message(HumanMessage("a"))


def test_in_memory_accepts_initial_messages() -> None:
    history = InMemoryChatMessageHistory(tuple(CONVERSATION))
    assert history.messages == CONVERSATION
    assert repr(history) == "InMemoryChatMessageHistory(5 messages)"
