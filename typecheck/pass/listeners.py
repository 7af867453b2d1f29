"""with_listeners keeps the runnable's types; listeners are sync or async functions of Run."""

from typing import reveal_type

from lcel import RunnableLambda
from lcel.callbacks import Run


def inc(x: int) -> int:
    return x + 1


def on_start(run: Run) -> None:
    print(run.input)


async def on_end(run: Run) -> None:
    print(run.output, run.end_time)


r = RunnableLambda(inc).with_listeners(on_start=on_start, on_end=on_end, on_error=on_start)
reveal_type(r)  # R: lcel._wrappers.RunnableBinding[int, int]
reveal_type(r.invoke(1))  # R: int
chained = r | str
reveal_type(chained)  # R: lcel._runnable.Runnable[int, str]
