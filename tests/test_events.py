"""``astream_events``: the seed page's example, event shapes, parents, filters, errors, breaks."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, ClassVar, TypeVar

import attrs
import pytest

from lcel import (
    Component,
    Runnable,
    RunnableConfig,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
)
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.messages import AIMessage, AIMessageChunk
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, ChatPromptValue
from lcel.tools import tool
from lcel.tracing import StreamEvent, astream_events
from lcel.vectorstores import InMemoryVectorStore

T = TypeVar("T")

ANSWER = "Harrison worked at Kensho."
TEMPLATE = """Answer the question based only on the following context:
{context}

Question: {question}
"""


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def add_one(x: int) -> int:
    return x + 1


def retrieval_chain(answer: str = ANSWER) -> Runnable[str, str]:
    """The seed page's chain, offline: fake chat model, hashing embeddings."""
    prompt = ChatPromptTemplate.from_template(TEMPLATE)
    store = InMemoryVectorStore.from_texts(
        ["harrison worked at kensho"], embedding=HashingEmbeddings()
    )
    retriever = store.as_retriever()
    model = FakeListChatModel(responses=[answer])
    return (
        {"context": retriever.with_config(run_name="Docs"), "question": RunnablePassthrough()}
        | prompt
        | model.with_config(run_name="my_llm")
        | StrOutputParser()
    )


async def collect(runnable: Runnable[Any, Any], input: Any, **kw: Any) -> list[StreamEvent]:
    return [e async for e in runnable.astream_events(input, **kw)]


def kinds(events: list[StreamEvent]) -> list[tuple[str, str]]:
    return [(e["event"], e["name"]) for e in events]


# -- the seed page's example -------------------------------------------------------------------


def test_seed_example_v1_with_include_names() -> None:
    events = run(
        collect(
            retrieval_chain(),
            "where did harrison work?",
            version="v1",
            include_names=["Docs", "my_llm"],
        )
    )
    # What the seed's loop prints: the documents, then the streamed tokens.
    printed: list[str] = []
    for event in events:
        kind = event["event"]
        if kind == "on_chat_model_stream":
            printed.append(event["data"]["chunk"].content + "|")
        elif kind == "on_chat_model_start":
            printed.append("\nStreaming LLM:\n")
        elif kind == "on_chat_model_end":
            printed.append("\nDone streaming LLM.\n")
        elif kind == "on_retriever_end":
            docs = event["data"]["output"]["documents"]
            printed.append(f"--\nRetrieved the following documents:\n{docs}\n")
    text = "".join(printed)
    assert text.startswith("--\nRetrieved the following documents:\n[Document(")
    assert "harrison worked at kensho" in text
    assert "Streaming LLM:\nH|a|r|r|i|s|o|n| |w|" in text
    assert text.endswith(".|\nDone streaming LLM.\n")

    assert kinds(events)[:3] == [
        ("on_retriever_start", "Docs"),
        ("on_retriever_end", "Docs"),
        ("on_chat_model_start", "my_llm"),
    ]
    assert kinds(events)[-1] == ("on_chat_model_end", "my_llm")
    assert all("parent_ids" not in e for e in events)  # v1 has none
    retriever_end = events[1]
    assert retriever_end["data"]["input"] == {"query": "where did harrison work?"}  # the seed table
    assert retriever_end["data"]["output"] == {
        "documents": [Document(page_content="harrison worked at kensho", id=docs_id(events))]
    }
    assert retriever_end["tags"] == ["map:key:context", "InMemoryVectorStore", "HashingEmbeddings"]
    model_end = events[-1]["data"]["output"]
    assert model_end["llm_output"] is None
    generation = model_end["generations"][0][0]
    assert generation["text"] == ANSWER
    assert isinstance(generation["message"], AIMessage)
    assert generation["message"].content == ANSWER


def docs_id(events: list[StreamEvent]) -> Any:
    for event in events:
        if event["event"] == "on_retriever_end":
            output = event["data"]["output"]
            docs = output["documents"] if isinstance(output, dict) else output
            return docs[0].id
    raise AssertionError("no retriever end")


def test_seed_chain_v2_all_events() -> None:
    events = run(collect(retrieval_chain(), "where did harrison work?"))
    n = len(ANSWER)
    root = events[0]
    assert (root["event"], root["name"]) == ("on_chain_start", "RunnableSequence")
    assert root["data"] == {"input": "where did harrison work?"}
    assert root["parent_ids"] == []
    assert root["tags"] == []
    last = events[-1]
    assert (last["event"], last["name"]) == ("on_chain_end", "RunnableSequence")
    # The root was handed its input: its end carries the output only (as langchain-core).
    assert last["data"] == {"output": ANSWER}
    assert last["run_id"] == root["run_id"]

    counts: dict[str, int] = {}
    for event in events:
        counts[event["event"]] = counts.get(event["event"], 0) + 1
    assert counts == {
        "on_chain_start": 3,  # sequence, parallel, passthrough
        "on_chain_end": 3,
        "on_retriever_start": 1,
        "on_retriever_end": 1,
        "on_prompt_start": 1,
        "on_prompt_end": 1,
        "on_chat_model_start": 1,
        "on_chat_model_stream": n,
        "on_chat_model_end": 1,
        "on_parser_start": 1,
        "on_parser_stream": n,
        "on_parser_end": 1,
        # the root's chunks, then (every step streams) the parallel's two keyed chunks and
        # the passthrough's one; the retriever, like the prompt, reports none
        "on_chain_stream": n + 3,
    }
    by_kind = {e["event"]: e for e in events if not e["event"].endswith("_stream")}
    prompt_end = by_kind["on_prompt_end"]
    assert prompt_end["tags"] == ["seq:step:2"]
    assert isinstance(prompt_end["data"]["output"], ChatPromptValue)
    assert prompt_end["data"]["input"]["question"] == "where did harrison work?"
    model_start = by_kind["on_chat_model_start"]
    assert model_start["name"] == "my_llm"
    assert model_start["tags"] == ["seq:step:3"]
    # shown as LangChain shows it: {"messages": [[...the prompt's messages...]]}
    (shown,) = model_start["data"]["input"]["messages"]
    assert [m.type for m in shown] == ["human"]
    assert "where did harrison work?" in shown[0].content
    model_end = by_kind["on_chat_model_end"]
    assert isinstance(model_end["data"]["output"], AIMessage)
    assert model_end["data"]["output"].content == ANSWER
    retriever_end = by_kind["on_retriever_end"]
    assert retriever_end["data"]["output"] == [
        Document(page_content="harrison worked at kensho", id=docs_id(events))
    ]
    # A step fed a stream learns its input only at its end.
    parser_start = by_kind["on_parser_start"]
    assert parser_start["data"] == {}
    parser_end = by_kind["on_parser_end"]
    assert parser_end["data"]["output"] == ANSWER
    assert parser_end["data"]["input"].content == ANSWER

    model_chunks = [e["data"]["chunk"] for e in events if e["event"] == "on_chat_model_stream"]
    assert all(isinstance(c, AIMessageChunk) for c in model_chunks)
    assert "".join(str(c.content) for c in model_chunks) == ANSWER
    root_chunks = [
        e["data"]["chunk"]
        for e in events
        if e["event"] == "on_chain_stream" and e["name"] == "RunnableSequence"
    ]
    assert "".join(root_chunks) == ANSWER
    # Each model chunk is reported by the model, then the parser, then the root.
    streams = [
        e["event"]
        for e in events
        if e["event"].endswith("_stream") and e["name"] != "RunnablePassthrough"
        and not e["name"].startswith("RunnableParallel")
    ]
    assert streams[:3] == ["on_chat_model_stream", "on_parser_stream", "on_chain_stream"]


def test_v2_parent_ids_and_run_ids() -> None:
    events = run(collect(retrieval_chain(), "q"))
    starts = {e["name"]: e for e in events if e["event"].endswith("_start")}
    root = starts["RunnableSequence"]["run_id"]
    parallel = starts["RunnableParallel<context,question>"]["run_id"]
    assert starts["RunnableParallel<context,question>"]["parent_ids"] == [root]
    assert starts["Docs"]["parent_ids"] == [root, parallel]
    assert starts["RunnablePassthrough"]["parent_ids"] == [root, parallel]
    assert starts["my_llm"]["parent_ids"] == [root]
    assert starts["RunnablePassthrough"]["tags"] == ["map:key:question"]
    ids = [e["run_id"] for e in starts.values()]
    assert len(set(ids)) == len(ids)
    # Every event of a run carries that run's id and parents.
    for event in events:
        assert event["run_id"] == starts[event["name"]]["run_id"]
        assert event["parent_ids"] == starts[event["name"]]["parent_ids"]


def test_event_shape_keys() -> None:
    events = run(collect(FakeListChatModel(responses=["ab"]), "hi"))
    assert [e["event"] for e in events] == [
        "on_chat_model_start",
        "on_chat_model_stream",
        "on_chat_model_stream",
        "on_chat_model_end",
    ]
    for event in events:
        assert set(event) == {"event", "name", "run_id", "parent_ids", "tags", "metadata", "data"}
        assert isinstance(event["run_id"], str)
    v1 = run(collect(FakeListChatModel(responses=["ab"]), "hi", version="v1"))
    assert set(v1[0]) == {"event", "name", "run_id", "tags", "metadata", "data"}


def test_llm_events_stream_strings() -> None:
    chain = FakeListLLM(responses=["hey"]) | StrOutputParser()
    events = run(collect(chain, "hi", include_types=["llm"]))
    assert [e["event"] for e in events] == ["on_llm_start"] + ["on_llm_stream"] * 3 + ["on_llm_end"]
    assert [e["data"]["chunk"] for e in events[1:4]] == ["h", "e", "y"]
    assert events[-1]["data"]["output"] == "hey"
    v1 = run(collect(chain, "hi", include_types=["llm"], version="v1"))
    assert v1[-1]["data"]["output"] == {
        "generations": [[{"text": "hey", "generation_info": None, "type": "Generation"}]],
        "llm_output": None,
    }


def test_tool_and_prompt_have_no_stream_events() -> None:
    @tool
    def some_tool(x: int, y: str) -> dict[str, object]:
        """Some_tool."""
        return {"x": x, "y": y}

    events = run(collect(some_tool, {"x": 1, "y": "2"}))
    assert [(e["event"], e["name"]) for e in events] == [
        ("on_tool_start", "some_tool"),
        ("on_tool_end", "some_tool"),
    ]
    assert events[0]["data"] == {"input": {"x": 1, "y": "2"}}
    assert events[1]["data"]["output"] == {"x": 1, "y": "2"}

    template = ChatPromptTemplate.from_messages(
        [("system", "You are Cat Agent 007"), ("human", "{question}")]
    ).with_config({"run_name": "my_template", "tags": ["my_template"]})
    events = run(collect(template, {"question": "hello"}))
    assert [(e["event"], e["name"]) for e in events] == [
        ("on_prompt_start", "my_template"),
        ("on_prompt_end", "my_template"),
    ]
    assert events[0]["tags"] == ["my_template"]
    assert events[1]["data"]["input"] == {"question": "hello"}
    assert isinstance(events[1]["data"]["output"], ChatPromptValue)


def test_with_config_name_tags_metadata() -> None:
    def format_docs(docs: list[str]) -> str:
        return ", ".join(docs)

    step = RunnableLambda(format_docs).with_config(run_name="fmt", tags=["t1"], metadata={"k": "v"})
    events = run(collect(step, ["hello world!", "goodbye world!"]))
    assert [(e["event"], e["name"]) for e in events] == [
        ("on_chain_start", "fmt"),
        ("on_chain_stream", "fmt"),
        ("on_chain_end", "fmt"),
    ]
    assert all(e["tags"] == ["t1"] and e["metadata"] == {"k": "v"} for e in events)
    assert events[1]["data"] == {"chunk": "hello world!, goodbye world!"}
    assert events[0]["data"] == {"input": ["hello world!", "goodbye world!"]}
    assert events[2]["data"] == {"output": "hello world!, goodbye world!"}
    # The caller's config reaches every run too.
    events = run(collect(step, ["a"], config={"tags": ["outer"], "run_name": "ignored?"}))
    assert events[0]["tags"] == ["outer", "t1"]


def test_invalid_version() -> None:
    with pytest.raises(ValueError, match="v1"):
        RunnablePassthrough().astream_events(1, version="v3")  # type: ignore[arg-type]


def test_module_function_same_as_method() -> None:
    chain = RunnableLambda(add_one)
    via_function = run(_collect_function(chain, 1))
    via_method = run(collect(chain, 1))
    assert kinds(via_function) == kinds(via_method)


async def _collect_function(runnable: Runnable[Any, Any], input: Any) -> list[StreamEvent]:
    return [e async for e in astream_events(runnable, input, version="v2")]


# -- sync code, parallels, batch -----------------------------------------------------------------


def test_sync_lambdas_and_nested_invoke() -> None:
    def inner_fn(x: int) -> int:
        return x + 1

    inner = RunnableLambda(inner_fn) | RunnableLambda(lambda x: x * 2)

    def outer(x: int) -> int:
        return inner.invoke(x) + 100  # a nested call in a worker thread: still traced

    chain = RunnableLambda(outer)
    events = run(collect(chain, 1))
    assert kinds(events) == [
        ("on_chain_start", "outer"),
        ("on_chain_start", "RunnableSequence"),
        ("on_chain_start", "inner_fn"),
        ("on_chain_end", "inner_fn"),
        ("on_chain_start", "RunnableLambda"),
        ("on_chain_end", "RunnableLambda"),
        ("on_chain_end", "RunnableSequence"),
        ("on_chain_stream", "outer"),
        ("on_chain_end", "outer"),
    ]
    outer_id = events[0]["run_id"]
    seq_id = events[1]["run_id"]
    assert events[1]["parent_ids"] == [outer_id]
    assert events[2]["parent_ids"] == [outer_id, seq_id]
    assert events[2]["tags"] == ["seq:step:1"]
    assert events[-1]["data"]["output"] == 104


def test_parallel_branches_interleave_with_correct_parents() -> None:
    chain = RunnableParallel(
        joke=FakeListChatModel(responses=["abc"], chunk_delay=0.001).with_config(run_name="j"),
        poem=FakeListChatModel(responses=["xyz"], chunk_delay=0.001).with_config(run_name="p"),
    )
    events = run(collect(chain, "bears"))
    root = events[0]
    assert root["name"] == "RunnableParallel<joke,poem>"
    for name, key, text in (("j", "joke", "abc"), ("p", "poem", "xyz")):
        mine = [e for e in events if e["name"] == name]
        assert [e["event"] for e in mine] == [
            "on_chat_model_start",
            *["on_chat_model_stream"] * 3,
            "on_chat_model_end",
        ]
        assert all(e["parent_ids"] == [root["run_id"]] for e in mine)
        assert all(e["tags"] == [f"map:key:{key}"] for e in mine)
        assert "".join(str(e["data"]["chunk"].content) for e in mine[1:4]) == text
    # Both models stream at once: their chunks interleave.
    streamers = [e["name"] for e in events if e["event"] == "on_chat_model_stream"]
    assert streamers != sorted(streamers)
    root_chunks = [e["data"]["chunk"] for e in events if e["event"] == "on_chain_stream"]
    assert len(root_chunks) == 6
    assert events[-1]["data"]["output"]["joke"].content == "abc"
    assert events[-1]["data"]["output"]["poem"].content == "xyz"


def test_batch_inside_a_lambda() -> None:
    inner = RunnableLambda(add_one).with_config(run_name="inc")

    def fan(x: int) -> list[int]:
        return inner.batch([x, x + 10])

    events = run(collect(RunnableLambda(fan), 1))
    fan_id = events[0]["run_id"]
    inc = [e for e in events if e["name"] == "inc"]
    assert sorted(e["event"] for e in inc) == ["on_chain_end"] * 2 + ["on_chain_start"] * 2
    assert all(e["parent_ids"] == [fan_id] for e in inc)
    assert len({e["run_id"] for e in inc}) == 2
    assert sorted(e["data"]["output"] for e in inc if e["event"] == "on_chain_end") == [2, 12]
    assert events[-1]["data"]["output"] == [2, 12]


def test_abatch_inside_an_async_lambda() -> None:
    inner = FakeListChatModel(responses=["ok"]).with_config(run_name="m")

    async def fan(x: str) -> list[AIMessage]:
        return await inner.abatch([x, x])

    events = run(collect(RunnableLambda(fan), "q"))
    streams = [e for e in events if e["event"] == "on_chat_model_stream"]
    assert len(streams) == 4  # tokens of both calls, streamed although called with abatch
    assert all(e["parent_ids"] == [events[0]["run_id"]] for e in streams)


def test_callbacks_in_config_still_receive_runs() -> None:
    seen: list[tuple[str, str]] = []

    class Handler:
        def on_start(self, r: Any) -> None:
            seen.append(("start", r.name))

        def on_end(self, r: Any) -> None:
            seen.append(("end", r.name))

    chain = RunnableLambda(add_one).with_config(run_name="a") | RunnableLambda(str)
    events = run(collect(chain, 1, config={"callbacks": [Handler()]}))
    assert events[-1]["data"]["output"] == "2"
    assert ("start", "a") in seen
    assert ("end", "RunnableSequence") in seen


# -- streaming as it happens -------------------------------------------------------------------


@attrs.frozen
class GatedChatModel(Component[Any, AIMessage]):
    """Streams "a", then waits for ``gate`` (set by the test when it saw "a"), then "b"."""

    run_type: ClassVar[str] = "chat_model"
    gate: threading.Event = attrs.field(eq=False)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AIMessage:
        return AIMessage("ab")

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[AIMessage]:
        yield AIMessageChunk("a")
        if not self.gate.wait(5):
            raise TimeoutError("the first chunk was not reported while the model ran")
        yield AIMessageChunk("b")


def test_first_chunk_reported_before_the_model_finishes_inside_invoke_in_a_lambda() -> None:
    gate = threading.Event()
    model = GatedChatModel(gate)

    def ask(x: str) -> str:
        return str((model | StrOutputParser()).invoke(x))  # sync invoke, in a worker thread

    async def main() -> list[StreamEvent]:
        events = []
        async for event in RunnableLambda(ask).astream_events("q"):
            events.append(event)
            if event["event"] == "on_chat_model_stream":
                gate.set()  # only reached if the chunk arrives while the model waits
        return events

    events = run(main())
    names = [e["event"] for e in events]
    assert names.index("on_chat_model_stream") < names.index("on_chat_model_end")
    assert events[-1]["data"]["output"] == "ab"


@attrs.frozen
class AsyncGatedChatModel(Component[Any, AIMessage]):
    run_type: ClassVar[str] = "chat_model"
    gate: asyncio.Event = attrs.field(eq=False)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AIMessage:
        return AIMessage("ab")

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[AIMessage]:
        yield AIMessageChunk("a")
        await asyncio.wait_for(self.gate.wait(), 5)
        yield AIMessageChunk("b")


def test_first_chunk_reported_before_the_model_finishes_in_a_parallel() -> None:
    async def main() -> list[StreamEvent]:
        gate = asyncio.Event()
        chain = RunnableParallel(a=AsyncGatedChatModel(gate)) | RunnableLambda(lambda d: d["a"])
        events = []
        async for event in chain.astream_events("q"):
            events.append(event)
            if event["event"] == "on_chat_model_stream":
                gate.set()
        return events

    events = run(main())
    assert events[-1]["data"]["output"].content == "ab"


# -- errors -----------------------------------------------------------------------------------


def test_failing_step_reports_its_end_with_the_error_then_raises() -> None:
    def boom(x: int) -> int:
        raise ValueError("boom")

    chain = RunnableLambda(add_one).with_config(run_name="ok") | RunnableLambda(boom)

    async def main() -> tuple[list[StreamEvent], BaseException | None]:
        events: list[StreamEvent] = []
        try:
            async for event in chain.astream_events(1):
                events.append(event)
        except ValueError as exc:
            return events, exc
        return events, None

    events, error = run(main())
    assert isinstance(error, ValueError)
    assert str(error) == "boom"
    # langchain-core's order up to the failure (each step streams; a step starts on its
    # first input chunk); then lcel's choice: error end events for the failed runs.
    assert kinds(events) == [
        ("on_chain_start", "RunnableSequence"),
        ("on_chain_start", "ok"),
        ("on_chain_stream", "ok"),
        ("on_chain_start", "boom"),
        ("on_chain_end", "ok"),
        ("on_chain_end", "boom"),
        ("on_chain_end", "RunnableSequence"),
    ]
    boom_end = events[5]["data"]
    assert boom_end["error"] is error
    assert boom_end["input"] == 2
    assert "output" not in boom_end
    assert events[6]["data"]["error"] is error


def test_error_in_a_streaming_model_mid_stream() -> None:
    @attrs.frozen
    class Broken(Component[Any, AIMessage]):
        run_type: ClassVar[str] = "chat_model"

        def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AIMessage:
            raise AssertionError

        async def _astream(
            self, input: Any, config: RunnableConfig, **kwargs: Any
        ) -> AsyncIterator[AIMessage]:
            yield AIMessageChunk("a")
            raise KeyError("mid")

    events: list[StreamEvent] = []

    async def main() -> None:
        async for event in (Broken() | StrOutputParser()).astream_events("q"):
            events.append(event)

    with pytest.raises(KeyError, match="mid"):
        run(main())
    ends = [e for e in events if e["event"].endswith("_end")]
    assert [e["event"] for e in ends] == ["on_chat_model_end", "on_parser_end", "on_chain_end"]
    assert all(isinstance(e["data"]["error"], KeyError) for e in ends)
    assert [e["data"]["chunk"] for e in events if e["event"] == "on_parser_stream"] == ["a"]


# -- filters ----------------------------------------------------------------------------------


def test_filters() -> None:
    chain = retrieval_chain()
    q = "where did harrison work?"

    def names(**kw: Any) -> set[str]:
        return {e["name"] for e in run(collect(chain, q, **kw))}

    assert names(include_names=["Docs"]) == {"Docs"}
    assert names(include_types=["chat_model", "parser"]) == {"my_llm", "StrOutputParser"}
    assert names(include_tags=["seq:step:2"]) == {"ChatPromptTemplate"}
    assert names(include_names=["Docs"], include_types=["prompt"]) == {"Docs", "ChatPromptTemplate"}
    everything = names()
    assert names(exclude_names=["RunnableSequence"]) == everything - {"RunnableSequence"}
    assert names(exclude_types=["chain"]) == {
        "Docs",
        "ChatPromptTemplate",
        "my_llm",
        "StrOutputParser",
    }
    assert names(exclude_tags=["map:key:context", "seq:step:4"]) == everything - {
        "Docs",
        "StrOutputParser",
    }
    assert names(include_types=["chain"], exclude_names=["RunnableSequence"]) == {
        "RunnableParallel<context,question>",
        "RunnablePassthrough",
    }
    # The root is filtered like any other run.
    events = run(collect(chain, q, include_names=["my_llm"]))
    assert events[0]["event"] == "on_chat_model_start"
    assert all(e["name"] == "my_llm" for e in events)


def test_filter_takes_a_list_not_a_string() -> None:
    with pytest.raises(TypeError, match="list of strings"):
        RunnablePassthrough().astream_events(1, include_names="Docs")


# -- leaving early ----------------------------------------------------------------------------


def _other_tasks() -> set[asyncio.Task[Any]]:
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}


def test_break_early_cancels_the_run() -> None:
    async def main() -> None:
        model = FakeListChatModel(responses=["x" * 100], chunk_delay=0.01)
        chain = RunnablePassthrough() | model | StrOutputParser()
        before = _other_tasks()
        seen = 0
        async with contextlib.aclosing(chain.astream_events("q")) as events:
            async for event in events:
                if event["event"] == "on_chat_model_stream":
                    seen += 1
                    if seen == 2:
                        break
        assert _other_tasks() == before

        # A plain ``break`` (no aclosing): the generator is closed when dropped.
        async for event in chain.astream_events("q"):
            if event["event"] == "on_parser_stream":
                break
        for _ in range(20):
            await asyncio.sleep(0)
        assert _other_tasks() == before

    run(main())


def test_break_early_while_a_thread_runs() -> None:
    release = threading.Event()

    def slow(x: str) -> str:
        release.wait(2)
        return x

    async def main() -> None:
        chain = RunnableLambda(lambda x: x).with_config(run_name="first") | RunnableLambda(slow)
        async with contextlib.aclosing(chain.astream_events("q")) as events:
            async for event in events:
                if event["name"] == "slow":
                    break
        assert not _other_tasks()
        release.set()
        await asyncio.sleep(0.05)  # the thread pushes its end into a closed stream: ignored

    run(main())


def test_cancelling_the_consumer_cancels_the_run() -> None:
    async def main() -> None:
        model = FakeListChatModel(responses=["x" * 100], chunk_delay=0.01)

        async def consume() -> None:
            async for _ in model.astream_events("q"):
                pass

        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not _other_tasks()

    run(main())


def test_config_run_id_names_the_root() -> None:
    rid = uuid.uuid4()
    events = run(collect(RunnableLambda(add_one), 1, config={"run_id": rid, "metadata": {"m": 1}}))
    assert events[0]["run_id"] == str(rid)
    assert events[-1]["run_id"] == str(rid)
    assert all(e["metadata"] == {"m": 1} for e in events)


def test_event_order_matches_langchain_for_prompt_model_parser() -> None:
    """The order langchain-core 1.5 reports for the same chain: a parser fed a stream
    starts when its first input chunk arrives, after the model's first chunk."""
    chain = (
        ChatPromptTemplate.from_template("hi {x}")
        | FakeListChatModel(responses=["ab"])
        | StrOutputParser()
    )

    async def main() -> list[tuple[str, str, list[str]]]:
        return [
            (e["event"], e["name"], sorted(e["data"]))
            async for e in chain.astream_events({"x": 1}, version="v2")
        ]

    assert asyncio.run(main()) == [
        ("on_chain_start", "RunnableSequence", ["input"]),
        ("on_prompt_start", "ChatPromptTemplate", ["input"]),
        ("on_prompt_end", "ChatPromptTemplate", ["input", "output"]),
        ("on_chat_model_start", "FakeListChatModel", ["input"]),
        ("on_chat_model_stream", "FakeListChatModel", ["chunk"]),
        ("on_parser_start", "StrOutputParser", []),
        ("on_parser_stream", "StrOutputParser", ["chunk"]),
        ("on_chain_stream", "RunnableSequence", ["chunk"]),
        ("on_chat_model_stream", "FakeListChatModel", ["chunk"]),
        ("on_parser_stream", "StrOutputParser", ["chunk"]),
        ("on_chain_stream", "RunnableSequence", ["chunk"]),
        ("on_chat_model_end", "FakeListChatModel", ["input", "output"]),
        ("on_parser_end", "StrOutputParser", ["input", "output"]),
        ("on_chain_end", "RunnableSequence", ["output"]),
    ]


# -- the peer's shapes (observed with langchain-core 1.5.0, hard-coded here) ---------------------

PEER_THREE_LAMBDAS = [
    ("on_chain_start", "RunnableSequence", ["input"]),
    ("on_chain_start", "a", []),
    ("on_chain_stream", "a", ["chunk"]),
    ("on_chain_start", "b", []),
    ("on_chain_end", "a", ["input", "output"]),
    ("on_chain_stream", "b", ["chunk"]),
    ("on_chain_start", "c", []),
    ("on_chain_end", "b", ["input", "output"]),
    ("on_chain_stream", "c", ["chunk"]),
    ("on_chain_stream", "RunnableSequence", ["chunk"]),
    ("on_chain_end", "c", ["input", "output"]),
    ("on_chain_end", "RunnableSequence", ["output"]),
]


def shapes(events: list[StreamEvent]) -> list[tuple[str, str, list[str]]]:
    return [(e["event"], e["name"], sorted(e["data"])) for e in events]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_sequence_of_non_streaming_steps_streams_every_step_like_the_peer(version: str) -> None:
    chain = (
        RunnableLambda(lambda x: x + 1, name="a")
        | RunnableLambda(lambda x: x * 2, name="b")
        | RunnableLambda(lambda x: x - 3, name="c")
    )
    events = run(collect(chain, 1, version=version))
    assert shapes(events) == PEER_THREE_LAMBDAS
    chunks = [(e["name"], e["data"]["chunk"]) for e in events if e["event"] == "on_chain_stream"]
    assert chunks == [("a", 2), ("b", 4), ("c", 1), ("RunnableSequence", 1)]
    ends = {e["name"]: e["data"] for e in events if e["event"] == "on_chain_end"}
    assert ends["a"] == {"input": 1, "output": 2}
    assert ends["b"] == {"input": 2, "output": 4}
    assert ends["RunnableSequence"] == {"output": 1}


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_root_end_carries_only_the_output_like_the_peer(version: str) -> None:
    events = run(collect(RunnableLambda(lambda x: x + 1, name="one"), 1, version=version))
    assert shapes(events) == [
        ("on_chain_start", "one", ["input"]),
        ("on_chain_stream", "one", ["chunk"]),
        ("on_chain_end", "one", ["output"]),
    ]
    assert events[0]["data"] == {"input": 1}
    assert events[-1]["data"] == {"output": 2}


def test_nested_sequence_and_pick_stream_their_steps_like_the_peer() -> None:
    inner = (
        RunnableLambda(lambda x: x + 1, name="i1") | RunnableLambda(lambda x: x + 2, name="i2")
    ).with_config(run_name="inner")
    pre = RunnableLambda(lambda x: x, name="pre")
    chain = pre | inner | RunnableLambda(lambda x: x, name="post")
    assert shapes(run(collect(chain, 1))) == [
        ("on_chain_start", "RunnableSequence", ["input"]),
        ("on_chain_start", "pre", []),
        ("on_chain_stream", "pre", ["chunk"]),
        ("on_chain_start", "inner", []),
        ("on_chain_start", "i1", []),
        ("on_chain_end", "pre", ["input", "output"]),
        ("on_chain_stream", "i1", ["chunk"]),
        ("on_chain_start", "i2", []),
        ("on_chain_end", "i1", ["input", "output"]),
        ("on_chain_stream", "i2", ["chunk"]),
        ("on_chain_stream", "inner", ["chunk"]),
        ("on_chain_start", "post", []),
        ("on_chain_end", "i2", ["input", "output"]),
        ("on_chain_end", "inner", ["input", "output"]),
        ("on_chain_stream", "post", ["chunk"]),
        ("on_chain_stream", "RunnableSequence", ["chunk"]),
        ("on_chain_end", "post", ["input", "output"]),
        ("on_chain_end", "RunnableSequence", ["output"]),
    ]
    picked = RunnableLambda(lambda x: {"a": x, "b": 2}, name="pre") | RunnablePassthrough().pick(
        "a"
    )
    assert shapes(run(collect(picked, 1))) == [
        ("on_chain_start", "RunnableSequence", ["input"]),
        ("on_chain_start", "pre", []),
        ("on_chain_stream", "pre", ["chunk"]),
        ("on_chain_start", "RunnablePassthrough", []),
        ("on_chain_stream", "RunnablePassthrough", ["chunk"]),
        ("on_chain_start", "RunnablePick<a>", []),
        ("on_chain_stream", "RunnablePick<a>", ["chunk"]),
        ("on_chain_stream", "RunnableSequence", ["chunk"]),
        ("on_chain_end", "pre", ["input", "output"]),
        ("on_chain_end", "RunnablePassthrough", ["input", "output"]),
        ("on_chain_end", "RunnablePick<a>", ["input", "output"]),
        ("on_chain_end", "RunnableSequence", ["output"]),
    ]


def test_untraced_stream_keeps_the_invoke_fast_path() -> None:
    """Nobody listens: a step followed by one that needs its whole input is invoked, not
    streamed; under astream_events the same step streams (to report its chunks)."""
    calls: list[str] = []

    @attrs.frozen
    class Both(Component[int, int]):
        def _invoke(self, input: int, config: RunnableConfig, **kwargs: Any) -> int:
            calls.append("invoke")
            return input

        def _stream(self, input: int, config: RunnableConfig, **kwargs: Any) -> Iterator[int]:
            calls.append("stream")
            yield input

    chain = Both() | RunnableLambda(lambda x: x * 10)
    assert list(chain.stream(1)) == [10]
    assert calls == ["invoke"]
    calls.clear()
    run(collect(chain, 1))
    assert calls == ["stream"]


def keyed_source() -> Runnable[int, dict[str, int]]:
    def gen(chunks: Iterator[int]) -> Iterator[dict[str, int]]:
        for x in chunks:
            yield {"a": x}
            yield {"b": x + 1}

    from lcel import RunnableGenerator

    return RunnableGenerator(gen)


def test_assign_streams_passed_keys_first_then_new_keys_like_the_peer() -> None:
    chain = keyed_source().assign(
        c=RunnableLambda(lambda d: d["a"] + d["b"]), d=RunnableLambda(lambda d: "x")
    )
    chunks = list(chain.stream(1))
    assert chunks[:2] == [{"a": 1}, {"b": 2}]
    assert sorted(chunks[2:], key=lambda c: sorted(c)) == [{"c": 3}, {"d": "x"}]

    async def main() -> list[Any]:
        return [c async for c in chain.astream(1)]

    achunks = run(main())
    assert achunks[:2] == [{"a": 1}, {"b": 2}]
    assert sorted(achunks[2:], key=lambda c: sorted(c)) == [{"c": 3}, {"d": "x"}]
    assert chain.invoke(1) == {"a": 1, "b": 2, "c": 3, "d": "x"}


def test_assign_events_report_each_passed_chunk_before_the_new_keys() -> None:
    chain = keyed_source().assign(c=RunnableLambda(lambda d: d["a"] * 10, name="mk"))
    events = run(collect(chain, 1))
    assert streamed(events, "RunnableAssign<c>") == [{"a": 1}, {"b": 2}, {"c": 10}]
    assert streamed(events, "RunnableSequence") == [{"a": 1}, {"b": 2}, {"c": 10}]


def streamed(events: list[StreamEvent], name: str) -> list[Any]:
    return [
        e["data"]["chunk"]
        for e in events
        if e["event"] == "on_chain_stream" and e["name"] == name
    ]
