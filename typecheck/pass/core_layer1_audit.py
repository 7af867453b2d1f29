"""Layer 1 accepts what runs: the audit's cases (passthrough in pipe, two callables in
pipe, generator functions, mixed and nested dicts of steps, assign after a TypedDict)."""

from collections.abc import Iterator, Mapping
from typing import Any, TypedDict, reveal_type

from lcel import RunnableLambda, RunnablePassthrough


class Point(TypedDict):
    x: int


def inc(x: int) -> int:
    return x + 1


def show(x: int) -> str:
    return str(x)


def words(text: str) -> Iterator[str]:
    yield from text.split()


def keys(d: Mapping[str, Any]) -> list[str]:
    return sorted(d)


def make_point(x: int) -> Point:
    return {"x": x}


r = RunnableLambda(inc)
reveal_type(r.pipe(RunnablePassthrough()))  # R: lcel._runnable.Runnable[int, int]
reveal_type(r.pipe(inc, show))  # R: lcel._runnable.Runnable[int, str]
reveal_type(RunnableLambda(show) | words)  # R: lcel._runnable.Runnable[int, str]
mixed = {"a": RunnableLambda(inc), "b": show} | RunnableLambda(keys)
nested = r | {"outer": {"inner": show}}
assigned = RunnableLambda(make_point) | RunnablePassthrough.assign(y=lambda p: 1)
