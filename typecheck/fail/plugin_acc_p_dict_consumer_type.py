from typing import TypedDict
from lcel import RunnableLambda


class Need(TypedDict):
    a: str
    b: int


def consume(d: Need) -> str:
    return ""


def j(s: str) -> str:
    return s


c = {"a": j, "b": j} | RunnableLambda(consume)  # E: [operator]
