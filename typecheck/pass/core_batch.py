"""batch and return_exceptions; try_invoke gives a returns.Result."""

from typing import reveal_type

from lcel import RunnableLambda


def inc(x: int) -> int:
    return x + 1


r = RunnableLambda(inc)
reveal_type(r.batch([1, 2]))  # R: list[int]
reveal_type(r.batch([1, 2], return_exceptions=True))  # R: list[int | Exception]
reveal_type(r.try_invoke(1))  # R: returns.result.Result[int, Exception]
reveal_type(r.try_batch([1]))  # R: list[returns.result.Result[int, Exception]]
for _i, out in r.batch_as_completed([1, 2]):
    reveal_type(out)  # R: int
reveal_type(list(r.stream(1)))  # R: list[int]
