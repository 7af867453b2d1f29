"""``RunnableParallel(**steps)`` with a dict of steps is accepted (layer 1 and plugin)."""

from lcel import Runnable, RunnableLambda, RunnableParallel


def f(s: str) -> int:
    return len(s)


steps: dict[str, Runnable[str, int]] = {"a": RunnableLambda(f)}
par = RunnableParallel(**steps)
also = RunnableParallel({"a": RunnableLambda(f)}, b=RunnableLambda(f))
