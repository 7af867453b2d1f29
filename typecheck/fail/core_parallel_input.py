"""A parallel's input type is kept without the plugin: a wrong input is rejected in both modes."""

from collections.abc import Mapping
from typing import Any

from lcel import RunnableLambda, RunnableParallel


def inc(x: int) -> int:
    return x + 1


def show(x: int) -> str:
    return str(x)


def keys(d: Mapping[str, Any]) -> list[str]:
    return sorted(d)


r = RunnableLambda(inc)
RunnableParallel(a=r, b=show).invoke("x")  # E: [arg-type]
({"a": show, "b": show} | RunnableLambda(keys)).invoke("x")  # E: [arg-type]
RunnableParallel({"a": r, "b": r}).batch(["x"])  # E: [list-item]
numbered = RunnableParallel(n=RunnableLambda(show))
RunnableParallel(a=r, b=show) | RunnableLambda(keys) | numbered  # E: [operator]
