"""Wrappers keep the types: retry, fallbacks, bind, with_types, map."""

from typing import reveal_type

from lcel import RunnableLambda


def inc(x: int) -> int:
    return x + 1


r = RunnableLambda(inc)
reveal_type(r.with_retry(stop_after_attempt=2))  # R: lcel._wrappers.RunnableRetry[int, int]
reveal_type(r.with_fallbacks([r]))  # R: lcel._wrappers.RunnableWithFallbacks[int, int]
reveal_type(r.bind(step=2))  # R: lcel._wrappers.RunnableBinding[int, int]
reveal_type(r.map())  # R: lcel._runnable.Runnable[typing.Sequence[int], list[int]]
reveal_type(r.map().invoke([1, 2]))  # R: list[int]
