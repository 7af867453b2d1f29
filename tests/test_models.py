"""Chat models, LLMs and the offline fakes."""

from __future__ import annotations

import asyncio
import doctest
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from lcel import RunnableLambda
from lcel.errors import InputValidationError
from lcel.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from lcel.models import BaseChatModel, BaseLLM, FakeListChatModel, FakeListLLM
from lcel.prompts import ChatPromptTemplate, ChatPromptValue, StringPromptValue
from lcel.tracing import StreamEvent

# -- fake chat model ---------------------------------------------------------------------------


def test_fake_chat_model_cycles_through_responses() -> None:
    model = FakeListChatModel(responses=["one", "two"])
    assert [model.invoke("q").content for _ in range(5)] == ["one", "two", "one", "two", "one"]


def test_fake_chat_model_identity() -> None:
    model = FakeListChatModel(responses=["a"])
    assert model.run_type == "chat_model"
    assert model.get_name() == "FakeListChatModel"
    assert model.responses == ("a",)
    # the cursor is state, not part of the value
    model.invoke("q")
    assert model == FakeListChatModel(responses=["a"])
    assert hash(model) == hash(FakeListChatModel(responses=["a"]))
    assert repr(model) == "FakeListChatModel(responses=('a',), chunk_delay=None, delay=None)"


def test_fake_chat_model_streams_one_character_per_chunk() -> None:
    model = FakeListChatModel(responses=["Hey!"])
    chunks = list(model.stream("q"))
    assert chunks == [AIMessageChunk(c) for c in "Hey!"]
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    assert total.to_message() == model.invoke("q") == AIMessage("Hey!")


def test_streamed_chunks_finalize_to_the_invoke_message() -> None:
    model = FakeListChatModel(responses=["ab"])
    total = AIMessageChunk("a", id="1") + AIMessageChunk("b")
    assert model._finalize(total) == AIMessage("ab", id="1")
    assert type(model._finalize(total)) is AIMessage
    assert model._finalize(None) == AIMessage("")


def test_invoke_under_events_still_returns_a_message() -> None:
    model = FakeListChatModel(responses=["ab"])

    def ask(question: str) -> AIMessage:
        return model.invoke(question)  # events stream the model's tokens even here

    async def main() -> list[StreamEvent]:
        return [e async for e in RunnableLambda(ask).astream_events("q", version="v2")]

    events = asyncio.run(main())
    streamed = [e["data"]["chunk"] for e in events if e["event"] == "on_chat_model_stream"]
    assert streamed == [AIMessageChunk("a"), AIMessageChunk("b")]
    output = events[-1]["data"]["output"]
    assert output == AIMessage("ab")
    assert type(output) is AIMessage


def test_empty_response_streams_one_empty_chunk() -> None:
    assert list(FakeListChatModel(responses=[""]).stream("q")) == [AIMessageChunk("")]


def test_fake_chat_model_inputs() -> None:
    model = FakeListChatModel(responses=["ok"])
    for value in [
        "text",
        StringPromptValue("text"),
        ChatPromptValue([HumanMessage("x")]),
        [HumanMessage("x"), AIMessage("y")],
        [("system", "s"), ("human", "h")],
        [{"role": "user", "content": "u"}],
        HumanMessage("single"),
    ]:
        assert model.invoke(value) == AIMessage("ok")  # type: ignore[arg-type]


def test_bad_input_names_the_type() -> None:
    model = FakeListChatModel(responses=["ok"])
    with pytest.raises(InputValidationError, match=r"FakeListChatModel expects a str, a "
                       r"PromptValue or a list of messages, got dict: \{'topic': 'bears'\}"):
        model.invoke({"topic": "bears"})  # type: ignore[arg-type]
    with pytest.raises(InputValidationError, match="FakeListChatModel: message 1: expected"):
        model.invoke(["ok", 3])  # type: ignore[list-item]
    with pytest.raises(InputValidationError, match="got int"):
        list(model.stream(3))  # type: ignore[arg-type]


def test_stop_truncates_at_the_first_stop_string() -> None:
    model = FakeListChatModel(responses=["one. two! three"])
    assert model.bind(stop=["!", "."]).invoke("q") == AIMessage("one")
    assert model.bind(stop="three").invoke("q") == AIMessage("one. two! ")
    assert "".join(str(c.content) for c in model.bind(stop=["!"]).stream("q")) == "one. two"
    with pytest.raises(InputValidationError, match="stop must be a str or a list of str"):
        model.bind(stop=5).invoke("q")


def test_fake_needs_responses() -> None:
    with pytest.raises(InputValidationError, match="at least one response"):
        FakeListChatModel(responses=[])
    with pytest.raises(InputValidationError, match="wrap it in a list"):
        FakeListChatModel(responses="abc")
    with pytest.raises(InputValidationError, match=r"responses\[1\] must be a str"):
        FakeListLLM(responses=["a", 1])  # type: ignore[list-item]
    with pytest.raises(InputValidationError, match="chunk_delay must be a number"):
        FakeListLLM(responses=["a"], chunk_delay=-1)


def test_chunk_delay_between_chunks() -> None:
    model = FakeListChatModel(responses=["abcd"], chunk_delay=0.02)
    start = time.perf_counter()
    assert len(list(model.stream("q"))) == 4
    assert time.perf_counter() - start >= 0.05


def test_closing_the_stream_early_does_not_drain_the_fake() -> None:
    model = FakeListChatModel(responses=["x" * 50, "second"], chunk_delay=0.02)
    start = time.perf_counter()
    stream = model.stream("q")
    assert next(stream) == AIMessageChunk("x")
    stream.close()  # type: ignore[attr-defined]
    assert time.perf_counter() - start < 0.5
    assert model.invoke("q") == AIMessage("second")


def test_cursor_is_thread_safe_in_batches() -> None:
    model = FakeListChatModel(responses=["a", "b", "c", "d"])
    outputs = model.batch(["q"] * 40, {"max_concurrency": 8})
    assert Counter(m.content for m in outputs) == {"a": 10, "b": 10, "c": 10, "d": 10}


def test_fake_chat_model_async_is_native() -> None:
    model = FakeListChatModel(responses=["ab", "cd"], chunk_delay=0.001)

    async def main() -> tuple[AIMessage, list[AIMessageChunk], set[int]]:
        threads: set[int] = set()
        first = await model.ainvoke("q")
        chunks = []
        async for chunk in model.astream("q"):
            threads.add(threading.get_ident())
            chunks.append(chunk)
        return first, chunks, threads

    first, chunks, threads = asyncio.run(main())
    assert first == AIMessage("ab")
    assert chunks == [AIMessageChunk("c"), AIMessageChunk("d")]
    assert len(threads) == 1


def test_delay_simulates_latency_and_runs_concurrently() -> None:
    model = FakeListChatModel(responses=["a"], delay=0.1)
    start = time.perf_counter()
    assert len(model.batch(["q"] * 4)) == 4
    assert time.perf_counter() - start < 0.35

    async def main() -> list[AIMessage]:
        return await model.abatch(["q"] * 4)

    start = time.perf_counter()
    assert len(asyncio.run(main())) == 4
    assert time.perf_counter() - start < 0.35


# -- fake LLM ----------------------------------------------------------------------------------


def test_fake_llm() -> None:
    llm = FakeListLLM(responses=["foo", "bar"])
    assert llm.run_type == "llm"
    assert llm.invoke("q") == "foo"
    assert list(llm.stream("q")) == ["b", "a", "r"]
    assert llm.bind(stop=["o"]).invoke(ChatPromptValue([HumanMessage("x")])) == "f"

    async def main() -> tuple[str, list[str]]:
        return await llm.ainvoke("q"), [c async for c in llm.astream("q")]

    assert asyncio.run(main()) == ("bar", ["f", "o", "o"])


# -- custom models -----------------------------------------------------------------------------


@attrs.frozen
class EchoModel(BaseChatModel):
    """Implements only ``_generate``: echoes the messages it saw, and the bound options."""

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> AIMessage:
        seen = " | ".join(f"{m.type}:{m.text}" for m in messages)
        return AIMessage(seen, response_metadata={"stop": stop, **kwargs})


def test_custom_model_gets_coerced_messages_and_bound_options() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "be {mood}"), ("human", "{q}")])
    chain = prompt | EchoModel().bind(stop=["x"], temperature=0)
    out = chain.invoke({"mood": "kind", "q": "hi"})
    assert out.content == "system:be kind | human:hi"
    assert out.response_metadata == {"stop": ["x"], "temperature": 0}


def test_custom_model_without_streaming_streams_one_chunk() -> None:
    chunks = list(EchoModel().stream("hi"))
    assert chunks == [AIMessageChunk("human:hi", response_metadata={"stop": None})]

    async def main() -> tuple[AIMessage, list[AIMessageChunk]]:
        return await EchoModel().ainvoke("a"), [c async for c in EchoModel().astream("b")]

    whole, achunks = asyncio.run(main())
    assert whole.content == "human:a"
    assert [c.content for c in achunks] == ["human:b"]


@attrs.frozen
class StreamOnlyModel(BaseChatModel):
    """Implements only ``_stream_chunks``."""

    def _stream_chunks(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> Iterator[AIMessageChunk]:
        for word in ["a", "b", "c"]:
            yield AIMessageChunk(word, id="run-1")


def test_stream_only_model_invokes_by_joining_chunks() -> None:
    assert StreamOnlyModel().invoke("q") == AIMessage("abc", id="run-1")

    async def main() -> tuple[AIMessage, list[str]]:
        return (
            await StreamOnlyModel().ainvoke("q"),
            [str(c.content) async for c in StreamOnlyModel().astream("q")],
        )

    assert asyncio.run(main()) == (AIMessage("abc", id="run-1"), ["a", "b", "c"])


@attrs.frozen
class PromptRecordingLLM(BaseLLM):
    """Returns the prompt text it received."""

    def _generate_text(self, prompt: str, stop: list[str] | None, **kwargs: Any) -> str:
        return prompt


def test_llm_renders_messages_as_a_transcript() -> None:
    llm = PromptRecordingLLM()
    assert llm.invoke("plain") == "plain"
    assert llm.invoke([SystemMessage("s"), HumanMessage("h")]) == "System: s\nHuman: h"
    assert llm.invoke(ChatPromptValue([HumanMessage("h")])) == "Human: h"
    assert list(llm.stream("x")) == ["x"]
    with pytest.raises(InputValidationError, match="PromptRecordingLLM expects a str"):
        llm.invoke(3.5)  # type: ignore[arg-type]


def test_unimplemented_model_says_what_to_implement() -> None:
    @attrs.frozen
    class Nothing(BaseChatModel):
        pass

    with pytest.raises(NotImplementedError, match="Nothing must implement _generate"):
        Nothing().invoke("q")


def test_docstring_examples() -> None:
    import lcel.models

    result = doctest.testmod(lcel.models, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_fakes_copy_and_pickle() -> None:
    import copy
    import pickle

    for fake in (FakeListChatModel(responses=["a", "b"]), FakeListLLM(responses=["a", "b"])):
        fake.invoke("x")  # advance: the copies start where the original is
        for clone in (copy.deepcopy(fake), pickle.loads(pickle.dumps(fake))):
            assert clone == fake
            out = clone.invoke("x")
            assert (out if isinstance(out, str) else out.content) == "b"


def test_cancelling_a_thread_driven_stream_waits_for_the_step_then_closes() -> None:
    """A model that streams only synchronously is driven from a worker thread in async
    code; cancelling the consumer mid-token must not close the generator while the worker
    still runs it (``ValueError: generator already executing``): it closes it after."""
    closed = threading.Event()
    in_step = threading.Event()

    @attrs.frozen
    class SlowTokens(BaseChatModel):
        def _stream_chunks(
            self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
        ) -> Iterator[AIMessageChunk]:
            try:
                for i in range(100):
                    in_step.set()
                    time.sleep(0.05)  # one token's work, in the worker thread
                    yield AIMessageChunk(str(i))
            finally:
                closed.set()

    async def consume() -> list[str]:
        return [c.text async for c in SlowTokens().astream("hi")]

    async def main() -> None:
        task = asyncio.create_task(consume())
        while not in_step.is_set():
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)  # cancel while the worker is inside next()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert closed.is_set()  # the generator was closed, after its step returned
