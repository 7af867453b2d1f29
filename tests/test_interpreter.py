"""The interpreter's parity laws: over random trees of every composite kind, every way of
running a tree gives the same answer (invoke, ainvoke, stream and astream combined, batch,
abatch, and a traced run); and every node kind has a handler in both modes."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcel import (
    Component,
    ConfigurableField,
    Runnable,
    RunnableBranch,
    RunnableConfig,
    RunnableGenerator,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
)
from lcel._chunks import combine
from lcel._graph import GraphBuilder
from lcel._interpreter import _core as core
from lcel._interpreter import kinds
from lcel._interpreter._common import closing_aiter
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import (
    AINVOKE,
    ASTREAM,
    ATRANSFORM,
    INVOKE,
    STREAM,
    TRANSFORM,
    register,
)

Tree = Runnable[int, int]


# -- trees ---------------------------------------------------------------------------------------


def add(k: int) -> Tree:
    return RunnableLambda(lambda x: x + k, name=f"add{k}")


def mul(k: int) -> Tree:
    return RunnableLambda(lambda x: x * k, name=f"mul{k}")


def split(x: int) -> Iterator[int]:
    """A generator lambda: streams its output in two chunks that add up to ``x + 1``."""
    yield 1
    yield x


def echo(chunks: Iterator[int]) -> Iterator[int]:
    """A true transform: every input chunk, doubled, as it comes."""
    for c in chunks:
        yield c * 2


def async_add(k: int) -> Tree:
    async def f(x: int) -> int:
        return x + k

    return RunnableLambda(f, name=f"aadd{k}")


def boom(x: int) -> int:
    raise ValueError(f"boom {x}")


leaves = st.one_of(
    st.integers(-3, 3).map(add),
    st.integers(-2, 2).map(mul),
    st.just(RunnableLambda(split)),
    st.just(RunnableGenerator(echo)),
    st.integers(0, 2).map(async_add),
    st.just(RunnablePassthrough()),
)


@attrs.frozen
class AddK(Component[int, int]):
    """A leaf with a field to configure."""

    k: int = 0

    def _invoke(self, input: int, config: RunnableConfig, **kwargs: Any) -> int:
        return input + self.k


def total(d: dict[str, int]) -> int:
    return sum(d.values())


def composites(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    def sequence(steps: list[Tree]) -> Tree:
        out = steps[0]
        for s in steps[1:]:
            out = out | s
        return out

    def parallel(branches: list[Tree]) -> Tree:
        par = RunnableParallel({f"k{i}": b for i, b in enumerate(branches)})
        return par | RunnableLambda(total)

    def assign(child: Tree) -> Tree:
        return (
            RunnableLambda(lambda x: {"x": x})
            | RunnablePassthrough.assign(y=RunnableLambda(lambda d: d["x"]) | child)
            | RunnableLambda(lambda d: d["x"] + d["y"])
        )

    def pick(pair: tuple[Tree, Tree]) -> Tree:
        return RunnableParallel(a=pair[0], b=pair[1]) | RunnablePassthrough().pick("a")

    def branch(pair: tuple[Tree, Tree]) -> Tree:
        return RunnableBranch((RunnableLambda(lambda x: x % 2 == 0), pair[0]), pair[1])

    def retry(child: Tree) -> Tree:
        return child.with_retry(stop_after_attempt=2, wait_exponential_jitter=False)

    def fallbacks(child: Tree) -> Tree:
        return RunnableLambda(boom).with_fallbacks([child])

    def bound(child: Tree) -> Tree:
        return child.with_config(tags=["t"], run_name="bound")

    def configurable(pair: tuple[Tree, Tree]) -> Tree:
        alt = pair[0].configurable_alternatives(ConfigurableField(id="c"), other=pair[1])
        return alt.with_config(configurable={"c": "other"}) | alt

    def configured_field(k: int) -> Tree:
        step = AddK().configurable_fields(k=ConfigurableField(id="k"))
        return step.with_config(configurable={"k": k}) | step

    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(sequence),
        st.lists(children, min_size=1, max_size=3).map(parallel),
        children.map(assign),
        st.tuples(children, children).map(pick),
        st.tuples(children, children).map(branch),
        children.map(retry),
        children.map(fallbacks),
        children.map(bound),
        st.tuples(children, children).map(configurable),
        st.integers(-2, 2).map(configured_field),
    )


trees = st.recursive(leaves, composites, max_leaves=8)


# -- every way of running agrees ------------------------------------------------------------------


class Recorder:
    """A callback handler: counts the runs it sees end."""

    def __init__(self) -> None:
        self.ends = 0

    def on_end(self, run: Any) -> None:
        self.ends += 1


async def async_ways(tree: Tree, x: int) -> dict[str, Any]:
    events = [e async for e in tree.astream_events(x, version="v2")]
    return {
        "ainvoke": await tree.ainvoke(x),
        "astream": combine([c async for c in tree.astream(x)]),
        "abatch": (await tree.abatch([x, x + 1])),
        "events": events[-1]["data"]["output"],
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tree=trees, x=st.integers(-5, 5))
def test_every_mode_agrees(tree: Tree, x: int) -> None:
    expected = tree.invoke(x)
    recorder = Recorder()
    traced = tree.invoke(x, {"callbacks": [recorder]})
    assert traced == expected
    assert recorder.ends >= 1
    assert combine(list(tree.stream(x))) == expected
    assert combine(list(tree.transform(iter([x])))) == expected
    assert tree.batch([x, x + 1]) == [expected, tree.invoke(x + 1)]
    ways = asyncio.run(async_ways(tree, x))
    assert ways["ainvoke"] == expected
    assert ways["astream"] == expected
    assert ways["abatch"] == [expected, tree.invoke(x + 1)]
    assert ways["events"] == expected


# -- the tables ----------------------------------------------------------------------------------


def test_sync_and_async_tables_have_the_same_kinds() -> None:
    for name in kinds.LAZY:  # loaded on first use: load them here
        importlib.import_module(f"{kinds.__name__}.{name}")
    assert INVOKE.kinds() == AINVOKE.kinds()
    assert STREAM.kinds() == ASTREAM.kinds()
    assert TRANSFORM.kinds() == ATRANSFORM.kinds()
    assert INVOKE.kinds() == STREAM.kinds()
    assert TRANSFORM.kinds() <= INVOKE.kinds()
    assert len(INVOKE.kinds()) >= 12


def test_every_node_kind_has_its_own_module() -> None:
    names = {m.__name__.rsplit(".", 1)[1] for m in kinds.KIND_MODULES} | set(kinds.LAZY)
    assert names == {
        "binding",
        "branch",
        "configurable",
        "each",
        "fallbacks",
        "lambdas",
        "leaf",
        "parallel",
        "passthrough",
        "retry",
        "sequence",
        "validation",
    }


def test_a_subclass_of_a_kind_runs_as_that_kind() -> None:
    class Mine(RunnableParallel[Any, Any]):
        pass

    mine = Mine(a=add(1), b=mul(2))
    assert mine.invoke(3) == {"a": 4, "b": 6}
    assert combine(list(mine.stream(3))) == {"a": 4, "b": 6}
    assert asyncio.run(mine.ainvoke(3)) == {"a": 4, "b": 6}


# -- CONTRIBUTING.md's worked example: a new node kind, one class and one handler module ----------


@attrs.frozen(repr=False)
class RunnableRepeat(Runnable[Any, Any]):
    """``bound`` applied ``times`` times, each output the next input."""

    bound: Runnable[Any, Any]
    times: int = 2

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.bound,)

    def _chunk_source(self) -> Runnable[Any, Any]:
        return self.bound

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        return graph.chain([self.bound] * self.times)


def _rounds(node: RunnableRepeat, ctx: Ctx) -> list[Ctx]:
    if ctx.tracer is None:
        return [ctx] * node.times
    return [ctx.tagged(f"repeat:{n}") for n in range(1, node.times + 1)]


def _repeat_invoke(node: RunnableRepeat, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    for rctx in _rounds(node, ctx):
        x = core.invoke(node.bound, x, rctx, kw)
    return x


async def _repeat_ainvoke(node: RunnableRepeat, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    for rctx in _rounds(node, ctx):
        x = await core.ainvoke(node.bound, x, rctx, kw)
    return x


def _repeat_stream(node: RunnableRepeat, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    *first, last = _rounds(node, ctx)
    for rctx in first:
        x = core.invoke(node.bound, x, rctx, kw)
    yield from core.stream(node.bound, x, last, kw)


async def _repeat_astream(
    node: RunnableRepeat, x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    *first, last = _rounds(node, ctx)
    for rctx in first:
        x = await core.ainvoke(node.bound, x, rctx, kw)
    async with closing_aiter(core.astream(node.bound, x, last, kw)) as it:
        async for chunk in it:
            yield chunk


register(RunnableRepeat, _repeat_invoke, _repeat_stream, _repeat_ainvoke, _repeat_astream)


def test_the_contributing_example_kind_works_everywhere() -> None:
    twice = RunnableRepeat(add(1) | RunnableLambda(split), times=2)  # (x + 2) twice: x + 4
    assert twice.invoke(1) == 5
    assert list(twice.stream(1)) == [1, 4]  # the last round's chunks
    assert asyncio.run(twice.ainvoke(1)) == 5
    assert twice.batch([1, 2]) == [5, 6]
    chain = add(1) | twice | mul(10)
    assert chain.invoke(0) == 50
    assert combine(list(chain.transform(iter([0])))) == 50

    async def events() -> list[Any]:
        return [e async for e in chain.astream_events(0, version="v2")]

    evs = asyncio.run(events())
    assert evs[-1]["data"]["output"] == 50
    rounds = [e["tags"] for e in evs if e["event"] == "on_chain_start" and "repeat:2" in e["tags"]]
    assert rounds  # each round is its own tagged run
    graph = twice.get_graph()
    assert len(graph.nodes) >= 4  # input, the bound steps drawn twice, output
    retried = twice.with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    assert retried.invoke(1) == 5


# -- the twins agree ----------------------------------------------------------------------------


class Halt(BaseException):
    """Not an Exception: must still reach every branch of a parallel fed a stream."""


def halting_source() -> Runnable[int, int]:
    def gen(chunks: Iterator[int]) -> Iterator[int]:
        yield from chunks
        raise Halt

    async def agen(chunks: AsyncIterator[int]) -> AsyncIterator[int]:
        async for c in chunks:
            yield c
        raise Halt

    return RunnableGenerator(gen, agen)


def test_parallel_feeder_hands_any_upstream_error_to_the_branches_in_both_modes() -> None:
    both = RunnableParallel(a=RunnableGenerator(echo), b=RunnablePassthrough())
    chain = halting_source() | both
    try:
        list(chain.stream(1))
    except Halt:
        pass
    else:
        raise AssertionError("the sync stream did not raise Halt")

    async def main() -> None:
        async for _ in chain.astream(1):
            pass

    try:
        asyncio.run(asyncio.wait_for(main(), 10))  # a lost error would hang the branches
    except Halt:
        pass
    else:
        raise AssertionError("the async stream did not raise Halt")


def test_blocking_sync_transform_runs_off_the_event_loop() -> None:
    import threading

    from lcel import Component

    seen: list[int] = []

    @attrs.frozen
    class Upper(Component[str, str]):
        def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
            return input.upper()

        def _transform(
            self, chunks: Iterator[str], config: RunnableConfig, **kwargs: Any
        ) -> Iterator[str]:
            for c in chunks:
                seen.append(threading.get_ident())
                yield c.upper()

    async def main() -> tuple[list[str], int]:
        out = [c async for c in Upper().atransform(_aiter(["a", "b"]))]
        return out, threading.get_ident()

    out, loop_thread = asyncio.run(main())
    assert out == ["A", "B"]
    assert seen
    assert loop_thread not in seen


async def _aiter(items: list[str]) -> AsyncIterator[str]:
    for i in items:
        yield i


# -- a sync stream driven from async code, cancelled mid-step ------------------------------------


def test_cancelled_astream_of_a_sync_stream_waits_for_the_step_then_closes() -> None:
    """Cancelling ``astream`` while a worker thread is inside the component's ``next`` must
    neither raise ``ValueError: generator already executing`` nor leave the generator open."""
    import threading

    inside = threading.Event()
    release = threading.Event()
    closed: list[str] = []

    @attrs.frozen
    class SlowChunks(Component[str, str]):
        def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
            return input

        def _stream(self, input: str, config: RunnableConfig, **kwargs: Any) -> Iterator[str]:
            try:
                yield "a"
                inside.set()
                release.wait(5)  # the second step blocks until the test lets it go
                yield "b"
            finally:
                closed.append("closed")

    async def main() -> None:
        async def consume() -> None:
            async for _ in SlowChunks().astream("x"):
                pass

        task = asyncio.ensure_future(consume())
        while not inside.is_set():
            await asyncio.sleep(0.001)
        task.cancel()
        await asyncio.sleep(0.01)
        release.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert closed == ["closed"]
