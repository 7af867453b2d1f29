"""The workloads W1-W12: same inputs for every implementation, output checked before timing.

Each workload declares its figures (the rows of the results table) and a ``run`` function
that builds the subjects through an :class:`~benchmarks.impl_base.Impl`, checks their output
and records timings in a :class:`~benchmarks.harness.Recorder`. ``quick`` runs every part
once with tiny sizes: the test suite uses it to keep the harness honest, never to time.
"""

from __future__ import annotations

import asyncio
import functools
import math
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import attrs
import jsonpatch

from benchmarks.harness import (
    Better,
    ConcurrencyTracker,
    FigureSpec,
    NotAvailable,
    Recorder,
    Timing,
    atime_calls,
    check,
    peak_rss_mb,
    short,
    time_calls,
    time_once,
)
from benchmarks.impl_base import Impl

__all__ = ["ANSWER", "WORKLOADS", "Workload", "workload"]

ANSWER = (
    "Why do bears never wear shoes? Because they have bear feet, "
    "and socks would only slow down their honey runs."
)
"""W2's 20-word answer."""

TOPIC = {"topic": "bears"}

US, MS, S = 1e6, 1e3, 1.0


@attrs.frozen
class Workload:
    """A workload: its id, a one-line description, its figures and how to run it."""

    id: str
    title: str
    figures: tuple[FigureSpec, ...]
    run: Callable[[Impl, bool, Recorder], None]


def fig(key: str, label: str, unit: str, better: Better | None) -> FigureSpec:
    return FigureSpec(key, label, unit, better)


def rate(count: int, timing: Timing) -> tuple[float, float]:
    """Items per second from seconds per run of ``count`` items: (median, best)."""
    return count / timing.median, count / timing.best


# -- W1: lambdas -----------------------------------------------------------------------------


def run_w1(impl: Impl, quick: bool, rec: Recorder) -> None:
    with rec.guard("invoke10", "per_step"):
        chain = impl.lambda_chain(10)
        got = chain.invoke(1)
        check(got == 11, f"10-lambda sequence on 1 returned {short(got)}, expected 11")
        timing = time_calls(lambda: chain.invoke(1), quick=quick)
        rec.timing("invoke10", timing, US)
        rec.timing("per_step", timing, US / 10)
    with rec.guard("single"):
        single = impl.add_one()
        got = single.invoke(1)
        check(got == 2, f"one lambda on 1 returned {short(got)}, expected 2")
        rec.timing("single", time_calls(lambda: single.invoke(1), quick=quick), US)


W1 = Workload(
    "W1",
    "sequence of 10 lambdas `x + 1`, and one lambda alone",
    (
        fig("invoke10", "10-lambda sequence, `invoke`", "µs", "lower"),
        fig("per_step", "per step (`invoke` ÷ 10)", "µs", "lower"),
        fig("single", "one lambda, `invoke`", "µs", "lower"),
    ),
    run_w1,
)


# -- W2: prompt | model | parser -------------------------------------------------------------


def run_w2(impl: Impl, quick: bool, rec: Recorder) -> None:
    with rec.guard("invoke", "ainvoke"):
        chain = impl.joke_chain(ANSWER)
    if not rec.pending("invoke", "ainvoke"):
        return
    with rec.guard("invoke"):
        got = chain.invoke(TOPIC)
        check(got == ANSWER, f"invoke returned {short(got)}, expected the 20-word answer")
        rec.timing("invoke", time_calls(lambda: chain.invoke(TOPIC), quick=quick), US)
    with rec.guard("ainvoke"):

        async def measure() -> Timing:
            got = await chain.ainvoke(TOPIC)
            check(got == ANSWER, f"ainvoke returned {short(got)}, expected the answer")
            return await atime_calls(lambda: chain.ainvoke(TOPIC), quick=quick)

        rec.timing("ainvoke", asyncio.run(measure()), US)


W2 = Workload(
    "W2",
    "`prompt | fake chat model (20-word answer) | StrOutputParser()`",
    (
        fig("invoke", "`invoke`", "µs", "lower"),
        fig("ainvoke", "`ainvoke`", "µs", "lower"),
    ),
    run_w2,
)


# -- W3 / W4: bounded batch ------------------------------------------------------------------


def _batch_sizes(quick: bool, full_bound: int) -> tuple[int, float, int]:
    return (20, 0.002, 5) if quick else (1000, 0.01, full_bound)


def run_w3(impl: Impl, quick: bool, rec: Recorder) -> None:
    with rec.guard("wall", "ratio", "peak"):
        n, delay, bound = _batch_sizes(quick, 50)
        ideal = math.ceil(n / bound) * delay
        tracker = ConcurrencyTracker()
        subject = impl.sleeper(delay, tracker)
        inputs = list(range(n))
        config = {"max_concurrency": bound}
        got = subject.batch(inputs, config)
        check(got == inputs, f"batch returned {short(got)}, expected the inputs in order")
        check(tracker.calls == n, f"{tracker.calls} calls for {n} inputs")
        timing = time_once(lambda: subject.batch(inputs, config), quick=quick)
        check(tracker.peak <= bound, f"{tracker.peak} calls at once, above the bound {bound}")
        rec.timing("wall", timing, S)
        rec.timing("ratio", timing, 1 / ideal)
        rec.number("peak", tracker.peak)


W3 = Workload(
    "W3",
    "`batch` of 1,000 inputs, lambda sleeps 10 ms, `max_concurrency=50` (ideal 0.2 s)",
    (
        fig("wall", "wall time", "s", "lower"),
        fig("ratio", "wall ÷ ideal", "x", "lower"),
        fig("peak", "most calls at once (bound 50)", "calls", None),
    ),
    run_w3,
)


def run_w4(impl: Impl, quick: bool, rec: Recorder) -> None:
    with rec.guard("wall", "ratio", "peak"):
        n, delay, bound = _batch_sizes(quick, 100)
        ideal = math.ceil(n / bound) * delay
        tracker = ConcurrencyTracker()
        subject = impl.async_sleeper(delay, tracker)
        inputs = list(range(n))
        config = {"max_concurrency": bound}

        async def measure() -> Timing:
            got = await subject.abatch(inputs, config)
            check(got == inputs, f"abatch returned {short(got)}, expected the inputs in order")
            check(tracker.calls == n, f"{tracker.calls} calls for {n} inputs")
            return await atime_calls(
                lambda: subject.abatch(inputs, config), quick=quick, repeats=5, slow=True
            )

        timing = asyncio.run(measure())
        check(tracker.peak <= bound, f"{tracker.peak} calls at once, above the bound {bound}")
        rec.timing("wall", timing, S)
        rec.timing("ratio", timing, 1 / ideal)
        rec.number("peak", tracker.peak)


W4 = Workload(
    "W4",
    "`abatch` of 1,000 inputs, async lambda awaits 10 ms, `max_concurrency=100` (ideal 0.1 s)",
    (
        fig("wall", "wall time", "s", "lower"),
        fig("ratio", "wall ÷ ideal", "x", "lower"),
        fig("peak", "most calls at once (bound 100)", "calls", None),
    ),
    run_w4,
)


# -- W5: streaming ---------------------------------------------------------------------------


def _samples(
    sample: Callable[[], tuple[float, float]], *, quick: bool, most: int = 30, budget: float = 3.0
) -> tuple[list[float], list[float]]:
    """Repeat ``sample`` (returning two durations) up to ``most`` times or ``budget`` s."""
    firsts: list[float] = []
    seconds: list[float] = []
    if not quick:
        sample()  # warm-up
    deadline = time.perf_counter() + budget
    while True:
        first, second = sample()
        firsts.append(first)
        seconds.append(second)
        if quick or len(firsts) >= most or (len(firsts) >= 3 and time.perf_counter() > deadline):
            return firsts, seconds


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _content(chunk: Any) -> Any:
    return getattr(chunk, "content", chunk)


def _first_then_close(stream: Iterator[Any], expected: str) -> tuple[float, float]:
    """Time to the first chunk of an already created stream, then the time ``close()`` takes."""
    start = time.perf_counter()
    first = next(stream)
    got_first = time.perf_counter()
    close = getattr(stream, "close", None)
    if close is None:
        raise NotAvailable("the stream has no close()")
    close()
    closed = time.perf_counter()
    check(_content(first) == expected, f"first chunk {short(first)}, expected {expected!r}")
    return got_first - start, closed - got_first


async def _afirst_then_close(stream: AsyncIterator[Any], expected: str) -> tuple[float, float]:
    start = time.perf_counter()
    first = await anext(stream)
    got_first = time.perf_counter()
    aclose = getattr(stream, "aclose", None)
    if aclose is None:
        raise NotAvailable("the async stream has no aclose()")
    await aclose()
    closed = time.perf_counter()
    check(_content(first) == expected, f"first chunk {short(first)}, expected {expected!r}")
    return got_first - start, closed - got_first


def run_w5(impl: Impl, quick: bool, rec: Recorder) -> None:
    length = 50 if quick else 2000
    answer = (ANSWER * (length // len(ANSWER) + 1))[:length]
    first = answer[0]
    with rec.guard("first_chunk", "close"):
        chain = impl.joke_chain(answer, chunk_delay=0.001)
        model, model_input = impl.joke_model(answer, chunk_delay=0.001)
        chain_first, closes = _samples(
            lambda: _first_then_close(iter(chain.stream(TOPIC)), first), quick=quick
        )
        model_first, _ = _samples(
            lambda: _first_then_close(iter(model.stream(model_input)), first), quick=quick
        )
        overhead = _median(chain_first) - _median(model_first)
        rec.number(
            "first_chunk",
            overhead * MS,
            (min(chain_first) - min(model_first)) * MS,
            len(chain_first),
        )
        rec.number("close", _median(closes) * MS, min(closes) * MS, len(closes))
    with rec.guard("afirst_chunk", "aclose"):
        chain = impl.joke_chain(answer, chunk_delay=0.001)
        model, model_input = impl.joke_model(answer, chunk_delay=0.001)

        async def asample(
            make: Callable[[], AsyncIterator[Any]], most: int = 30, budget: float = 3.0
        ) -> tuple[list[float], list[float]]:
            firsts: list[float] = []
            closing: list[float] = []
            if not quick:
                await _afirst_then_close(make(), first)  # warm-up
            deadline = time.perf_counter() + budget
            while True:
                a, b = await _afirst_then_close(make(), first)
                firsts.append(a)
                closing.append(b)
                if (
                    quick
                    or len(firsts) >= most
                    or (len(firsts) >= 3 and time.perf_counter() > deadline)
                ):
                    return firsts, closing

        async def measure() -> tuple[list[float], list[float], list[float]]:
            chain_first, closes = await asample(lambda: aiter(chain.astream(TOPIC)))
            model_first, _ = await asample(lambda: aiter(model.astream(model_input)))
            return chain_first, closes, model_first

        chain_first, closes, model_first = asyncio.run(measure())
        overhead = _median(chain_first) - _median(model_first)
        rec.number(
            "afirst_chunk",
            overhead * MS,
            (min(chain_first) - min(model_first)) * MS,
            len(chain_first),
        )
        rec.number("aclose", _median(closes) * MS, min(closes) * MS, len(closes))
    with rec.guard("stream_rate", "astream_rate"):
        fast = impl.joke_chain(answer)
    if not rec.pending("stream_rate", "astream_rate"):
        return
    with rec.guard("stream_rate"):
        got = "".join(fast.stream(TOPIC))
        check(got == answer, f"stream gave {short(got)}, expected the {length}-character answer")
        timing = time_calls(lambda: sum(1 for _ in fast.stream(TOPIC)), quick=quick, repeats=5)
        rec.number("stream_rate", *rate(length, timing), timing.repeats)
    with rec.guard("astream_rate"):

        async def consume() -> str:
            return "".join([chunk async for chunk in fast.astream(TOPIC)])

        async def ameasure() -> Timing:
            got = await consume()
            check(got == answer, f"astream gave {short(got)}, expected the answer")
            return await atime_calls(consume, quick=quick, repeats=5)

        timing = asyncio.run(ameasure())
        rec.number("astream_rate", *rate(length, timing), timing.repeats)


W5 = Workload(
    "W5",
    "W2's chain, model streams a 2,000-character answer one character per chunk",
    (
        fig(
            "first_chunk",
            "1 ms/chunk: first chunk, chain minus model alone (`stream`)",
            "ms",
            "lower",
        ),
        fig(
            "afirst_chunk",
            "1 ms/chunk: first chunk, chain minus model alone (`astream`)",
            "ms",
            "lower",
        ),
        fig("close", "1 ms/chunk: `close()` right after the first chunk", "ms", "lower"),
        fig("aclose", "1 ms/chunk: `aclose()` right after the first chunk", "ms", "lower"),
        fig("stream_rate", "no delay: `stream` throughput", "chunks/s", "higher"),
        fig("astream_rate", "no delay: `astream` throughput", "chunks/s", "higher"),
    ),
    run_w5,
)


# -- W6 / W7: events and run log --------------------------------------------------------------


def _ainvoke_timing(chain: Any, quick: bool) -> Timing:
    async def measure() -> Timing:
        got = await chain.ainvoke(TOPIC)
        check(got == ANSWER, f"ainvoke returned {short(got)}, expected the answer")
        return await atime_calls(lambda: chain.ainvoke(TOPIC), quick=quick)

    return asyncio.run(measure())


def run_w6(impl: Impl, quick: bool, rec: Recorder) -> None:
    keys = ("run", "count", "vs_ainvoke")
    with rec.guard(*keys):
        chain = impl.joke_chain(ANSWER)
        stream_events = getattr(chain, "astream_events", None)
        if stream_events is None:
            raise NotAvailable()

        async def collect() -> list[dict[str, Any]]:
            return [event async for event in stream_events(TOPIC, version="v2")]

        async def measure() -> tuple[list[dict[str, Any]], Timing]:
            try:
                events = await collect()
            except AttributeError as exc:  # tracing not built yet: a missing feature
                raise NotAvailable(f"AttributeError: {exc}") from exc
            check(bool(events), "no events")
            check(
                events[0].get("event") == "on_chain_start",
                f"first event {short(events[0])}, expected on_chain_start",
            )
            last = events[-1]
            check(
                last.get("event") == "on_chain_end" and last["data"].get("output") == ANSWER,
                f"last event {short(last, 200)}, expected on_chain_end with the answer",
            )
            return events, await atime_calls(collect, quick=quick)

        events, timing = asyncio.run(measure())
        ainvoke = _ainvoke_timing(chain, quick)
        rec.timing("run", timing, US)
        rec.number("count", len(events))
        rec.number(
            "vs_ainvoke", timing.median / ainvoke.median, timing.best / ainvoke.best, timing.repeats
        )


W6 = Workload(
    "W6",
    '`astream_events(version="v2")` over W2\'s chain',
    (
        fig("run", "one run, all events", "µs", "lower"),
        fig("count", "events per run", "events", None),
        fig("vs_ainvoke", "÷ own `ainvoke`", "x", "lower"),
    ),
    run_w6,
)


def run_w7(impl: Impl, quick: bool, rec: Recorder) -> None:
    keys = ("run", "count", "vs_ainvoke")
    with rec.guard(*keys):
        chain = impl.joke_chain(ANSWER)
        stream_log = getattr(chain, "astream_log", None)
        if stream_log is None:
            raise NotAvailable()

        async def collect() -> list[Any]:
            return [patch async for patch in stream_log(TOPIC)]

        async def measure() -> tuple[list[Any], Timing]:
            try:
                patches = await collect()
            except AttributeError as exc:  # tracing not built yet: a missing feature
                raise NotAvailable(f"AttributeError: {exc}") from exc
            check(bool(patches), "no patches")
            # Apply every patch in order (what ``RunLogPatch + RunLogPatch`` does, without
            # copying the state at each step: that is quadratic in the number of patches).
            ops = [op for patch in patches for op in patch.ops]
            final = (jsonpatch.apply_patch(None, ops) or {}).get("final_output")
            check(final == ANSWER, f"final_output {short(final)}, expected the answer")
            return patches, await atime_calls(collect, quick=quick)

        patches, timing = asyncio.run(measure())
        ainvoke = _ainvoke_timing(chain, quick)
        rec.timing("run", timing, US)
        rec.number("count", len(patches))
        rec.number(
            "vs_ainvoke", timing.median / ainvoke.median, timing.best / ainvoke.best, timing.repeats
        )


W7 = Workload(
    "W7",
    "`astream_log()` over W2's chain",
    (
        fig("run", "one run, all patches", "µs", "lower"),
        fig("count", "patches per run", "patches", None),
        fig("vs_ainvoke", "÷ own `ainvoke`", "x", "lower"),
    ),
    run_w7,
)


# -- W8: parallel ------------------------------------------------------------------------------


def run_w8(impl: Impl, quick: bool, rec: Recorder) -> None:
    delay = 0.01 if quick else 0.1
    expected = {f"b{i}": 1 for i in range(4)}
    with rec.guard("sync"):
        subject = impl.parallel_sleepers(4, delay, use_async=False)
        got = subject.invoke(1)
        check(got == expected, f"invoke returned {short(got)}, expected {expected}")
        rec.timing("sync", time_once(lambda: subject.invoke(1), quick=quick), 1 / delay)
    with rec.guard("async"):
        asubject = impl.parallel_sleepers(4, delay, use_async=True)

        async def measure() -> Timing:
            got = await asubject.ainvoke(1)
            check(got == expected, f"ainvoke returned {short(got)}, expected {expected}")
            return await atime_calls(lambda: asubject.ainvoke(1), quick=quick, slow=True, repeats=5)

        rec.timing("async", asyncio.run(measure()), 1 / delay)


W8 = Workload(
    "W8",
    "`RunnableParallel` of 4 branches each sleeping 100 ms (ideal 0.1 s)",
    (
        fig("sync", "`invoke`, wall ÷ ideal", "x", "lower"),
        fig("async", "`ainvoke`, wall ÷ ideal", "x", "lower"),
    ),
    run_w8,
)


# -- W9: long streams ---------------------------------------------------------------------------


def run_w9(impl: Impl, quick: bool, rec: Recorder) -> None:
    big, small = (2_000, 200) if quick else (200_000, 20_000)
    keys = ("rate_big", "rate_small", "linearity", "rss")
    with rec.guard(*keys):
        subject = impl.token_stream()
        got = list(subject.stream(100))
        check(got == ["tok "] * 100, f"stream(100) gave {short(got)}, expected 100 'tok '")

        def consume(n: int) -> None:
            count = sum(1 for _ in subject.stream(n))
            check(count == n, f"stream({n}) gave {count} chunks")

        consume(1000)  # warm-up
        before = peak_rss_mb()
        timing_big = time_calls(lambda: consume(big), quick=quick, repeats=5)
        growth = peak_rss_mb() - before
        timing_small = time_calls(lambda: consume(small), quick=quick, repeats=5)
        big_rate, small_rate = rate(big, timing_big), rate(small, timing_small)
        rec.number("rate_big", *big_rate, timing_big.repeats)
        rec.number("rate_small", *small_rate, timing_small.repeats)
        rec.number("linearity", big_rate[0] / small_rate[0], big_rate[1] / small_rate[1])
        rec.number("rss", growth)


W9 = Workload(
    "W9",
    '`stream` of 200,000 `"tok "` chunks through `RunnablePassthrough() | generator lambda`',
    (
        fig("rate_big", "200,000 chunks: throughput", "chunks/s", "higher"),
        fig("rate_small", "20,000 chunks: throughput", "chunks/s", "higher"),
        fig("linearity", "throughput 200k ÷ 20k (1.0 = linear)", "x", "higher"),
        fig("rss", "peak RSS growth while streaming 200k", "MB", "lower"),
    ),
    run_w9,
)


# -- W10: deep sequences ---------------------------------------------------------------------


def run_w10(impl: Impl, quick: bool, rec: Recorder) -> None:
    steps = 1000
    batch = list(range(2 if quick else 100))
    modes = ("invoke", "batch", "stream", "ainvoke", "astream")
    with rec.guard(*modes, "invoke_ms"):
        chain = impl.lambda_chain(steps)

    async def astream_all() -> list[Any]:
        return [chunk async for chunk in chain.astream(1)]

    runs: dict[str, tuple[Callable[[], Any], Any]] = {
        "invoke": (lambda: chain.invoke(1), 1 + steps),
        "batch": (lambda: chain.batch(batch), [x + steps for x in batch]),
        "stream": (lambda: list(chain.stream(1)), [1 + steps]),
        "ainvoke": (lambda: asyncio.run(chain.ainvoke(1)), 1 + steps),
        "astream": (lambda: asyncio.run(astream_all()), [1 + steps]),
    }
    for mode, (call, expected) in runs.items():
        if mode in rec.values:
            continue
        try:
            got = call()
        except Exception as exc:  # the error's name is the figure (LangChain: RecursionError)
            rec.text(mode, type(exc).__name__)
            rec.notes.append(f"{mode}: {type(exc).__name__}: {short(str(exc), 160)}")
            continue
        if got == expected:
            rec.text(mode, "ok")
        else:
            rec.text(mode, "ERROR")
            rec.notes.append(f"{mode}: wrong output {short(got)}, expected {short(expected)}")
    if "invoke_ms" not in rec.values:
        if rec.values["invoke"].text == "ok":
            rec.timing("invoke_ms", time_calls(lambda: chain.invoke(1), quick=quick, repeats=5), MS)
        else:
            rec.text("invoke_ms", "n/a (invoke failed)")


W10 = Workload(
    "W10",
    "sequence of 1,000 lambdas at default settings",
    (
        fig("invoke", "`invoke`", "", None),
        fig("batch", "`batch` of 100", "", None),
        fig("stream", "`stream`", "", None),
        fig("ainvoke", "`ainvoke`", "", None),
        fig("astream", "`astream`", "", None),
        fig("invoke_ms", "`invoke` time", "ms", "lower"),
    ),
    run_w10,
)


# -- W11: scaling ----------------------------------------------------------------------------

SEQ_SIZES = (1, 10, 100, 1000)
BATCH_SIZES = (10, 100, 1000, 10_000)


def _spread(rec: Recorder, keys: list[str]) -> tuple[float, float] | None:
    medians = [rec.values[k].median for k in keys if k in rec.values]
    values = [m for m in medians if m is not None]
    if len(values) < len(keys) or not values:
        return None
    bests = [rec.values[k].best or 0.0 for k in keys]
    return max(values) / min(values), max(bests) / max(min(bests), 1e-12)


def run_w11(impl: Impl, quick: bool, rec: Recorder) -> None:
    seq_sizes = SEQ_SIZES[:2] if quick else SEQ_SIZES
    batch_sizes = BATCH_SIZES[:2] if quick else BATCH_SIZES
    for size in seq_sizes:
        with rec.guard(f"seq_{size}"):
            chain = impl.lambda_chain(size)
            got = chain.invoke(0)
            check(got == size, f"{size}-step sequence on 0 returned {short(got)}")
            timing = time_calls(functools.partial(chain.invoke, 0), quick=quick, repeats=5)
            rec.timing(f"seq_{size}", timing, US / size)
    for size in batch_sizes:
        with rec.guard(f"batch_{size}"):
            single = impl.add_one()
            inputs = list(range(size))
            expected = [x + 1 for x in inputs]
            got = single.batch(inputs)
            check(got == expected, f"batch of {size} returned {short(got)}")
            timing = time_calls(functools.partial(single.batch, inputs), quick=quick, repeats=5)
            rec.timing(f"batch_{size}", timing, US / size)
    for name, keys in (
        ("seq_spread", [f"seq_{s}" for s in seq_sizes]),
        ("batch_spread", [f"batch_{s}" for s in batch_sizes]),
    ):
        spread = _spread(rec, keys)
        if spread is not None:
            rec.number(name, *spread)


W11 = Workload(
    "W11",
    "scaling: `invoke` of sequences of 1-1,000 steps; `batch` of 10-10,000 trivial inputs",
    (
        *(fig(f"seq_{n}", f"{n:,}-step sequence, per step", "µs", "lower") for n in SEQ_SIZES),
        fig("seq_spread", "per-step cost, largest ÷ smallest (1.0 = flat)", "x", "lower"),
        *(fig(f"batch_{n}", f"`batch` of {n:,}, per item", "µs", "lower") for n in BATCH_SIZES),
        fig("batch_spread", "per-item cost, largest ÷ smallest (1.0 = flat)", "x", "lower"),
    ),
    run_w11,
)


# -- W12: vector store ------------------------------------------------------------------------


def texts_for(n: int) -> list[str]:
    """``n`` distinct short documents."""
    return [f"doc{i} topic{i % 1000} key{(i * 7919) % 100_003} shelf{i % 37}" for i in range(n)]


def run_w12(impl: Impl, quick: bool, rec: Recorder) -> None:
    n = 300 if quick else 100_000
    texts = texts_for(n)
    query = texts[n // 3]
    if not quick:
        # Warm-up: the first large run of a process pays for growing its heap (several times
        # the steady cost here), which would land on whichever figure happened to go first.
        with rec.guard("add", "embed", "query"):
            impl.embed(texts)
    with rec.guard("add", "query"):
        start = time.perf_counter()
        store = impl.vector_store(texts)
        rec.number("add", time.perf_counter() - start)
        found = store.search(query, 4)
        check(
            len(found) == 4 and query in found,
            f"similarity_search({query!r}, k=4) found {short(found)}",
        )
        rec.timing("query", time_calls(lambda: store.search(query, 4), quick=quick, repeats=5), MS)
    with rec.guard("embed"):
        start = time.perf_counter()
        vectors = impl.embed(texts)
        rec.number("embed", time.perf_counter() - start)
        check(len(vectors) == n, f"{len(vectors)} vectors for {n} texts")  # type: ignore[arg-type]
        del vectors


W12 = Workload(
    "W12",
    "`InMemoryVectorStore`: add 100,000 texts as 384-dimension vectors, `similarity_search(k=4)`",
    (
        fig("add", "build from 100,000 texts (embedding included)", "s", "lower"),
        fig("embed", "of which: embedding the texts alone", "s", "lower"),
        fig("query", "`similarity_search(k=4)`", "ms", "lower"),
    ),
    run_w12,
)


WORKLOADS: dict[str, Workload] = {
    w.id: w for w in (W1, W2, W3, W4, W5, W6, W7, W8, W9, W10, W11, W12)
}


def workload(workload_id: str) -> Workload:
    """The workload named ``workload_id`` (case-insensitive)."""
    try:
        return WORKLOADS[workload_id.upper()]
    except KeyError:
        known = ", ".join(WORKLOADS)
        raise ValueError(f"unknown workload {workload_id!r}; known: {known}") from None
