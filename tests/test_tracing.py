"""The tracing mechanism under the streams: callbacks, batch, nesting, filters."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from lcel import RunnableLambda, RunnableParallel
from lcel._interpreter._trace import Run
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.tracing import StreamEvent, _Filter, _make_filter

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class Recorder:
    """A callback handler recording (event, name, id, parent id) from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.log: list[tuple[str, str, str, str | None]] = []
        self.chunks: list[tuple[str, Any]] = []

    def _add(self, kind: str, r: Run) -> None:
        parent = r.parent_ids[-1] if r.parent_ids else None
        with self.lock:
            self.log.append((kind, r.name, str(r.id), parent))

    def on_start(self, r: Run) -> None:
        self._add("start", r)

    def on_stream(self, r: Run, chunk: Any) -> None:
        with self.lock:
            self.chunks.append((r.name, chunk))

    def on_end(self, r: Run) -> None:
        self._add("end", r)

    def on_error(self, r: Run) -> None:
        self._add("error", r)


def inc(x: int) -> int:
    return x + 1


def dbl(x: int) -> int:
    return x * 2


def roots(log: list[tuple[str, str, str, str | None]]) -> list[str]:
    return [i for kind, _, i, parent in log if kind == "start" and parent is None]


def test_batch_under_callbacks_one_tree_per_input() -> None:
    rec = Recorder()
    chain = RunnableLambda(inc) | RunnableLambda(dbl)
    assert chain.batch([1, 2, 3], config={"callbacks": [rec]}) == [4, 6, 8]
    tops = roots(rec.log)
    assert len(tops) == 3
    for top in tops:
        children = [(k, n) for k, n, _, p in rec.log if p == top]
        assert sorted(children) == [
            ("end", "dbl"),
            ("end", "inc"),
            ("start", "dbl"),
            ("start", "inc"),
        ]
    assert sum(1 for k, *_ in rec.log if k == "end") == 9


def test_abatch_under_callbacks_with_concurrency() -> None:
    rec = Recorder()
    chain = RunnableParallel(a=RunnableLambda(inc), b=RunnableLambda(dbl))
    out = run(chain.abatch([1, 2], config={"callbacks": [rec], "max_concurrency": 1}))
    assert out == [{"a": 2, "b": 2}, {"a": 3, "b": 4}]
    tops = roots(rec.log)
    assert len(tops) == 2
    for top in tops:
        assert sorted(n for k, n, _, p in rec.log if p == top and k == "start") == ["dbl", "inc"]


def test_callbacks_see_errors_and_chunks() -> None:
    rec = Recorder()

    def boom(x: int) -> int:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        (RunnableLambda(inc) | RunnableLambda(boom)).invoke(1, {"callbacks": [rec]})
    assert [(k, n) for k, n, _, _ in rec.log] == [
        ("start", "RunnableSequence"),
        ("start", "inc"),
        ("end", "inc"),
        ("start", "boom"),
        ("error", "boom"),
        ("error", "RunnableSequence"),
    ]
    rec = Recorder()
    chain = ChatPromptTemplate.from_template("{x}") | FakeListChatModel(responses=["ab"])
    assert "".join(str(c.content) for c in chain.stream({"x": 1}, {"callbacks": [rec]})) == "ab"
    assert [n for n, _ in rec.chunks].count("FakeListChatModel") == 2


def test_nested_astream_events_reports_to_both_streams() -> None:
    inner = RunnableLambda(inc).with_config(run_name="inner_inc")

    async def outer_fn(x: int) -> list[str]:
        return [e["event"] async for e in inner.astream_events(x)]

    async def main() -> list[StreamEvent]:
        return [e async for e in RunnableLambda(outer_fn).astream_events(1)]

    events = run(main())
    inner_events = [e for e in events if e["name"] == "inner_inc"]
    assert [e["event"] for e in inner_events] == [
        "on_chain_start",
        "on_chain_stream",
        "on_chain_end",
    ]
    assert inner_events[0]["parent_ids"] == [events[0]["run_id"]]
    assert events[-1]["data"]["output"] == ["on_chain_start", "on_chain_stream", "on_chain_end"]


def test_events_and_log_run_from_a_worker_thread_loop() -> None:
    """``asyncio.run`` in another thread: the stream belongs to that thread's loop."""
    result: list[Any] = []

    def target() -> None:
        async def main() -> None:
            chain = FakeListChatModel(responses=["hi"]) | StrOutputParser()
            result.append([e["event"] async for e in chain.astream_events("q")])

        asyncio.run(main())

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(10)
    assert result
    assert result[0][0] == "on_chain_start"
    assert result[0][-1] == "on_chain_end"


def _run(name: str, run_type: str, tags: list[str]) -> Run:
    return Run(object(), uuid.uuid4(), None, name, run_type, tags, {}, None)


def test_filter_rules() -> None:
    assert _make_filter(None, None, None, None, None, None) is None
    f = _Filter(["a"], ["llm"], ["t"], None, None, None)
    assert f(_run("a", "chain", []))
    assert f(_run("b", "llm", []))
    assert f(_run("b", "chain", ["x", "t"]))
    assert not f(_run("b", "chain", ["x"]))
    g = _Filter(None, None, None, ["a"], ["llm"], ["t"])
    assert not g(_run("a", "chain", []))
    assert not g(_run("b", "llm", []))
    assert not g(_run("b", "chain", ["t"]))
    assert g(_run("b", "chain", ["u"]))
    both = _Filter(None, ["chain"], None, ["a"], None, None)
    assert both(_run("b", "chain", []))
    assert not both(_run("a", "chain", []))
    assert not both(_run("b", "tool", []))
