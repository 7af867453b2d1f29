from distributed import Client

from lcel import RunnableLambda
from lcel.distributed import DaskExecutor


def length(s: str) -> int:
    return len(s)


def run(client: Client) -> None:
    executor = DaskExecutor(client, chunk_size=8)
    r = RunnableLambda(length)
    executor.batch(r, [1, 2])  # E: [misc]
    x: list[int] = executor.batch(r, ["a"], return_exceptions=True)  # E: [assignment]
    y: list[str] = executor.batch(r, ["a"])  # E: [arg-type]
    executor.batch(r, ["a"], {"max_concurency": 2})  # E: [call-overload]
    DaskExecutor(client, chunk_size="8")  # E: [arg-type]
    DaskExecutor("tcp://scheduler:8786")  # E: [arg-type]
    executor.batch(length, ["a"])  # E: [call-overload]
