"""The foundation's primitives in every mode (sync, async, batch, stream)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from returns.result import Failure, Success

from lcel import (
    RunnableBranch,
    RunnableConfig,
    RunnableGenerator,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
    RunnablePick,
    RunnableSequence,
    chain,
)
from lcel.errors import InputValidationError, LcelError, RecursionLimitError


def inc(x: int) -> int:
    return x + 1


def double(x: int) -> int:
    return x * 2


async def ainc(x: int) -> int:
    await asyncio.sleep(0)
    return x + 1


def arun(coro: Any) -> Any:
    return asyncio.run(coro)


async def collect(ait: AsyncIterator[Any]) -> list[Any]:
    return [c async for c in ait]


# -- lambdas ---


def test_lambda_every_mode() -> None:
    r = RunnableLambda(inc)
    assert r.invoke(1) == 2
    assert arun(r.ainvoke(1)) == 2
    assert r.batch([1, 2, 3]) == [2, 3, 4]
    assert arun(r.abatch([1, 2])) == [2, 3]
    assert list(r.stream(1)) == [2]
    assert arun(collect(r.astream(1))) == [2]


def test_async_lambda_runs_sync_and_async() -> None:
    r = RunnableLambda(ainc)
    assert arun(r.ainvoke(1)) == 2
    assert r.invoke(1) == 2  # no loop running: driven to completion
    assert r.get_name() == "ainc"


def test_lambda_with_afunc_uses_it_in_async() -> None:
    seen: list[str] = []

    def f(x: int) -> int:
        seen.append("sync")
        return x

    async def af(x: int) -> int:
        seen.append("async")
        return x

    r = RunnableLambda(f, afunc=af)
    r.invoke(1)
    arun(r.ainvoke(1))
    assert seen == ["sync", "async"]


def test_lambda_names() -> None:
    assert RunnableLambda(inc).get_name() == "inc"
    assert RunnableLambda(lambda x: x).get_name() == "RunnableLambda"
    assert RunnableLambda(inc).with_config(run_name="plus").get_name() == "plus"


def test_lambda_receives_config() -> None:
    def f(x: int, config: RunnableConfig) -> list[str]:
        return list(config.get("tags", []))

    r = RunnableLambda(f)
    assert r.invoke(1, {"tags": ["a"]}) == ["a"]
    assert r.with_config(tags=["b"]).invoke(1, {"tags": ["a"]}) == ["a", "b"]


def test_lambda_types_from_annotations() -> None:
    assert RunnableLambda(inc).input_type is int
    assert RunnableLambda(inc).output_type is int


def test_not_a_function_is_rejected() -> None:
    with pytest.raises(TypeError, match="needs a function"):
        RunnableLambda(3)  # type: ignore[call-overload]


def test_sync_generator_lambda_gets_combined_input_and_streams() -> None:
    def gen(text: str) -> Iterator[str]:
        for word in text.split():
            yield word.upper() + " "

    r = RunnableLambda(gen)
    assert list(r.stream("a b c")) == ["A ", "B ", "C "]
    assert r.invoke("a b") == "A B "
    # upstream chunks are combined with + before the generator sees them
    up = RunnableGenerator(_chars)
    assert list((up | r).stream("xy z")) == ["XY ", "Z "]
    assert arun(collect((up | r).astream("xy z"))) == ["XY ", "Z "]


def _chars(chunks: Iterator[str]) -> Iterator[str]:
    for chunk in chunks:
        yield from chunk


async def _achars(chunks: AsyncIterator[str]) -> AsyncIterator[str]:
    async for chunk in chunks:
        for c in chunk:
            yield c


def test_async_generator_lambda() -> None:
    async def agen(text: str) -> AsyncIterator[str]:
        for c in text:
            yield c

    r = RunnableLambda(agen)
    assert arun(collect(r.astream("ab"))) == ["a", "b"]
    assert arun(r.ainvoke("ab")) == "ab"


def test_runnable_generator_transforms_chunks() -> None:
    g = RunnableGenerator(_chars)
    assert list(g.stream("abc")) == ["a", "b", "c"]
    assert g.invoke("abc") == "abc"
    assert list(g.transform(iter(["ab", "c"]))) == ["a", "b", "c"]
    ag = RunnableGenerator(_achars)
    assert arun(collect(ag.astream("ab"))) == ["a", "b"]
    assert arun(ag.ainvoke("ab")) == "ab"


def test_chain_decorator() -> None:
    @chain
    def shout(s: str) -> str:
        return s.upper()

    assert shout.invoke("a") == "A"
    assert shout.get_name() == "shout"


# -- sequences ---


def test_sequence_flattens_and_is_equal_by_value() -> None:
    a, b, c = RunnableLambda(inc), RunnableLambda(double), RunnableLambda(str)
    left = (a | b) | c
    right = a | (b | c)
    assert isinstance(left, RunnableSequence)
    assert isinstance(right, RunnableSequence)
    assert left.steps == right.steps == (a, b, c)
    assert left == right
    assert hash(left) == hash(right)
    assert left.invoke(1) == "4"


def test_composition_does_not_mutate() -> None:
    a, b = RunnableLambda(inc), RunnableLambda(double)
    seq = a | b
    seq2 = seq | a
    assert len(seq.steps) == 2  # type: ignore[attr-defined]
    assert len(seq2.steps) == 3  # type: ignore[attr-defined]


def test_callable_and_dict_coercion() -> None:
    r = RunnableLambda(inc) | {"a": double, "b": RunnablePassthrough()}
    assert r.invoke(1) == {"a": 4, "b": 2}
    r2 = {"x": inc} | RunnableLambda(lambda d: d["x"] * 10)
    assert r2.invoke(1) == 20
    r3 = inc | RunnableLambda(double)
    assert r3.invoke(1) == 4
    assert RunnableLambda(inc).pipe(double, str).invoke(1) == "4"


def test_bad_composition_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="cannot compose int"):
        RunnableLambda(inc) | 3  # type: ignore[operator]


def test_deep_sequence_every_mode() -> None:
    seq = RunnableSequence(*[RunnableLambda(inc) for _ in range(1000)])
    assert seq.invoke(0) == 1000
    assert list(seq.stream(0)) == [1000]
    assert seq.batch([0, 1]) == [1000, 1001]
    assert arun(seq.ainvoke(0)) == 1000
    assert arun(collect(seq.astream(0))) == [1000]
    passthroughs = RunnableSequence(*[RunnablePassthrough() for _ in range(1000)])
    assert list(passthroughs.stream(5)) == [5]


def test_sequence_streams_through_transforming_steps() -> None:
    seen: list[str] = []

    def source(text: str) -> Iterator[str]:
        for c in text:
            seen.append(f"produced {c}")
            yield c

    def upper(chunks: Iterator[str]) -> Iterator[str]:
        for c in chunks:
            seen.append(f"transformed {c}")
            yield c.upper()

    seq = RunnableLambda(source) | RunnableGenerator(upper)
    it = seq.stream("ab")
    assert next(it) == "A"
    assert seen == ["produced a", "transformed a"]  # nothing buffered before the first chunk
    assert list(it) == ["B"]


def test_closing_a_stream_stops_the_source() -> None:
    produced: list[int] = []

    def source(x: int) -> Iterator[int]:
        for i in range(1000):
            produced.append(i)
            yield i

    seq = RunnableLambda(inc) | RunnableLambda(source)
    it = seq.stream(0)
    assert next(it) == 0
    it.close()
    assert produced == [0]


def test_closing_an_async_stream_stops_the_source() -> None:
    produced: list[int] = []

    async def source(x: int) -> AsyncIterator[int]:
        for i in range(1000):
            produced.append(i)
            yield i

    async def main() -> None:
        it = (RunnableLambda(inc) | RunnableLambda(source)).astream(0)
        assert await it.__anext__() == 0
        await it.aclose()  # type: ignore[attr-defined]

    arun(main())
    assert produced == [0]


# -- parallel ---


def test_parallel_every_mode_and_name() -> None:
    p = RunnableParallel(a=inc, b=RunnableLambda(double))
    assert p.get_name() == "RunnableParallel<a,b>"
    assert p.invoke(3) == {"a": 4, "b": 6}
    assert arun(p.ainvoke(3)) == {"a": 4, "b": 6}
    assert p.batch([1, 2]) == [{"a": 2, "b": 2}, {"a": 3, "b": 4}]
    for chunks in (list(p.stream(3)), arun(collect(p.astream(3)))):
        # one chunk per branch, in arrival order; together they make the invoke output
        assert sorted(chunks, key=lambda c: next(iter(c))) == [{"a": 4}, {"b": 6}]
    assert RunnableParallel({"x": inc}).invoke(1) == {"x": 2}


def test_parallel_streams_each_branch_as_it_goes() -> None:
    def words(x: str) -> Iterator[str]:
        yield from x.split()

    p = RunnableParallel(w=words, n=lambda x: len(x))
    chunks = list(p.stream("a b c"))
    assert [c for c in chunks if "w" in c] == [{"w": "a"}, {"w": "b"}, {"w": "c"}]
    assert {"n": 5} in chunks
    produced: list[int] = []

    def endless(x: int) -> Iterator[int]:
        for i in range(10_000):
            produced.append(i)
            time.sleep(0.001)
            yield i

    it = RunnableParallel(e=endless).stream(0)
    assert next(it) == {"e": 0}
    it.close()
    count = len(produced)
    time.sleep(0.05)
    assert len(produced) == count < 100  # the branch stopped with the stream


def test_parallel_runs_branches_concurrently() -> None:
    def slow(x: int) -> int:
        time.sleep(0.2)
        return x

    p = RunnableParallel(a=slow, b=slow, c=slow, d=slow)
    start = time.perf_counter()
    p.invoke(1)
    assert time.perf_counter() - start < 0.6  # generous: serial would take 0.8 s

    async def aslow(x: int) -> int:
        await asyncio.sleep(0.2)
        return x

    ap = RunnableParallel(a=aslow, b=aslow, c=aslow, d=aslow)
    start = time.perf_counter()
    arun(ap.ainvoke(1))
    assert time.perf_counter() - start < 0.6


def test_failing_branch_cancels_async_siblings() -> None:
    cancelled = asyncio.Event

    state: dict[str, Any] = {"cancelled": False, "finished": False}

    async def slow(x: int) -> int:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            state["cancelled"] = True
            raise
        state["finished"] = True
        return x

    async def boom(x: int) -> int:
        await asyncio.sleep(0.01)
        raise KeyError("boom")

    p = RunnableParallel(slow=slow, boom=boom)
    with pytest.raises(KeyError, match="boom"):
        arun(p.ainvoke(1))
    assert state == {"cancelled": True, "finished": False}
    del cancelled


def test_cancelling_the_caller_cancels_every_task() -> None:
    started: list[int] = []
    cancelled: list[int] = []

    async def slow(x: int) -> int:
        started.append(x)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(x)
            raise
        return x

    async def main() -> None:
        task = asyncio.ensure_future(RunnableLambda(slow).abatch([1, 2, 3]))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # every task started for the batch has finished (cancelled), none is left running
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert others == []

    arun(main())
    assert sorted(started) == [1, 2, 3]
    assert sorted(cancelled) == [1, 2, 3]


def test_sync_parallel_error_propagates_unchanged() -> None:
    def bad(x: int) -> int:
        raise ZeroDivisionError("nope")

    with pytest.raises(ZeroDivisionError, match="nope"):
        RunnableParallel(a=inc, b=bad).invoke(1)


# -- passthrough, assign, pick ---


def test_passthrough_assign_pick() -> None:
    assert RunnablePassthrough().invoke({"a": 1}) == {"a": 1}
    assign = RunnablePassthrough.assign(b=lambda d: d["a"] + 1)
    assert assign.invoke({"a": 1}) == {"a": 1, "b": 2}
    assert arun(assign.ainvoke({"a": 1})) == {"a": 1, "b": 2}
    r = RunnableParallel(a=inc, b=double)
    assert r.pick("a").invoke(3) == 4
    assert r.pick(["b"]).invoke(3) == {"b": 6}
    assert r.assign(c=lambda d: d["a"] + d["b"]).invoke(3) == {"a": 4, "b": 6, "c": 10}
    with pytest.raises(InputValidationError, match="expects a dict input, got int"):
        assign.invoke(3)


def test_passthrough_func_sees_the_input() -> None:
    seen: list[Any] = []
    p = RunnablePassthrough(func=seen.append)
    assert p.invoke(1) == 1
    assert list(p.stream(2)) == [2]
    assert seen == [1, 2]


# -- branch ---


def test_branch_every_mode() -> None:
    b = RunnableBranch(
        (lambda x: x > 0, RunnableLambda(lambda x: "pos")),
        (lambda x: x < 0, RunnableLambda(lambda x: "neg")),
        RunnableLambda(lambda x: "zero"),
    )
    assert [b.invoke(1), b.invoke(-1), b.invoke(0)] == ["pos", "neg", "zero"]
    assert arun(b.ainvoke(-3)) == "neg"
    assert list(b.stream(0)) == ["zero"]
    with pytest.raises(ValueError, match="at least one"):
        RunnableBranch(RunnableLambda(inc))  # type: ignore[call-overload]


# -- wrappers ---


def test_bind_passes_keywords() -> None:
    def add(x: int, *, step: int = 1) -> int:
        return x + step

    r = RunnableLambda(add)
    assert r.invoke(1) == 2
    assert r.bind(step=10).invoke(1) == 11
    assert arun(r.bind(step=5).ainvoke(1)) == 6
    assert r.bind(step=2).bind(step=3).invoke(0) == 3
    assert r.with_retry().bind(step=4).invoke(0) == 4
    with pytest.raises(TypeError, match=r"bind\(step=\.\.\.\) on RunnableSequence"):
        (r | r).bind(step=2)


def test_with_config_tags_and_bad_config() -> None:
    with pytest.raises(TypeError, match="unknown RunnableConfig key"):
        RunnableLambda(inc).invoke(1, {"tagz": []})  # type: ignore[typeddict-unknown-key]


def test_retry_retries_then_raises() -> None:
    calls: list[int] = []
    sleeps: list[float] = []

    def flaky(x: int) -> int:
        calls.append(x)
        if len(calls) < 3:
            raise ConnectionError("flaky")
        return x

    r = RunnableLambda(flaky).with_retry(stop_after_attempt=3, sleep=sleeps.append)
    assert r.invoke(7) == 7
    assert len(calls) == 3
    assert len(sleeps) == 2
    calls.clear()
    r2 = RunnableLambda(flaky).with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    with pytest.raises(ConnectionError):
        r2.invoke(1)
    assert len(calls) == 2


def test_retry_only_on_listed_exceptions() -> None:
    calls: list[int] = []

    def bad(x: int) -> int:
        calls.append(x)
        raise ValueError("no")

    r = RunnableLambda(bad).with_retry(
        retry_if_exception_type=(KeyError,), wait_exponential_jitter=False
    )
    with pytest.raises(ValueError, match="no"):
        r.invoke(1)
    assert calls == [1]


def test_async_retry_uses_injected_sleep() -> None:
    calls: list[int] = []
    slept: list[float] = []

    async def flaky(x: int) -> int:
        calls.append(x)
        if len(calls) < 2:
            raise ConnectionError("flaky")
        return x

    async def fake_sleep(d: float) -> None:
        slept.append(d)

    r = RunnableLambda(flaky).with_retry(asleep=fake_sleep)
    assert arun(r.ainvoke(3)) == 3
    assert len(slept) == 1


def test_fallbacks() -> None:
    def bad(x: dict[str, Any]) -> str:
        raise ValueError("primary failed")

    def good(x: dict[str, Any]) -> str:
        return f"fallback saw {type(x.get('error')).__name__}"

    r = RunnableLambda(bad).with_fallbacks([RunnableLambda(good)], exception_key="error")
    assert r.invoke({"q": 1}) == "fallback saw ValueError"
    assert arun(r.ainvoke({"q": 1})) == "fallback saw ValueError"
    plain = RunnableLambda(bad).with_fallbacks([RunnableLambda(lambda x: "ok")])
    assert plain.invoke({}) == "ok"
    only_key = RunnableLambda(bad).with_fallbacks(
        [RunnableLambda(good)], exceptions_to_handle=(KeyError,)
    )
    with pytest.raises(ValueError, match="primary failed"):
        only_key.invoke({})


def test_stream_fallback_only_before_first_chunk() -> None:
    def fails_late(x: str) -> Iterator[str]:
        yield "a"
        raise ValueError("late")

    def fails_early(x: str) -> Iterator[str]:
        raise ValueError("early")
        yield "never"

    fallback = RunnableLambda(lambda x: "fb")
    early = RunnableLambda(fails_early).with_fallbacks([fallback])
    assert list(early.stream("x")) == ["fb"]
    late = RunnableLambda(fails_late).with_fallbacks([fallback])
    it = late.stream("x")
    assert next(it) == "a"
    with pytest.raises(ValueError, match="late"):
        next(it)


def test_map() -> None:
    assert RunnableLambda(inc).map().invoke([1, 2, 3]) == [2, 3, 4]
    assert arun(RunnableLambda(inc).map().ainvoke([1])) == [2]
    with pytest.raises(InputValidationError, match="expects a list"):
        RunnableLambda(inc).map().invoke(3)  # type: ignore[arg-type]


def test_with_types_overrides() -> None:
    r = RunnableLambda(lambda x: x).with_types(input_type=str, output_type=int)
    assert r.input_type is str
    assert r.output_type is int


# -- recursion ---


def test_lambda_returning_runnable_runs_it() -> None:
    r = RunnableLambda(lambda x: RunnableLambda(inc) if x > 0 else RunnableLambda(double))
    assert r.invoke(1) == 2
    assert r.invoke(-2) == -4
    assert list(r.stream(1)) == [2]
    assert arun(r.ainvoke(1)) == 2


def _hops(n: int) -> RunnableLambda[Any, Any]:
    """A lambda that returns a runnable ``n`` times (same input each hop), then a value."""
    return RunnableLambda(lambda x: _hops(n - 1) if n > 0 else f"done {x}")


def test_recursion_limit() -> None:
    assert _hops(25).invoke(1) == "done 1"
    with pytest.raises(RecursionLimitError, match="recursion limit of 25") as info:
        _hops(26).invoke(1)
    assert isinstance(info.value, RecursionError)
    assert isinstance(info.value, LcelError)
    with pytest.raises(RecursionLimitError, match="recursion limit of 5"):
        _hops(6).invoke(1, {"recursion_limit": 5})
    with pytest.raises(RecursionLimitError):
        arun(_hops(26).ainvoke(1))
    assert arun(_hops(3).ainvoke(2)) == "done 2"


# -- batch ---


def test_batch_respects_max_concurrency_and_order() -> None:
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def tracked(x: int) -> int:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return x

    out = RunnableLambda(tracked).batch(list(range(40)), {"max_concurrency": 4})
    assert out == list(range(40))
    assert state["most"] == 4


def test_abatch_respects_max_concurrency() -> None:
    state = {"now": 0, "most": 0}

    async def tracked(x: int) -> int:
        state["now"] += 1
        state["most"] = max(state["most"], state["now"])
        await asyncio.sleep(0.005)
        state["now"] -= 1
        return x

    out = arun(RunnableLambda(tracked).abatch(list(range(30)), {"max_concurrency": 3}))
    assert out == list(range(30))
    assert state["most"] == 3


def test_batch_return_exceptions_and_per_input_config() -> None:
    def maybe(x: int) -> int:
        if x == 2:
            raise ValueError("two")
        return x

    out = RunnableLambda(maybe).batch([1, 2, 3], return_exceptions=True)
    assert out[0] == 1
    assert isinstance(out[1], ValueError)
    assert out[2] == 3
    with pytest.raises(ValueError, match="two"):
        RunnableLambda(maybe).batch([1, 2, 3])

    def tags(x: int, config: RunnableConfig) -> list[str]:
        return config.get("tags", [])

    assert RunnableLambda(tags).batch([1, 2], [{"tags": ["a"]}, {"tags": ["b"]}]) == [["a"], ["b"]]
    with pytest.raises(ValueError, match="2 configs for 3 inputs"):
        RunnableLambda(inc).batch([1, 2, 3], [{}, {}])
    assert RunnableLambda(inc).batch([]) == []


def test_batch_as_completed_yields_every_index() -> None:
    def sleepy(x: float) -> float:
        time.sleep(x)
        return x

    got = list(RunnableLambda(sleepy).batch_as_completed([0.1, 0.0, 0.05]))
    assert sorted(got) == [(0, 0.1), (1, 0.0), (2, 0.05)]
    assert got[0][0] == 1  # the quickest first

    async def main() -> list[tuple[int, Any]]:
        return [p async for p in RunnableLambda(ainc).abatch_as_completed([1, 2])]

    assert sorted(arun(main())) == [(0, 2), (1, 3)]


def test_try_invoke_and_try_batch() -> None:
    def bad(x: int) -> int:
        raise KeyError(x)

    assert RunnableLambda(inc).try_invoke(1) == Success(2)
    failure = RunnableLambda(bad).try_invoke(1)
    assert isinstance(failure, Failure)
    assert isinstance(failure.failure(), KeyError)
    results = RunnableLambda(lambda x: 1 // x).try_batch([1, 0])
    assert results[0] == Success(1)
    assert isinstance(results[1].failure(), ZeroDivisionError)
    assert arun(RunnableLambda(inc).atry_invoke(1)) == Success(2)
    assert arun(RunnableLambda(inc).atry_batch([1])) == [Success(2)]


def test_nested_invoke_inside_lambda_sees_parent_config() -> None:
    inner = RunnableLambda(lambda x, config: config.get("tags", []))

    def outer(x: int) -> Any:
        return inner.invoke(x)

    assert RunnableLambda(outer).invoke(1, {"tags": ["outer"]}) == ["outer"]


def test_exceptions_propagate_unchanged() -> None:
    class Custom(Exception):
        pass

    def bad(x: int) -> int:
        raise Custom("mine")

    seq = RunnableLambda(inc) | RunnableLambda(bad)
    for run in (seq.invoke, lambda x: arun(seq.ainvoke(x)), lambda x: list(seq.stream(x))):
        with pytest.raises(Custom, match="mine"):
            run(1)


def test_reprs_are_readable() -> None:
    seq = RunnableLambda(inc) | RunnableLambda(double)
    assert repr(seq) == "RunnableLambda(inc)\n| RunnableLambda(double)"
    assert "a: RunnableLambda(inc)" in repr(RunnableParallel(a=inc))


def test_assign_and_pick_stream_what_their_steps_stream() -> None:
    def letters(d: dict[str, Any]) -> Iterator[str]:
        yield from "abc"

    chain = RunnablePassthrough.assign(answer=letters)
    expected = [{"question": "q"}, {"answer": "a"}, {"answer": "b"}, {"answer": "c"}]
    assert list(chain.stream({"question": "q"})) == expected
    assert arun(collect(chain.astream({"question": "q"}))) == expected
    assert chain.invoke({"question": "q"}) == {"question": "q", "answer": "abc"}
    picked = chain.pick("answer")
    assert list(picked.stream({"question": "q"})) == ["a", "b", "c"]
    assert arun(collect(picked.astream({"question": "q"}))) == ["a", "b", "c"]
    assert picked.invoke({"question": "q"}) == "abc"
    both = chain.pick(["question", "answer"])
    assert list(both.stream({"question": "q"})) == expected


def test_parallel_input_schema_merges_branch_inputs() -> None:
    from lcel.prompts import PromptTemplate

    p = RunnableParallel(
        a=PromptTemplate.from_template("{x}"), b=PromptTemplate.from_template("{y}")
    )
    schema = p.input_schema
    assert sorted(schema["properties"]) == ["x", "y"]
    assert sorted(schema["required"]) == ["x", "y"]


def test_empty_parallel_returns_an_empty_dict() -> None:
    assert RunnableParallel().invoke(1) == {}
    assert arun(RunnableParallel().ainvoke(1)) == {}
    assert RunnableParallel().batch([1, 2]) == [{}, {}]
    assert (RunnableLambda(len) | {}).invoke([1]) == {}


def test_retry_fed_a_stream_passes_it_through_once() -> None:
    def upper(chunks: Iterator[str]) -> Iterator[str]:
        for chunk in chunks:
            yield chunk.upper()

    retried = RunnableGenerator(upper).with_retry()
    assert list(retried.transform(iter(["a", "b"]))) == ["A", "B"]
    assert list((RunnableGenerator(_chars) | retried).stream("ab")) == ["A", "B"]
    assert arun(collect((RunnableGenerator(_achars) | retried).astream("ab"))) == ["A", "B"]


def test_config_given_to_functions_has_langchain_defaults() -> None:
    def show(x: int, config: RunnableConfig) -> tuple[Any, ...]:
        return (config["tags"], config["metadata"], config["recursion_limit"])

    assert RunnableLambda(show).invoke(1) == ([], {}, 25)
    assert RunnableLambda(show).invoke(1, {"recursion_limit": 7, "tags": ["t"]}) == (["t"], {}, 7)


def test_parallel_fed_a_stream_streams_every_branch() -> None:
    def upper(chunks: Iterator[str]) -> Iterator[str]:
        for chunk in chunks:
            yield chunk.upper()

    source = RunnableGenerator(_chars)
    chain = source | {"up": RunnableGenerator(upper), "all": lambda s: f"<{s}>"}
    for chunks in (list(chain.stream("ab")), arun(collect(chain.astream("ab")))):
        assert [c for c in chunks if "up" in c] == [{"up": "A"}, {"up": "B"}]
        assert {"all": "<ab>"} in chunks
    assert chain.invoke("ab") == {"up": "AB", "all": "<ab>"}
    picked = source | {"x": RunnablePassthrough()} | RunnablePick.create("x")
    assert list(picked.stream("abc")) == ["a", "b", "c"]


def test_parallel_fed_a_failing_stream_raises_the_upstream_error() -> None:
    def broken(text: str) -> Iterator[str]:
        yield "a"
        raise LookupError("upstream broke")

    chain = RunnableLambda(broken) | {"same": RunnablePassthrough()}
    with pytest.raises(LookupError, match="upstream broke"):
        list(chain.stream("x"))
    with pytest.raises(LookupError, match="upstream broke"):
        arun(collect(chain.astream("x")))
