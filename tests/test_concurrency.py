"""Errors and concurrency: bound limits, fallbacks that keep every error, siblings that stop
after a failure, and batch errors in input order (sync and async twins alike)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from lcel import Runnable, RunnableLambda, RunnableParallel


class Gauge:
    """Counts calls running at once (from threads or tasks)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


def gauged_sync(gauge: Gauge) -> RunnableLambda[int, int]:
    def work(x: int) -> int:
        gauge.enter()
        try:
            time.sleep(0.02)
            return x
        finally:
            gauge.leave()

    return RunnableLambda(work)


def gauged_async(gauge: Gauge) -> RunnableLambda[int, int]:
    async def work(x: int) -> int:
        gauge.enter()
        try:
            await asyncio.sleep(0.02)
            return x
        finally:
            gauge.leave()

    return RunnableLambda(work)


# -- with_config(max_concurrency=...) bounds batch like a passed config ------------------------


def test_bound_max_concurrency_bounds_batch() -> None:
    gauge = Gauge()
    bound = gauged_sync(gauge).with_config(max_concurrency=2)
    assert bound.batch(list(range(10))) == list(range(10))
    assert gauge.most == 2


def test_bound_max_concurrency_bounds_batch_as_completed() -> None:
    gauge = Gauge()
    bound = gauged_sync(gauge).with_config(max_concurrency=2)
    assert sorted(bound.batch_as_completed(list(range(10)))) == [(i, i) for i in range(10)]
    assert gauge.most == 2


def test_bound_max_concurrency_bounds_abatch_and_abatch_as_completed() -> None:
    gauge = Gauge()
    bound = gauged_async(gauge).with_config(max_concurrency=2)

    async def main() -> tuple[list[int], list[tuple[int, int]]]:
        outs = await bound.abatch(list(range(10)))
        pairs = [p async for p in bound.abatch_as_completed(list(range(10)))]
        return outs, sorted(pairs)

    outs, pairs = asyncio.run(main())
    assert outs == list(range(10))
    assert pairs == [(i, i) for i in range(10)]
    assert gauge.most == 2


def test_passed_max_concurrency_wins_over_the_bound_one() -> None:
    gauge = Gauge()
    bound = gauged_sync(gauge).with_config(max_concurrency=2)
    bound.batch(list(range(12)), {"max_concurrency": 3})
    assert gauge.most == 3


# -- fallbacks: every error kept -----------------------------------------------------------------


def failing(message: str) -> RunnableLambda[int, int]:
    def fail(x: int) -> int:
        raise ValueError(message)

    return RunnableLambda(fail, name=message)


def chain_of(err: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    e: BaseException | None = err
    while e is not None and e not in out:
        out.append(e)
        e = e.__cause__ or e.__context__
    return out


def check_all_kept(err: BaseException) -> None:
    assert str(err) == "primary"
    messages = [str(e) for e in chain_of(err)]
    assert messages == ["primary", "fb1", "fb2"]
    notes = getattr(err, "__notes__", [])
    assert len(notes) == 2
    assert "fb1" in notes[0]
    assert "ValueError" in notes[0]
    assert "fb2" in notes[1]


def fallback_chain() -> Runnable[int, int]:
    return failing("primary").with_fallbacks([failing("fb1"), failing("fb2")])


def test_all_fallbacks_fail_invoke_keeps_every_error() -> None:
    with pytest.raises(ValueError, match="primary") as info:
        fallback_chain().invoke(1)
    check_all_kept(info.value)


def test_all_fallbacks_fail_stream_keeps_every_error() -> None:
    with pytest.raises(ValueError, match="primary") as info:
        list(fallback_chain().stream(1))
    check_all_kept(info.value)


def test_all_fallbacks_fail_async_keeps_every_error() -> None:
    async def main() -> None:
        with pytest.raises(ValueError, match="primary") as info:
            await fallback_chain().ainvoke(1)
        check_all_kept(info.value)
        with pytest.raises(ValueError, match="primary") as info:
            async for _ in fallback_chain().astream(1):
                pass
        check_all_kept(info.value)

    asyncio.run(main())


def test_a_successful_fallback_adds_no_note() -> None:
    chain = failing("primary").with_fallbacks([RunnableLambda(lambda x: x * 2)])
    assert chain.invoke(3) == 6


# -- a failed branch stops its siblings' further steps -------------------------------------------


def slow_then_record(started: list[str], gate: threading.Event) -> Runnable[int, int]:
    """A branch whose first step waits until the sibling failed, then would go on."""

    def first(x: int) -> int:
        gate.wait(5)
        time.sleep(0.02)
        return x

    def second(x: int) -> int:
        started.append("second step")
        return x

    return RunnableLambda(first) | RunnableLambda(second)


def failing_and_opening(gate: threading.Event) -> RunnableLambda[int, int]:
    def fail(x: int) -> int:
        try:
            raise RuntimeError("branch failed")
        finally:
            gate.set()

    return RunnableLambda(fail)


@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_sync_parallel_failure_stops_sibling_steps(mode: str) -> None:
    started: list[str] = []
    gate = threading.Event()
    # the slow branch comes first: its running step finishes, its next step never starts
    par = RunnableParallel(slow=slow_then_record(started, gate), bad=failing_and_opening(gate))
    run_it: Callable[[], object] = (lambda: par.invoke(1)) if mode == "invoke" else (
        lambda: list(par.stream(1))
    )
    with pytest.raises(RuntimeError, match="branch failed"):
        run_it()
    time.sleep(0.1)  # a sibling that went on would have recorded by now
    assert started == []


@pytest.mark.parametrize("mode", ["ainvoke", "astream"])
def test_async_parallel_failure_stops_sibling_steps(mode: str) -> None:
    started: list[str] = []
    gate = threading.Event()
    par = RunnableParallel(slow=slow_then_record(started, gate), bad=failing_and_opening(gate))

    async def drain() -> None:
        async for _ in par.astream(1):
            pass

    async def main() -> None:
        with pytest.raises(RuntimeError, match="branch failed"):
            await (par.ainvoke(1) if mode == "ainvoke" else drain())
        await asyncio.sleep(0.1)

    asyncio.run(main())
    time.sleep(0.1)
    assert started == []


def fails_without_further_steps(par: Runnable[int, Any]) -> None:
    with pytest.raises(RuntimeError, match="branch failed"):
        par.invoke(1)
    time.sleep(0.1)  # a sibling that went on would have recorded by now


def test_nested_parallel_failure_stops_the_inner_branches_too() -> None:
    started: list[str] = []
    gate = threading.Event()
    inner = RunnableParallel(deep=slow_then_record(started, gate))
    fails_without_further_steps(RunnableParallel(inner=inner, bad=failing_and_opening(gate)))
    assert started == []


def test_sibling_with_fallbacks_does_not_run_its_fallback_after_a_failure() -> None:
    started: list[str] = []
    gate = threading.Event()

    def record(x: int) -> int:
        started.append("fallback")
        return x

    guarded = slow_then_record(started, gate).with_fallbacks([RunnableLambda(record)])
    fails_without_further_steps(RunnableParallel(slow=guarded, bad=failing_and_opening(gate)))
    assert started == []


def test_parallel_still_succeeds_and_runs_every_step() -> None:
    par = RunnableParallel(
        a=RunnableLambda(lambda x: x + 1) | RunnableLambda(lambda x: x * 2),
        b=RunnableLambda(lambda x: x - 1),
    )
    assert par.invoke(3) == {"a": 8, "b": 2}
    assert asyncio.run(par.ainvoke(3)) == {"a": 8, "b": 2}


# -- batch errors in input order -----------------------------------------------------------------


def flaky_sync() -> Callable[[int], int]:
    def f(x: int) -> int:
        if x == 1:  # the first input fails, but last in time
            time.sleep(0.1)
            raise ValueError("input 1")
        if x == 0:  # the third input fails at once
            raise ZeroDivisionError("input 0")
        return x

    return f


def test_retry_batch_raises_the_first_failing_input_in_input_order() -> None:
    retried = RunnableLambda(flaky_sync()).with_retry(
        stop_after_attempt=2, wait_exponential_jitter=False
    )
    with pytest.raises(ValueError, match="input 1"):
        retried.batch([1, 2, 0])
    out = retried.batch([1, 2, 0], return_exceptions=True)
    assert [type(o) for o in out] == [ValueError, int, ZeroDivisionError]


def test_retry_abatch_raises_the_first_failing_input_in_input_order() -> None:
    async def f(x: int) -> int:
        if x == 1:
            await asyncio.sleep(0.1)
            raise ValueError("input 1")
        if x == 0:
            raise ZeroDivisionError("input 0")
        return x

    retried = RunnableLambda(f).with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    with pytest.raises(ValueError, match="input 1"):
        asyncio.run(retried.abatch([1, 2, 0]))


def test_plain_batch_raises_in_input_order_too() -> None:
    with pytest.raises(ValueError, match="input 1"):
        RunnableLambda(flaky_sync()).batch([1, 2, 0])


def test_abatch_cancels_the_calls_after_the_failure() -> None:
    finished: list[int] = []

    async def f(x: int) -> int:
        if x == 0:
            raise ZeroDivisionError("input 0")
        await asyncio.sleep(0.3)
        finished.append(x)
        return x

    with pytest.raises(ZeroDivisionError):
        asyncio.run(RunnableLambda(f).abatch([0, 5, 6]))
    assert finished == []  # later inputs cannot change the answer: cancelled
