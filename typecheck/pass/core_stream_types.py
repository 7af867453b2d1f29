"""stream/transform types follow the output type."""

from collections.abc import Iterator
from typing import reveal_type

from lcel import RunnableLambda


def words(text: str) -> Iterator[str]:
    yield from text.split()


def to_len(s: str) -> int:
    return len(s)


r = RunnableLambda(words) | RunnableLambda(to_len)
for chunk in r.stream("a b"):
    reveal_type(chunk)  # R: int
reveal_type(r.transform(iter(["a"])))  # R: typing.Iterator[int]
