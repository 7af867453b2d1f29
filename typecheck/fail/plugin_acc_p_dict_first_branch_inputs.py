from typing import Any
from lcel import RunnableLambda


def j(s: str) -> str:
    return s


def n(s: int) -> int:
    return 1


def consume(d: dict[str, Any]) -> int:
    return 1


c = {"a": RunnableLambda(j), "b": RunnableLambda(n)} | RunnableLambda(consume)  # E: [operator]
