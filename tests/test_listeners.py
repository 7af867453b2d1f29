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


# -- async listeners are awaited, in order, before the call returns -----------------------------


class AsyncRecorder:
    """Async listeners that yield to the loop before recording (a real await)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def start(self, run: Run) -> None:
        await asyncio.sleep(0.01)  # a slow start must still finish before the end runs
        self.calls.append(f"start {run.input}")

    async def end(self, run: Run) -> None:
        await asyncio.sleep(0)
        self.calls.append(f"end {run.output}")

    async def error(self, run: Run) -> None:
        await asyncio.sleep(0)
        self.calls.append(f"error {run.error!r}")


def test_async_listeners_finish_before_each_async_call_returns() -> None:
    rec = AsyncRecorder()

    def body(x: int) -> int:
        rec.calls.append(f"body {x}")  # the start listener has finished already
        return x + 1

    chain = RunnableLambda(body).with_listeners(on_start=rec.start, on_end=rec.end)

    async def main() -> None:
        assert await chain.ainvoke(1) == 2
        assert rec.calls == ["start 1", "body 1", "end 2"]
        rec.calls.clear()
        assert [c async for c in chain.astream(2)] == [3]
        assert rec.calls == ["start 2", "body 2", "end 3"]
        rec.calls.clear()
        assert await chain.abatch([3, 4]) == [4, 5]
        assert sorted(rec.calls) == ["body 3", "body 4", "end 4", "end 5", "start 3", "start 4"]
        for x in (3, 4):
            expected = [f"start {x}", f"body {x}", f"end {x + 1}"]
            assert [c for c in rec.calls if c in expected] == expected
        rec.calls.clear()
        events = [e["event"] async for e in chain.astream_events(5)]
        assert events == ["on_chain_start", "on_chain_stream", "on_chain_end"]
        assert rec.calls == ["start 5", "body 5", "end 6"]

    asyncio.run(main())


def test_async_error_listener_is_awaited_before_the_error_propagates() -> None:
    rec = AsyncRecorder()

    def boom(x: int) -> int:
        raise ValueError(f"bad {x}")

    chain = RunnableLambda(boom).with_listeners(on_start=rec.start, on_error=rec.error)

    async def main() -> None:
        with pytest.raises(ValueError, match="bad 1"):
            await chain.ainvoke(1)
        assert rec.calls == ["start 1", "error ValueError('bad 1')"]

    asyncio.run(main())


def test_async_listener_under_sync_invoke_inside_a_running_loop_completes() -> None:
    rec = AsyncRecorder()
    chain = RunnableLambda(lambda x: x * 2).with_listeners(on_start=rec.start, on_end=rec.end)

    async def main() -> int:
        return chain.invoke(4)  # sync call made from async code: the loop is busy here

    assert asyncio.run(main()) == 8
    assert rec.calls == ["start 4", "end 8"]


# -- listener errors: logged as LangChain does, the call goes on ---------------------------------


def test_listener_errors_are_logged_and_do_not_fail_the_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def bad(run: Run) -> None:
        raise RuntimeError("sync listener broke")

    async def abad(run: Run) -> None:
        await asyncio.sleep(0)
        raise RuntimeError("async listener broke")

    after: list[str] = []

    def ok(run: Run) -> None:
        after.append(run.name)

    r = RunnableLambda(lambda x: x + 1, name="inc")
    with caplog.at_level("WARNING", logger="lcel.callbacks"):
        assert r.with_listeners(on_end=bad).invoke(1) == 2
        assert asyncio.run(r.with_listeners(on_end=abad).ainvoke(1)) == 2
        assert r.with_listeners(on_start=abad).invoke(1) == 2  # sync call, async listener
        # one failing listener does not stop the others
        chain = r.with_listeners(on_end=bad).with_listeners(on_end=ok)
        assert chain.invoke(1) == 2
    messages = [rec.getMessage() for rec in caplog.records]
    assert messages == [
        "Error in RootListeners.on_end callback: RuntimeError('sync listener broke')",
        "Error in RootListeners.on_end callback: RuntimeError('async listener broke')",
        "Error in RootListeners.on_start callback: RuntimeError('async listener broke')",
        "Error in RootListeners.on_end callback: RuntimeError('sync listener broke')",
    ]
    assert all(rec.exc_info is not None for rec in caplog.records)  # with the traceback
    assert after == ["inc"]


def test_a_handler_with_raise_error_fails_the_call() -> None:
    class Strict:
        raise_error = True

        async def on_end(self, run: Run) -> None:
            raise RuntimeError(f"refused {run.output}")

    r = RunnableLambda(lambda x: x + 1)
    with pytest.raises(RuntimeError, match="refused 2"):
        r.invoke(1, {"callbacks": [Strict()]})
    with pytest.raises(RuntimeError, match="refused 3"):
        asyncio.run(r.ainvoke(2, {"callbacks": [Strict()]}))


# -- the run record: LangChain's inputs/outputs, end_time set for every handler ------------------


def test_run_inputs_and_outputs_have_langchain_shapes() -> None:
    seen: list[tuple[str, object, object]] = []

    def start(run: Run) -> None:
        seen.append(("start", run.inputs, run.outputs))

    def end(run: Run) -> None:
        seen.append(("end", run.inputs, run.outputs))

    def listen(r: RunnableLambda[object, object]) -> RunnableBinding[object, object]:
        return r.with_listeners(on_start=start, on_end=end, on_error=end)

    assert listen(RunnableLambda(lambda x: x)).invoke(3) == 3
    assert listen(RunnableLambda(lambda d: {"a": d})).invoke({"q": 1}) == {"a": {"q": 1}}
    assert listen(RunnableLambda(lambda x: [x])).invoke([1, 2]) == [[1, 2]]
    assert listen(RunnableLambda(lambda x: None)).invoke(None) is None

    def boom(x: object) -> object:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        listen(RunnableLambda(boom)).invoke(5)

    def gen(x: str) -> Iterator[str]:
        yield from x

    assert "".join(listen(RunnableLambda(gen)).stream("ab")) == "ab"
    # the values langchain-core 1.5.0 gives for the same runs
    assert seen == [
        ("start", {"input": 3}, None),
        ("end", {"input": 3}, {"output": 3}),
        ("start", {"q": 1}, None),
        ("end", {"q": 1}, {"a": {"q": 1}}),
        ("start", {"input": [1, 2]}, None),
        ("end", {"input": [1, 2]}, {"output": [[1, 2]]}),
        ("start", {"input": None}, None),
        ("end", {"input": None}, {"output": None}),
        ("start", {"input": 5}, None),
        ("end", {"input": 5}, {}),
        ("start", {"input": "ab"}, None),
        ("end", {"input": "ab"}, {"output": "ab"}),
    ]


def test_every_handler_sees_end_time() -> None:
    times: list[tuple[str, bool]] = []

    class Plain:
        def on_start(self, run: Run) -> None:
            times.append(("start", run.end_time is None))

        def on_end(self, run: Run) -> None:
            times.append(("end", run.end_time is not None and run.end_time >= run.start_time))

        def on_error(self, run: Run) -> None:
            times.append(("error", run.end_time is not None))

    def boom(x: int) -> int:
        raise ValueError("no")

    assert RunnableLambda(lambda x: x).invoke(1, {"callbacks": [Plain()]}) == 1
    with pytest.raises(ValueError, match="no"):
        RunnableLambda(boom).invoke(1, {"callbacks": [Plain()]})
    assert times == [("start", True), ("end", True), ("start", True), ("error", True)]
