"""A chat that remembers: message history in SQLite, a response cache, listeners, as_tool.

Each session's messages live in a SQLite file (JSON rows, WAL mode); the prompt is a
mustache template with a history placeholder; the model answers from a cache when asked the
same thing twice; a listener prints each turn's duration; and the whole chat becomes a tool
another agent could call. Offline, with a fake model. From the shell::

    python examples/chat_memory.py
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

from lcel import RunnableConfig, RunnableWithMessageHistory
from lcel.caches import InMemoryCache
from lcel.callbacks import Run
from lcel.chat_history import SQLiteChatMessageHistory
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

cache = InMemoryCache()
model = FakeListChatModel(
    responses=[
        "Bears eat berries, fish and honey.",
        "Mostly in spring, after their sleep.",
        "(a third answer: the cache was not used)",
    ],
    cache=cache,
)
prompt = ChatPromptTemplate.from_messages(
    [
        ("system", "You answer questions about {{animal}}."),
        ("placeholder", "{{history}}"),
        ("human", "{{question}}"),
    ],
    template_format="mustache",
)


def report(run: Run) -> None:
    """Print how long each turn took (a listener gets the run record)."""
    assert run.end_time is not None
    ms = (run.end_time - run.start_time).total_seconds() * 1000
    print(f"  [turn done in {ms:.1f} ms]")


def make_chat(
    database: Path, opened: dict[str, SQLiteChatMessageHistory]
) -> RunnableWithMessageHistory[Mapping[str, Any], str]:
    """The chat, keeping each session's messages in ``database`` (one connection each,
    kept in ``opened`` for the caller to close)."""

    def history(session_id: str) -> SQLiteChatMessageHistory:
        if session_id not in opened:
            opened[session_id] = SQLiteChatMessageHistory(session_id, database)
        return opened[session_id]

    return RunnableWithMessageHistory(
        (prompt | model | StrOutputParser()).with_listeners(on_end=report),
        history,
        input_messages_key="question",
        history_messages_key="history",
    )


class Question(TypedDict):
    animal: str
    question: str


async def main_async(database: Path) -> None:
    opened: dict[str, SQLiteChatMessageHistory] = {}
    try:
        await converse(make_chat(database, opened), database)
    finally:
        for history in opened.values():
            history.close()


async def converse(
    chat: RunnableWithMessageHistory[Mapping[str, Any], str], database: Path
) -> None:
    """Two turns, a look at the stored rows, a cache hit, an error, the chat as a tool."""
    config: RunnableConfig = {"configurable": {"session_id": "ann"}}
    print("== invoke")
    print(chat.invoke({"animal": "bears", "question": "What do bears eat?"}, config))
    print("== astream")
    chunks = [c async for c in chat.astream({"animal": "bears", "question": "When?"}, config)]
    print("".join(chunks), f"({len(chunks)} chunks)")
    with SQLiteChatMessageHistory("ann", database) as stored:
        print("== stored in SQLite")
        for message in stored.messages:
            print(f"  {message.type}: {message.text}")
    print("== another session asks the first question again (answered from the cache)")
    bob: RunnableConfig = {"configurable": {"session_id": "bob"}}
    print(chat.invoke({"animal": "bears", "question": "What do bears eat?"}, bob))
    print("cache entries:", len(cache))
    print("== missing session_id")
    try:
        chat.invoke({"animal": "bears", "question": "?"})
    except ValueError as error:
        print(type(error).__name__ + ":", str(error)[:60] + "…")
    print("== as a tool")
    bears = (prompt.partial(history=[]) | model | StrOutputParser()).with_types(
        input_type=Question
    ).as_tool(name="ask_about_animals", description="Answers a question about an animal")
    print("arguments:", sorted(bears.args))
    print(bears.invoke({"animal": "bears", "question": "What do bears eat?"}))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(main_async(Path(tmp) / "chat.db"))


if __name__ == "__main__":
    main()
