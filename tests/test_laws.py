"""Laws of composition, checked with Hypothesis over generated values."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from lcel import RunnableGenerator, RunnableLambda, RunnableParallel, RunnablePassthrough

FUNCS: list[Callable[[int], int]] = [
    lambda x: x + 1,
    lambda x: x * 3,
    lambda x: x - 7,
    lambda x: -x,
    lambda x: x // 2,
]
funcs = st.sampled_from(FUNCS)
ints = st.integers(min_value=-10_000, max_value=10_000)


@given(funcs, funcs, funcs, ints)
def test_pipe_is_associative(
    f: Callable[[int], int], g: Callable[[int], int], h: Callable[[int], int], x: int
) -> None:
    a, b, c = RunnableLambda(f), RunnableLambda(g), RunnableLambda(h)
    left, right = (a | b) | c, a | (b | c)
    assert left == right
    assert left.invoke(x) == right.invoke(x) == h(g(f(x)))


@given(funcs, ints)
def test_passthrough_is_identity(f: Callable[[int], int], x: int) -> None:
    r = RunnableLambda(f)
    assert (RunnablePassthrough() | r).invoke(x) == r.invoke(x)
    assert (r | RunnablePassthrough()).invoke(x) == r.invoke(x)
    assert RunnablePassthrough().invoke(x) == x


@settings(max_examples=30)
@given(funcs, funcs, st.lists(ints, max_size=8), st.integers(min_value=1, max_value=4))
def test_batch_is_invoke_per_input(
    f: Callable[[int], int], g: Callable[[int], int], xs: list[int], limit: int
) -> None:
    r = RunnableLambda(f) | RunnableLambda(g)
    expected = [r.invoke(x) for x in xs]
    assert r.batch(xs, {"max_concurrency": limit}) == expected
    assert asyncio.run(r.abatch(xs, {"max_concurrency": limit})) == expected


def _split(text: str) -> Iterator[str]:
    yield from text


def _pieces(chunks: Iterator[str]) -> Iterator[str]:
    for chunk in chunks:
        for i in range(0, len(chunk), 2):
            yield chunk[i : i + 2]


@given(st.text(min_size=1, max_size=40))
def test_stream_chunks_combine_to_invoke(text: str) -> None:
    r = RunnableLambda(_split) | RunnableGenerator(_pieces)
    chunks = list(r.stream(text))
    assert "".join(chunks) == r.invoke(text) == text


@given(funcs, funcs, st.lists(ints, max_size=6))
def test_map_composes(f: Callable[[int], int], g: Callable[[int], int], xs: list[int]) -> None:
    rf, rg = RunnableLambda(f), RunnableLambda(g)
    assert (rf | rg).map().invoke(xs) == (rf.map() | rg.map()).invoke(xs)
    assert rf.map().invoke(xs) == [f(x) for x in xs]


@given(funcs, funcs, ints)
def test_parallel_is_pointwise(f: Callable[[int], int], g: Callable[[int], int], x: int) -> None:
    p = RunnableParallel(a=f, b=g)
    assert p.invoke(x) == {"a": f(x), "b": g(x)}
    assert asyncio.run(p.ainvoke(x)) == p.invoke(x)
