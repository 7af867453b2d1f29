"""RunnableWithMessageHistory: load before, save after a successful run, once, in every mode."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from lcel import RunnableLambda
from lcel.chat_history import (
    BaseChatMessageHistory,
    InMemoryChatMessageHistory,
    SQLiteChatMessageHistory,
)
from lcel.history import ConfigurableFieldSpec, MissingConfigurableError, RunnableWithMessageHistory
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from lcel.models import BaseChatModel, FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder


@attrs.frozen
class Echo(BaseChatModel):
    """Answers with how many messages it got and the last one's text, in two chunks."""

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> AIMessage:
        return AIMessage(f"{len(messages)}:{messages[-1].text}")

    def _stream_chunks(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> Iterator[AIMessageChunk]:
        yield AIMessageChunk(f"{len(messages)}:")
        yield AIMessageChunk(messages[-1].text)


class Store:
    """Histories by session id; counts the factory calls."""

    def __init__(self) -> None:
        self.histories: dict[str, InMemoryChatMessageHistory] = {}
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, session_id: str) -> InMemoryChatMessageHistory:
        with self.lock:
            self.calls += 1
            return self.histories.setdefault(session_id, InMemoryChatMessageHistory())

    def texts(self, session_id: str) -> list[str]:
        return [f"{m.type}:{m.text}" for m in self.histories[session_id].messages]


def cfg(session: str) -> Any:
    return {"configurable": {"session_id": session}}


def test_messages_in_message_out_every_mode() -> None:
    store = Store()
    chat = RunnableWithMessageHistory(Echo(), store)
    assert chat.invoke("hi", cfg("a")) == AIMessage("1:hi")
    assert chat.invoke([HumanMessage("again")], cfg("a")) == AIMessage("3:again")
    assert store.texts("a") == ["human:hi", "ai:1:hi", "human:again", "ai:3:again"]
    assert store.calls == 2

    # stream: the chunks pass through; the history gets the whole message, once
    one_message: Any = HumanMessage("s")  # a lone message is accepted, as in LangChain
    chunks = list(chat.stream(one_message, cfg("b")))
    assert [c.content for c in chunks] == ["1:", "s"]
    assert store.histories["b"].messages == [HumanMessage("s"), AIMessage("1:s")]
    assert type(store.histories["b"].messages[1]) is AIMessage

    # batch: one save per run, each in its own session
    outs = chat.batch(["x", "y"], [cfg("c"), cfg("d")])
    assert outs == [AIMessage("1:x"), AIMessage("1:y")]
    assert store.texts("c") == ["human:x", "ai:1:x"]
    assert store.texts("d") == ["human:y", "ai:1:y"]

    async def main() -> None:
        assert await chat.ainvoke("e1", cfg("e")) == AIMessage("1:e1")
        got = [c.content async for c in chat.astream("e2", cfg("e"))]
        assert got == ["3:", "e2"]
        assert await chat.abatch(["f1"], cfg("f")) == [AIMessage("1:f1")]
        events = [ev async for ev in chat.astream_events("e3", cfg("e"))]
        names = [(ev["event"], ev["name"]) for ev in events]
        assert names[0] == ("on_chain_start", "RunnableWithMessageHistory")
        assert names[-1] == ("on_chain_end", "RunnableWithMessageHistory")
        assert ("on_chain_start", "insert_history") in names
        assert ("on_chat_model_end", "Echo") in names

    asyncio.run(main())
    assert store.texts("e") == ["human:e1", "ai:1:e1", "human:e2", "ai:3:e2", "human:e3", "ai:5:e3"]
    assert store.texts("f") == ["human:f1", "ai:1:f1"]


def test_prompt_with_history_placeholder() -> None:
    store = Store()
    seen: list[list[BaseMessage]] = []

    def remember(messages: Any) -> Any:
        seen.append(messages.to_messages())
        return messages

    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You're an assistant who's good at {ability}"),
            MessagesPlaceholder("history"),
            ("human", "{question}"),
        ]
    )
    chain = prompt | remember | FakeListChatModel(responses=["Cosine is a ratio.", "Yes."])
    chat = RunnableWithMessageHistory(
        chain, store, input_messages_key="question", history_messages_key="history"
    )
    first = chat.invoke({"ability": "math", "question": "What is cosine?"}, cfg("m"))
    assert first == AIMessage("Cosine is a ratio.")
    second = chat.invoke({"ability": "math", "question": "Sure?"}, cfg("m"))
    assert second == AIMessage("Yes.")
    assert seen[1] == [
        SystemMessage("You're an assistant who's good at math"),
        HumanMessage("What is cosine?"),
        AIMessage("Cosine is a ratio."),
        HumanMessage("Sure?"),
    ]
    assert store.texts("m") == [
        "human:What is cosine?",
        "ai:Cosine is a ratio.",
        "human:Sure?",
        "ai:Yes.",
    ]
    # the input schema lists the prompt's keys, without the history
    schema = chat.input_schema
    assert schema["title"] == "RunnableWithChatHistoryInput"
    assert sorted(schema["properties"]) == ["ability", "question"]
    assert "history" not in schema["properties"]


def test_input_key_without_history_key_prepends_the_history() -> None:
    store = Store()
    seen: list[Any] = []

    def record(value: dict[str, Any]) -> str:
        seen.append(value)
        return f"{len(value['messages'])} messages"

    chat = RunnableWithMessageHistory(
        RunnableLambda(record), store, input_messages_key="messages"
    )
    assert chat.invoke({"messages": [HumanMessage("a")], "extra": 1}, cfg("k")) == "1 messages"
    assert chat.invoke({"messages": "b", "extra": 2}, cfg("k")) == "3 messages"
    assert seen[1]["extra"] == 2
    assert seen[1]["messages"] == [HumanMessage("a"), AIMessage("1 messages"), HumanMessage("b")]
    assert store.texts("k") == ["human:a", "ai:1 messages", "human:b", "ai:3 messages"]


def test_dict_output_with_output_messages_key_and_string_parsers() -> None:
    store = Store()
    chain = Echo() | {"answer": StrOutputParser(), "length": lambda m: len(m.text)}
    chat = RunnableWithMessageHistory(chain, store, output_messages_key="answer")
    assert chat.invoke("hey", cfg("o")) == {"answer": "1:hey", "length": 5}
    assert store.texts("o") == ["human:hey", "ai:1:hey"]

    text_chat = RunnableWithMessageHistory(Echo() | StrOutputParser(), store)
    assert "".join(text_chat.stream("yo", cfg("t"))) == "1:yo"
    assert store.texts("t") == ["human:yo", "ai:1:yo"]


def test_missing_session_id_is_a_clear_error_and_nothing_runs() -> None:
    store = Store()
    chat = RunnableWithMessageHistory(Echo(), store)
    with pytest.raises(MissingConfigurableError, match=r"config\['configurable'\]\['session_id'\]"):
        chat.invoke("hi")
    with pytest.raises(ValueError, match="session_id"):
        list(chat.stream("hi", {"configurable": {"user": "x"}}))
    assert store.calls == 0
    assert store.histories == {}


def test_nothing_is_saved_when_the_run_fails_or_the_stream_is_abandoned() -> None:
    store = Store()

    def boom(messages: Any) -> str:
        raise RuntimeError("model down")

    failing = RunnableWithMessageHistory(RunnableLambda(boom), store)
    with pytest.raises(RuntimeError, match="model down"):
        failing.invoke("hi", cfg("f"))
    assert store.histories["f"].messages == []

    chat = RunnableWithMessageHistory(FakeListChatModel(responses=["long answer"]), store)
    it = chat.stream("hi", cfg("g"))
    assert next(it).content == "l"
    assert isinstance(it, Generator)
    it.close()
    assert store.histories["g"].messages == []
    # a complete stream saves
    assert "".join(str(c.content) for c in chat.stream("hi", cfg("g"))) == "long answer"
    assert store.texts("g") == ["human:hi", "ai:long answer"]


def test_bad_input_and_output_shapes() -> None:
    store = Store()
    chat = RunnableWithMessageHistory(Echo(), store)
    with pytest.raises(ValueError, match="expected the input to be a str, a message or a list"):
        chat.invoke(42, cfg("x"))  # type: ignore[arg-type]
    keyed = RunnableWithMessageHistory(
        RunnableLambda(lambda d: d), store, input_messages_key="q", history_messages_key="h"
    )
    not_a_dict: Any = "not a dict"
    with pytest.raises(ValueError, match="takes a dict input"):
        keyed.invoke(not_a_dict, cfg("x"))
    with pytest.raises(ValueError, match="the input dict has no key 'q'"):
        keyed.invoke({"question": "hi"}, cfg("x"))
    numbers = RunnableWithMessageHistory(RunnableLambda(lambda m: 7), store)
    with pytest.raises(ValueError, match="expected the output to be a str, a message"):
        numbers.invoke("hi", cfg("y"))
    assert store.histories["y"].messages == []


def test_several_factory_keys() -> None:
    histories: dict[tuple[str, str], InMemoryChatMessageHistory] = {}

    def get(user_id: str, conversation_id: str) -> BaseChatMessageHistory:
        return histories.setdefault((user_id, conversation_id), InMemoryChatMessageHistory())

    chat = RunnableWithMessageHistory(
        Echo(),
        get,
        history_factory_config=[
            ConfigurableFieldSpec("user_id", str, name="User ID"),
            ConfigurableFieldSpec("conversation_id", str, name="Conversation ID"),
        ],
    )
    config: Any = {"configurable": {"user_id": "u", "conversation_id": "c1"}}
    assert chat.invoke("hi", config) == AIMessage("1:hi")
    assert histories["u", "c1"].messages == [HumanMessage("hi"), AIMessage("1:hi")]
    with pytest.raises(MissingConfigurableError, match="'conversation_id'") as info:
        chat.invoke("hi", {"configurable": {"user_id": "u"}})
    assert info.value.missing == ["conversation_id"]
    assert [s.id for s in chat.config_specs] == ["conversation_id", "user_id"]  # sorted by id


def test_factory_must_return_a_history() -> None:
    def not_a_history(session_id: str) -> Any:
        return []

    chat = RunnableWithMessageHistory(Echo(), not_a_history)
    with pytest.raises(TypeError, match="must return a BaseChatMessageHistory, got list"):
        chat.invoke("hi", cfg("z"))


def test_sqlite_history_under_concurrent_batch(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    opened: list[SQLiteChatMessageHistory] = []

    def get(session_id: str) -> SQLiteChatMessageHistory:
        history = SQLiteChatMessageHistory(session_id, db)
        opened.append(history)
        return history

    chat = RunnableWithMessageHistory(Echo(), get)
    inputs = [f"q{i}" for i in range(12)]
    outs = chat.batch(inputs, [cfg(f"s{i % 3}") for i in range(12)])
    assert len(outs) == 12
    for h in opened:
        h.close()
    with SQLiteChatMessageHistory("s0", db) as s0:
        messages = s0.messages
    assert len(messages) == 8  # four runs, two messages each
    assert sorted(m.text for m in messages[::2]) == ["q0", "q3", "q6", "q9"]


def test_graph_repr_and_types() -> None:
    chat = RunnableWithMessageHistory(Echo(), Store())
    assert chat.get_name() == "RunnableWithMessageHistory"
    names = [n.name for n in chat.get_graph().node_list]
    assert "RunnableWithMessageHistory" in names
    assert repr(chat) == "RunnableWithMessageHistory(Echo())"
    assert chat.output_type == Echo().output_type
    schema = chat.input_schema
    assert schema["title"] == "RunnableWithChatHistoryInput"
    assert {"type": "string"} in schema["anyOf"]
    only_key = RunnableWithMessageHistory(
        RunnableLambda(lambda d: d), Store(), input_messages_key="messages"
    )
    assert only_key.input_schema["required"] == ["messages"]
    assert only_key.input_schema["properties"]["messages"]["type"] == "array"


def test_bound_keywords_reach_the_wrapped_model() -> None:
    store = Store()
    chat = RunnableWithMessageHistory(FakeListChatModel(responses=["a-b"]), store)
    assert chat.bind(stop=["-"]).invoke("hi", cfg("b")) == AIMessage("a")
    assert store.texts("b") == ["human:hi", "ai:a"]
    named = chat.with_config(run_name="memory")
    assert named.invoke("again", cfg("b")) == AIMessage("a-b")
    assert len(store.texts("b")) == 4


def test_async_calls_save_with_aadd_messages_before_returning() -> None:
    class AsyncOnly(InMemoryChatMessageHistory):
        """Records which writer ran; the async one really suspends."""

        def __init__(self) -> None:
            super().__init__()
            self.writers: list[str] = []

        def add_messages(self, messages: Any) -> None:
            self.writers.append("sync")
            super().add_messages(messages)

        async def aadd_messages(self, messages: Any) -> None:
            await asyncio.sleep(0.01)
            self.writers.append("async")
            super().add_messages(messages)

    history = AsyncOnly()
    chat = RunnableWithMessageHistory(Echo(), lambda session_id: history)

    async def main() -> None:
        await chat.ainvoke("a", cfg("s"))
        assert [m.text for m in history.messages] == ["a", "1:a"]
        assert [c async for c in chat.astream("b", cfg("s"))]
        assert [m.text for m in history.messages] == ["a", "1:a", "b", "3:b"]

    asyncio.run(main())
    assert history.writers == ["async", "async"]
    chat.invoke("c", cfg("s"))
    assert history.writers == ["async", "async", "sync"]
