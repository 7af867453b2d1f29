"""`callable | runnable` and `{"k": r} | runnable`."""

from typing import Any, reveal_type

from lcel import RunnableLambda


def parse(s: str) -> int:
    return int(s)


def show(n: int) -> str:
    return f"<{n}>"


left = parse | RunnableLambda(show)
reveal_type(left)  # R: lcel._runnable.Runnable[str, str]


def keys(d: dict[str, Any]) -> list[str]:
    return sorted(d)


mapped = {"a": RunnableLambda(parse)} | RunnableLambda(keys)
reveal_type(mapped)  # R: lcel._runnable.Runnable[str, list[str]]
