from collections.abc import Sequence
from typing import reveal_type

from lcel import Runnable, RunnableLambda


def f(s: str) -> int:
    return len(s)


def g(s: str) -> int:
    return 0


def h(s: object) -> bool:
    return True


r = RunnableLambda(f)
reveal_type(r.with_config(run_name="x", tags=["t"]).invoke("a"))  # R: int
reveal_type(r.with_config({"tags": ["a"]}, metadata={"a": 1}).invoke("a"))  # R: int
reveal_type(r.with_config(configurable={"x": 1}, max_concurrency=3, recursion_limit=5).invoke("a"))  # R: int
reveal_type(r.with_types(input_type=str, output_type=int).invoke("a"))  # R: int
reveal_type(r.with_retry().invoke("a"))  # R: int
reveal_type(r.with_retry(stop_after_attempt=2, retry_if_exception_type=(ValueError,), wait_exponential_jitter=False).invoke("a"))  # R: int
reveal_type(r.with_fallbacks([RunnableLambda(g)]).invoke("a"))  # R: int
reveal_type(r.with_fallbacks([RunnableLambda(g), RunnableLambda(h)]).invoke("a"))  # R: int
reveal_type(r.with_fallbacks([RunnableLambda(g)], exceptions_to_handle=(KeyError,)).invoke("a"))  # R: int
reveal_type(r.bind(stop=["x"]).invoke("a"))  # R: int
m = r.map()
reveal_type(m.invoke(["a", "b"]))  # R: list[int]
reveal_type((r | (lambda n: n + 1)).with_retry().map().invoke(("a",)))  # R: list[int]
x: Runnable[Sequence[str], list[int]] = m
chained = r.with_retry() | (lambda n: n > 1)
reveal_type(chained)  # R: lcel._runnable.Runnable[str, bool]
