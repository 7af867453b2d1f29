"""A parallel keeps its input type without the plugin too: its branches say what they take,
even where layer 1 types the keyed output ``Any`` (R1 marks the type revealed without the
plugin, R the one with it)."""

from collections.abc import Mapping
from typing import Any, reveal_type

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough


def inc(x: int) -> int:
    return x + 1


def show(x: int) -> str:
    return str(x)


def keys(d: Mapping[str, Any]) -> list[str]:
    return sorted(d)


r = RunnableLambda(inc)
s = RunnableLambda(show)
reveal_type({"a": show, "b": show} | RunnableLambda(keys))  # R1: lcel._runnable.Runnable[int, list[str]]  # R: lcel._runnable.Runnable[int, list[str]]
reveal_type({"a": s, "b": r} | RunnableLambda(keys))  # R1: lcel._runnable.Runnable[int, list[str]]  # R: lcel._runnable.Runnable[int, list[str]]
reveal_type(RunnableParallel(a=r, b=show))  # R1: lcel._parallel.RunnableParallel[int, Any]  # R: lcel._parallel.RunnableParallel[int, TypedDict(lcel._keyed.ParallelOutput, {'a': int, 'b': str})]
reveal_type(RunnableParallel({"a": r, "b": r}))  # R1: lcel._parallel.RunnableParallel[int, Any]  # R: lcel._parallel.RunnableParallel[int, TypedDict(lcel._keyed.ParallelOutput, {'a': int, 'b': int})]
reveal_type(RunnableParallel(a=s, b=RunnablePassthrough()))  # R1: lcel._parallel.RunnableParallel[int, Any]  # R: lcel._parallel.RunnableParallel[int, TypedDict(lcel._keyed.ParallelOutput, {'a': str, 'b': int})]
reveal_type(RunnableParallel(a=s, b={"c": r}))  # R1: lcel._parallel.RunnableParallel[int, Any]  # R: lcel._parallel.RunnableParallel[int, TypedDict(lcel._keyed.ParallelOutput, {'a': str, 'b': TypedDict(lcel._keyed.ParallelOutput, {'c': int})})]
reveal_type(RunnableParallel(a=s) | RunnableLambda(keys))  # R1: lcel._runnable.Runnable[int, list[str]]  # R: lcel._runnable.Runnable[int, list[str]]
reveal_type(RunnableParallel(a=s).invoke(1))  # R1: Any  # R: TypedDict(lcel._keyed.ParallelOutput, {'a': str})
# what the branches cannot tell stays wide: untyped lambdas, a passthrough joined in a literal
reveal_type(RunnableParallel(a=lambda x: x))  # R1: lcel._parallel.RunnableParallel[Any, Any]  # R: lcel._parallel.RunnableParallel[Any, TypedDict(lcel._keyed.ParallelOutput, {'a': Any})]
reveal_type({"a": r, "b": RunnablePassthrough()} | RunnableLambda(keys))  # R1: lcel._runnable.Runnable[Any, list[str]]  # R: lcel._runnable.Runnable[int, list[str]]
