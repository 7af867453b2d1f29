"""In is contravariant and Out covariant: wider inputs and narrower outputs fit."""

from lcel import Runnable, RunnableLambda


def describe(x: object) -> bool:
    return bool(x)


def to_len(s: str) -> int:
    return len(s)


wide: Runnable[str, int] = RunnableLambda(describe)  # bool is an int, object takes str
chained = RunnableLambda(to_len) | RunnableLambda(describe)
as_object: Runnable[str, object] = chained
