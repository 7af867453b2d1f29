"""with_listeners: once per run of the runnable itself, in every mode; sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator, Iterator

import pytest

from lcel import RunnableBinding, RunnableLambda
from lcel.callbacks import Run
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, object, object]] = []

    def start(self, run: Run) -> None:
        assert run.end_time is None
        self.calls.append(("start", run.name, run.input, None))

    def end(self, run: Run) -> None:
        assert run.end_time is not None
        assert run.end_time >= run.start_time
        self.calls.append(("end", run.name, run.input, run.output))

    def error(self, run: Run) -> None:
        self.calls.append(("error", run.name, run.input, repr(run.error)))


def chain_of(rec: Recorder) -> RunnableBinding[int, int]:
    inner = RunnableLambda(lambda x: x + 1) | RunnableLambda(lambda x: x * 2)
    return inner.with_listeners(on_start=rec.start, on_end=rec.end, on_error=rec.error)


EXPECTED = [("start", "RunnableSequence", 1, None), ("end", "RunnableSequence", 1, 4)]


def test_invoke_fires_once_for_the_root_run() -> None:
    rec = Recorder()
    assert chain_of(rec).invoke(1) == 4
    assert rec.calls == EXPECTED


def test_stream_batch_and_async_modes() -> None:
    rec = Recorder()
    chain = chain_of(rec)
    assert list(chain.stream(1)) == [4]
    assert rec.calls == EXPECTED
    rec.calls.clear()
    assert chain.batch([1, 2]) == [4, 6]
    assert sorted(rec.calls, key=str) == sorted(
        [*EXPECTED, ("start", "RunnableSequence", 2, None), ("end", "RunnableSequence", 2, 6)],
        key=str,
    )
    rec.calls.clear()

    async def main() -> None:
        assert await chain.ainvoke(1) == 4
        assert rec.calls == EXPECTED
        rec.calls.clear()
        assert [c async for c in chain.astream(1)] == [4]
        assert rec.calls == EXPECTED
        rec.calls.clear()
        assert await chain.abatch([1, 2]) == [4, 6]
        assert len(rec.calls) == 4
        rec.calls.clear()
        events = [e["event"] async for e in chain.astream_events(1)]
        assert events[0] == "on_chain_start"
        assert rec.calls == EXPECTED

    asyncio.run(main())


def test_streamed_output_is_the_sum_of_chunks() -> None:
    rec = Recorder()
    model = FakeListChatModel(responses=["hey"])
    chain = (model | StrOutputParser()).with_listeners(on_end=rec.end)
    assert "".join(chain.stream("hi")) == "hey"
    assert rec.calls == [("end", "RunnableSequence", "hi", "hey")]


def test_error_listener_gets_the_exception_and_end_does_not_fire() -> None:
    rec = Recorder()

    def boom(x: int) -> int:
        raise ValueError(f"bad {x}")

    chain = RunnableLambda(boom).with_listeners(
        on_start=rec.start, on_end=rec.end, on_error=rec.error
    )
    with pytest.raises(ValueError, match="bad 3"):
        chain.invoke(3)
    assert rec.calls == [("start", "boom", 3, None), ("error", "boom", 3, "ValueError('bad 3')")]


def test_listener_on_a_step_fires_for_that_step_only() -> None:
    rec = Recorder()
    step = RunnableLambda(lambda x: x * 10).with_config(run_name="times10")
    chain = RunnableLambda(lambda x: x + 1) | step.with_listeners(on_end=rec.end) | str
    assert chain.invoke(1) == "20"
    assert rec.calls == [("end", "times10", 2, 20)]


def test_nested_invoke_inside_the_runnable_is_not_a_root() -> None:
    rec = Recorder()
    def dec(x: int) -> int:
        return x - 1

    helper = RunnableLambda(dec)

    def outer(x: int) -> int:
        return helper.invoke(x) * 3

    chain = RunnableLambda(outer).with_listeners(on_start=rec.start, on_end=rec.end)
    assert chain.invoke(5) == 12
    assert [c[:2] for c in rec.calls] == [("start", "outer"), ("end", "outer")]


def test_async_listeners_run() -> None:
    seen: list[str] = []

    async def on_end(run: Run) -> None:
        seen.append(f"end {run.output}")

    chain = RunnableLambda(lambda x: x + 1).with_listeners(on_end=on_end)
    assert chain.invoke(1) == 2  # no loop: run to completion
    assert seen == ["end 2"]

    async def main() -> None:
        assert await chain.ainvoke(2) == 3
        for _ in range(100):  # scheduled on the loop: give it turns
            if len(seen) == 2:
                break
            await asyncio.sleep(0)

    asyncio.run(main())
    assert seen == ["end 2", "end 3"]


def test_generator_runnables_and_early_close() -> None:
    rec = Recorder()

    def gen(x: str) -> Iterator[str]:
        yield from x

    chain = RunnableLambda(gen).with_listeners(on_end=rec.end, on_error=rec.error)
    it = chain.stream("abc")
    assert next(it) == "a"
    assert isinstance(it, Generator)
    it.close()  # abandoned: the run did not end well
    assert [c[0] for c in rec.calls] == ["error"]

    async def agen(x: str) -> AsyncIterator[str]:
        for ch in x:
            yield ch

    rec2 = Recorder()
    achain = RunnableLambda(agen).with_listeners(on_end=rec2.end)

    async def main() -> list[str]:
        return [c async for c in achain.astream("xy")]

    assert asyncio.run(main()) == ["x", "y"]
    assert rec2.calls == [("end", "agen", "xy", "xy")]


def test_types_name_and_bad_listener() -> None:
    r = RunnableLambda(lambda x: x)
    tags: list[list[str]] = []
    bound = r.with_listeners(on_end=lambda run: tags.append(run.tags))
    assert bound.get_name() == r.get_name()
    assert bound.input_type is r.input_type
    # composes like any binding: a config added later reaches the run the listener sees
    assert bound.with_config(tags=["t"]).invoke(7) == 7
    assert tags == [["t"]]
    with pytest.raises(TypeError, match="takes a function of the run"):
        r.with_listeners(on_end="not callable")  # type: ignore[arg-type]
