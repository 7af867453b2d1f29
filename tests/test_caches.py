"""Model response caches: storage, keys, and hits skipping the model in every mode."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from lcel.caches import (
    BaseCache,
    InMemoryCache,
    SQLiteCache,
    get_llm_cache,
    model_cache_key,
    set_llm_cache,
)
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from lcel.models import BaseChatModel, FakeListChatModel, FakeListLLM
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate


@pytest.fixture(autouse=True)
def no_global_cache() -> Iterator[None]:
    set_llm_cache(None)
    yield
    set_llm_cache(None)


@pytest.fixture(params=["memory", "sqlite"])
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BaseCache]:
    if request.param == "memory":
        yield InMemoryCache()
        return
    with SQLiteCache(tmp_path / "cache.db") as sqlite_cache:
        yield sqlite_cache


def test_storage_round_trip(cache: BaseCache) -> None:
    message = AIMessage(
        "hello there",
        tool_calls=[{"name": "f", "args": {"x": 1}, "id": "1", "type": "tool_call"}],
        response_metadata={"model": "m"},
    )
    assert cache.lookup("p", "m") is None
    cache.update("p", "m", message)
    cache.update("p", "llm", "plain text")
    assert cache.lookup("p", "m") == message
    assert cache.lookup("p", "llm") == "plain text"
    cache.update("p", "m", AIMessageChunk("chunk"))  # stored as a message
    assert type(cache.lookup("p", "m")) is AIMessage

    async def main() -> None:
        await cache.aupdate("q", "m", "async")
        assert await cache.alookup("q", "m") == "async"
        await cache.aclear()
        assert await cache.alookup("q", "m") is None

    asyncio.run(main())
    assert cache.lookup("p", "llm") is None
    with pytest.raises(TypeError, match="stores an AIMessage or a str, got int"):
        cache.update("p", "m", 3)  # type: ignore[arg-type]


def test_in_memory_maxsize_evicts_the_oldest() -> None:
    cache = InMemoryCache(maxsize=2)
    cache.update("a", "m", "1")
    cache.update("b", "m", "2")
    cache.update("a", "m", "1 again")  # an update is not a new entry
    cache.update("c", "m", "3")
    assert cache.lookup("a", "m") is None
    assert cache.lookup("b", "m") == "2"
    assert cache.lookup("c", "m") == "3"
    assert len(cache) == 2
    with pytest.raises(ValueError, match="maxsize must be a positive int"):
        InMemoryCache(maxsize=0)


def test_sqlite_cache_persists_json_in_wal(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    with SQLiteCache(db) as first:
        first.update("p", "m", AIMessage("stored"))
    with SQLiteCache(db) as second:
        assert second.lookup("p", "m") == AIMessage("stored")
    raw = sqlite3.connect(db)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        (text,) = raw.execute("SELECT answer FROM llm_cache").fetchone()
    finally:
        raw.close()
    assert json.loads(text)["message"]["content"] == "stored"
    closed = SQLiteCache(db)
    closed.close()
    with pytest.raises(RuntimeError, match="is closed"):
        closed.lookup("p", "m")


@attrs.frozen
class Counting(BaseChatModel):
    """Answers "<n>:<last text>" where n counts its calls; streams word by word."""

    temperature: float = 0.0
    api_key: str = attrs.field(default="sk-secret-value", repr=False)
    calls: list[int] = attrs.field(factory=list, eq=False, repr=False)

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> AIMessage:
        self.calls.append(1)
        return AIMessage(f"{len(self.calls)}: {messages[-1].text} answer")

    def _stream_chunks(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> Iterator[AIMessageChunk]:
        text = self._generate(messages, stop, **kwargs).text
        for word in text.split(" "):
            yield AIMessageChunk(word + " ")


def test_a_hit_skips_the_model_and_is_marked(cache: BaseCache) -> None:
    model = Counting(cache=cache)
    first = model.invoke("hi")
    assert first == AIMessage("1: hi answer")
    second = model.invoke("hi")
    assert second.content == "1: hi answer"
    assert second.response_metadata == {"cached": True}
    assert len(model.calls) == 1
    # other messages, stop, options or parameters are other keys
    assert model.invoke("other").content == "2: other answer"
    assert model.bind(stop=["x"]).invoke("hi").content == "3: hi answer"
    assert model.bind(tools=[{"name": "t"}]).invoke("hi").content == "4: hi answer"
    assert model.bind(tools=[{"name": "t"}]).invoke("hi").content == "4: hi answer"
    hotter = Counting(temperature=0.7, cache=cache)
    assert hotter.invoke("hi").content == "1: hi answer"
    assert len(hotter.calls) == 1


def test_streaming_a_hit_yields_chunks_and_a_fresh_stream_is_stored(cache: BaseCache) -> None:
    model = Counting(cache=cache)
    fresh = list(model.stream("hi"))
    assert "".join(str(c.content) for c in fresh) == "1: hi answer "
    assert len(model.calls) == 1
    again = list(model.stream("hi"))
    assert len(again) > 1
    assert all(isinstance(c, AIMessageChunk) for c in again)
    assert "".join(str(c.content) for c in again) == "1: hi answer "
    assert again[0].response_metadata == {"cached": True}
    assert len(model.calls) == 1
    assert model.invoke("hi").content == "1: hi answer "  # invoke hits what stream stored

    # an abandoned stream stores nothing
    it = model.stream("abandon")
    next(it)
    it.close()  # type: ignore[attr-defined]
    assert model.invoke("abandon").content.startswith("3:")  # type: ignore[union-attr]


def test_async_and_batch_modes(cache: BaseCache) -> None:
    model = Counting(cache=cache)

    async def main() -> None:
        assert (await model.ainvoke("a")).content == "1: a answer"
        hit = await model.ainvoke("a")
        assert hit.response_metadata == {"cached": True}
        chunks = [c async for c in model.astream("a")]
        assert len(chunks) > 1
        assert "".join(str(c.content) for c in chunks) == "1: a answer"
        fresh = [c async for c in model.astream("b")]
        assert "".join(str(c.content) for c in fresh) == "2: b answer "
        assert (await model.ainvoke("b")).content == "2: b answer "
        assert [m.content for m in await model.abatch(["a", "b"])] == [
            "1: a answer",
            "2: b answer ",
        ]

    asyncio.run(main())
    outs = model.batch(["a", "b", "c"], {"max_concurrency": 1})
    assert [m.content for m in outs] == ["1: a answer", "2: b answer ", "3: c answer"]
    assert len(model.calls) == 3


def test_llm_cache_and_text_chunks(cache: BaseCache) -> None:
    llm = FakeListLLM(responses=["first answer", "second answer"], cache=cache)
    assert llm.invoke("q") == "first answer"
    assert llm.invoke("q") == "first answer"  # without the cache: "second answer"
    assert llm.invoke("other") == "second answer"
    pieces = list(llm.stream("q"))
    assert pieces == ["first ", "answer"]


def test_global_cache_and_opt_out() -> None:
    shared = InMemoryCache()
    set_llm_cache(shared)
    assert get_llm_cache() is shared
    uses_global = Counting()
    uses_global.invoke("hi")
    assert uses_global.invoke("hi").response_metadata == {"cached": True}
    required = Counting(cache=True)
    assert required.invoke("hi").response_metadata == {"cached": True}
    opted_out = Counting(cache=False)
    opted_out.invoke("hi")
    opted_out.invoke("hi")
    assert len(opted_out.calls) == 2
    set_llm_cache(None)
    with pytest.raises(ValueError, match=r"cache=True\) needs a global cache"):
        Counting(cache=True).invoke("hi")
    with pytest.raises(TypeError, match="set_llm_cache\\(\\) takes a BaseCache"):
        set_llm_cache("memory")  # type: ignore[arg-type]


def test_hit_is_visible_in_events() -> None:
    chain = ChatPromptTemplate.from_template("{q}") | Counting(cache=InMemoryCache())
    chain.invoke({"q": "hi"})

    async def main() -> list[Any]:
        return [e async for e in chain.astream_events({"q": "hi"})]

    events = asyncio.run(main())
    end = next(e for e in events if e["event"] == "on_chat_model_end")
    assert end["data"]["output"].response_metadata == {"cached": True}
    streamed = [e for e in events if e["event"] == "on_chat_model_stream"]
    assert len(streamed) > 1


def test_key_is_stable_json_and_leaves_secrets_out() -> None:
    model = Counting(temperature=0.5)
    prompt_key, llm_key = model_cache_key(model, [HumanMessage("hi")], ["\n"], {"tools": [1]})
    assert json.loads(prompt_key)[0]["content"] == "hi"
    data = json.loads(llm_key)
    assert data["params"] == {"temperature": 0.5}
    assert data["stop"] == ["\n"]
    assert data["options"] == {"tools": [1]}
    assert "sk-secret" not in llm_key
    assert llm_key == model_cache_key(Counting(temperature=0.5), "x", ["\n"], {"tools": [1]})[1]
    fake_key = model_cache_key(FakeListChatModel(responses=["a"]), "x", None, {})[1]
    assert '"responses": ["a"]' in fake_key


def test_chain_with_parser_uses_the_cache() -> None:
    model = Counting(cache=InMemoryCache())
    chain = model | StrOutputParser()
    assert chain.invoke("x") == "1: x answer"
    assert "".join(chain.stream("x")) == "1: x answer"
    assert len(model.calls) == 1
