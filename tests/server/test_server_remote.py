"""RemoteRunnable against a real lcel server, and LangChain's own client against it too."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

pytest.importorskip("starlette", reason="lcel.server needs the server extra")

from lcel import RunnableGenerator, RunnableLambda
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from lcel.server import RemoteRunnable, RemoteRunnableError, add_routes, create_app

Serve = Callable[[Any], Any]
SECRET = "sk-remote-secret-42"


def shout(x: str) -> str:
    if x == "fail":
        raise ValueError("no")
    return x.upper() + "!"


def words(chunks: Iterator[str]) -> Iterator[str]:
    text = "".join(chunks)
    yield from (w + " " for w in text.split())


def chat(messages: list[BaseMessage]) -> AIMessage:
    return AIMessage(f"echo: {messages[-1].content}")


def chat_stream(messages: Iterator[list[BaseMessage]]) -> Iterator[AIMessageChunk]:
    for part in ("he", "llo"):
        yield AIMessageChunk(part)


def configured(x: str, config: Any) -> str:
    return f"{x}:{dict(config.get('configurable', {})).get('who', '-')}"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    from tests.server.conftest import serve  # the module-scoped server needs the helper

    app = create_app()
    add_routes(app, RunnableLambda(shout), "/shout")
    add_routes(app, RunnableGenerator(words), "/words")
    add_routes(app, RunnableLambda(chat), "/chat")
    add_routes(app, RunnableGenerator(chat_stream), "/chat_stream")
    add_routes(app, RunnableLambda(configured), "/configured")
    with serve(app) as s:
        yield s.url


def test_invoke_in_every_mode(url: str) -> None:
    remote = RemoteRunnable[str, str](f"{url}/shout")
    assert remote.invoke("hi") == "HI!"
    assert asyncio.run(remote.ainvoke("hi")) == "HI!"
    assert remote.batch(["a", "b", "c"]) == ["A!", "B!", "C!"]
    assert asyncio.run(remote.abatch(["a", "b"])) == ["A!", "B!"]
    assert list(remote.stream("hi")) == ["HI!"]


def test_streams_chunk_by_chunk(url: str) -> None:
    remote = RemoteRunnable[str, str](f"{url}/words")
    assert list(remote.stream("one two three")) == ["one ", "two ", "three "]

    async def collect() -> list[str]:
        return [c async for c in remote.astream("a b")]

    assert asyncio.run(collect()) == ["a ", "b "]
    assert remote.invoke("x y") == "x y "


def test_composes_with_pipe_and_runs_events_and_log(url: str) -> None:
    remote = RemoteRunnable[str, str](f"{url}/words")
    chain = RunnableLambda(str.lower) | remote | RunnableLambda(str.strip)
    assert chain.invoke("HELLO THERE") == "hello there"

    async def events() -> list[dict[str, Any]]:
        return [e async for e in chain.astream_events("A B", version="v2")]

    got = asyncio.run(events())
    names = [(e["event"], e["name"]) for e in got]
    assert ("on_chain_start", "RemoteRunnable") in names
    assert ("on_chain_end", "RemoteRunnable") in names
    streamed = [e["data"]["chunk"] for e in got
                if e["event"] == "on_chain_stream" and e["name"] == "RemoteRunnable"]
    assert streamed == ["a ", "b "]

    async def log() -> Any:
        final = None
        async for patch in remote.astream_log("p q"):
            final = patch if final is None else final + patch
        return final

    state = asyncio.run(log()).state
    assert state["streamed_output"] == ["p ", "q "]
    assert state["final_output"] == "p q "


def test_batch_with_return_exceptions(url: str) -> None:
    remote = RemoteRunnable[str, str](f"{url}/shout")
    out = remote.batch(["a", "fail", "c"], return_exceptions=True)
    assert out[0] == "A!"
    assert out[2] == "C!"
    assert isinstance(out[1], RemoteRunnableError)
    assert out[1].status_code == 500
    out = asyncio.run(remote.abatch(["fail", "b"], return_exceptions=True))
    assert isinstance(out[0], RemoteRunnableError)
    assert out[1] == "B!"
    with pytest.raises(RemoteRunnableError, match="500"):
        remote.batch(["a", "fail"])


def test_errors_are_clear_and_hide_secrets(url: str) -> None:
    remote = RemoteRunnable[str, str](f"{url}/shout", headers={"authorization": SECRET})
    assert SECRET not in repr(remote)
    with pytest.raises(RemoteRunnableError) as info:
        remote.invoke("fail")
    assert info.value.status_code == 500
    assert SECRET not in str(info.value)
    with pytest.raises(RemoteRunnableError) as info:
        RemoteRunnable[int, str](f"{url}/shout").invoke(3)  # type: ignore[arg-type]
    assert info.value.status_code == 422
    assert "input" in str(info.value)
    with pytest.raises(RemoteRunnableError, match="404"):
        RemoteRunnable[str, str](f"{url}/nope").invoke("x")
    with pytest.raises(ValueError, match="http"):
        RemoteRunnable[str, str]("ftp://x")


def test_messages_come_back_as_lcel_classes(url: str) -> None:
    remote = RemoteRunnable[list[BaseMessage], AIMessage](f"{url}/chat")
    out = remote.invoke([HumanMessage("hi")])
    assert out == AIMessage("echo: hi")
    chunks = list(RemoteRunnable[list[BaseMessage], AIMessageChunk](f"{url}/chat_stream")
                  .stream([HumanMessage("x")]))
    assert chunks == [AIMessageChunk("he"), AIMessageChunk("llo")]


def test_configurable_is_sent(url: str) -> None:
    remote = RemoteRunnable[str, str](f"{url}/configured")
    assert remote.invoke("x", {"configurable": {"who": "me"}}) == "x:me"
    assert remote.with_config(configurable={"who": "you"}).invoke("y") == "y:you"


# -- LangChain's client ---------------------------------------------------------------------------

HAS_LANGSERVE = all(importlib.util.find_spec(m) is not None
                    for m in ("langserve", "langchain_core", "fastapi", "sse_starlette"))
needs_langserve = pytest.mark.skipif(
    not HAS_LANGSERVE, reason="LangServe is not installed: pip install -e '.[langserve]'"
)


@needs_langserve
def test_langserve_remote_runnable_invokes_and_streams(url: str) -> None:
    from langchain_core.messages import AIMessage as LcAIMessage
    from langchain_core.messages import AIMessageChunk as LcAIMessageChunk
    from langchain_core.messages import HumanMessage as LcHumanMessage
    from langserve import RemoteRunnable as LangServeRemote

    remote = LangServeRemote(f"{url}/shout")
    assert remote.invoke("hi") == "HI!"
    assert remote.batch(["a", "b"]) == ["A!", "B!"]
    assert list(LangServeRemote(f"{url}/words").stream("one two")) == ["one ", "two "]

    async def astream() -> list[str]:
        return [c async for c in LangServeRemote(f"{url}/words").astream("x y")]

    assert asyncio.run(astream()) == ["x ", "y "]
    out = LangServeRemote(f"{url}/chat").invoke([LcHumanMessage("hello")])
    assert isinstance(out, LcAIMessage)
    assert out.content == "echo: hello"
    chunks = list(LangServeRemote(f"{url}/chat_stream").stream([LcHumanMessage("x")]))
    assert all(isinstance(c, LcAIMessageChunk) for c in chunks)
    assert "".join(str(c.content) for c in chunks) == "hello"
    assert LangServeRemote(f"{url}/configured").invoke(
        "z", {"configurable": {"who": "lc"}}) == "z:lc"


@needs_langserve
def test_langserve_remote_runnable_events_and_log(url: str) -> None:
    from langserve import RemoteRunnable as LangServeRemote

    remote = LangServeRemote(f"{url}/words")

    async def run() -> tuple[list[Any], list[Any]]:
        events = [e async for e in remote.astream_events("a b", version="v2")]
        patches = [p async for p in remote.astream_log("a b")]
        return events, patches

    events, patches = asyncio.run(run())
    chunks = [e["data"]["chunk"] for e in events
              if e["event"] == "on_chain_stream" and e["name"] == "words"]
    assert chunks == ["a ", "b "]
    final = patches[0]
    for p in patches[1:]:
        final = final + p
    assert final.state["final_output"] == "a b "


@needs_langserve
def test_langserve_client_sees_server_errors(url: str) -> None:
    import httpx
    from langserve import RemoteRunnable as LangServeRemote

    with pytest.raises(httpx.HTTPStatusError) as info:
        LangServeRemote(f"{url}/shout").invoke("fail")
    assert info.value.response.status_code == 500


@needs_langserve
def test_remote_runnable_calls_a_langserve_server(served: Serve) -> None:
    from fastapi import FastAPI
    from langchain_core.messages import AIMessage as LcAIMessage
    from langchain_core.messages import BaseMessage as LcBaseMessage
    from langchain_core.runnables import RunnableGenerator as LcGenerator
    from langchain_core.runnables import RunnableLambda as LcLambda
    from langserve import add_routes as langserve_add_routes

    async def pieces(inputs: AsyncIterator[str]) -> AsyncIterator[str]:
        text = "".join([x async for x in inputs])
        for word in text.split():
            yield word + " "

    def answer(messages: list[Any]) -> LcAIMessage:
        return LcAIMessage(f"{len(messages)} messages")

    app = FastAPI()
    langserve_add_routes(app, LcLambda(shout).with_types(input_type=str, output_type=str),
                         path="/shout")
    langserve_add_routes(app, LcGenerator(pieces).with_types(input_type=str, output_type=str),
                         path="/pieces")
    langserve_add_routes(
        app, LcLambda(answer).with_types(input_type=list[LcBaseMessage], output_type=LcAIMessage),
        path="/answer",
    )
    with served(app) as s:
        remote = RemoteRunnable[str, str](f"{s.url}/shout")
        assert remote.invoke("hi") == "HI!"
        assert remote.batch(["a", "b"]) == ["A!", "B!"]
        assert list(RemoteRunnable[str, str](f"{s.url}/pieces").stream("x y z")) == [
            "x ", "y ", "z "
        ]

        async def collect() -> list[str]:
            return [c async for c in RemoteRunnable[str, str](f"{s.url}/pieces").astream("p q")]

        assert asyncio.run(collect()) == ["p ", "q "]
        out = RemoteRunnable[list[BaseMessage], AIMessage](f"{s.url}/answer").invoke(
            [HumanMessage("a"), HumanMessage("b")]
        )
        assert out == AIMessage("2 messages")
        with pytest.raises(RemoteRunnableError) as info:
            remote.invoke("fail")
        assert info.value.status_code == 500
