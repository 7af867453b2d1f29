"""Passthrough is the identity in a pipe; parallel and assign give dicts (layer 1)."""

from collections.abc import Mapping
from typing import Any, reveal_type

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough


def inc(x: int) -> int:
    return x + 1


r = RunnableLambda(inc)
reveal_type(r | RunnablePassthrough())  # R: lcel._runnable.Runnable[int, int]
par = RunnableParallel(a=r, b=RunnablePassthrough())
out = par.invoke(1)
as_mapping: Mapping[str, Any] = out
assigned = RunnablePassthrough.assign(c=lambda d: 1)
reveal_type(assigned.invoke({"a": 1}))  # R: Any
picked = par.pick("a")
reveal_type(picked)  # R: lcel._runnable.Runnable[int, int]
