"""DaskExecutor.batch has Runnable.batch's types, with the runnable first."""

from typing import reveal_type

from distributed import Client

from lcel import RunnableLambda
from lcel.distributed import DaskExecutor


def inc(x: int) -> int:
    return x + 1


def run(client: Client) -> None:
    executor = DaskExecutor(client, chunk_size=64, max_in_flight=4)
    r = RunnableLambda(inc)
    reveal_type(executor.batch(r, [1, 2]))  # R: list[int]
    reveal_type(executor.batch(r, [1, 2], return_exceptions=True))  # R: list[int | Exception]
    reveal_type(executor.batch(r | str, [1], {"max_concurrency": 8}))  # R: list[str]
    for _i, out in executor.batch_as_completed(r, [1, 2]):
        reveal_type(out)  # R: int
    for _j, maybe in executor.batch_as_completed(r, [1], return_exceptions=True):
        reveal_type(maybe)  # R: int | Exception
    outputs: list[int] = executor.batch(r, [3])
