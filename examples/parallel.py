"""Parallelism, as on the seed page: a joke chain and a poem chain run side by side.

The fake models simulate latency: ``delay`` seconds before each answer, then ``chunk_delay``
seconds between streamed characters. ``RunnableParallel`` runs both chains at once, so the
pair takes about as long as the slower one, not the sum; ``batch`` runs its inputs
concurrently too. Streaming the pair yields ``{"joke": ...}`` / ``{"poem": ...}`` chunks as
each branch produces them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypedDict, TypeVar

from lcel import RunnableParallel
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

T = TypeVar("T")


class Topic(TypedDict):
    """The prompts' input: with the lcel mypy plugin, mypy checks the keys."""

    topic: str


LATENCY = 0.3  # seconds before each answer
CHUNK_DELAY = 0.002  # seconds between streamed characters

joke_model = FakeListChatModel(
    responses=["Why don't bears wear shoes? Bear feet!"], chunk_delay=CHUNK_DELAY, delay=LATENCY
)
poem_model = FakeListChatModel(
    responses=["In forest's embrace,\nmajestic bears pace."],
    chunk_delay=CHUNK_DELAY,
    delay=LATENCY,
)

chain1 = ChatPromptTemplate.from_template("tell me a joke about {topic}") | joke_model
chain2 = ChatPromptTemplate.from_template("write a short (2 line) poem about {topic}") | poem_model
combined = RunnableParallel(joke=chain1, poem=chain2)

# The same pair, with plain-text answers: what `lcel run examples/parallel.py:text` prints.
text = RunnableParallel(joke=chain1 | StrOutputParser(), poem=chain2 | StrOutputParser())


def timed(label: str, fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<22} wall time {elapsed * 1000:6.0f} ms")
    return result, elapsed


def main() -> None:
    topic: Topic = {"topic": "bears"}
    _, t1 = timed("chain1.invoke", lambda: chain1.invoke(topic))
    _, t2 = timed("chain2.invoke", lambda: chain2.invoke(topic))
    both, tc = timed("combined.invoke", lambda: combined.invoke(topic))
    print("joke:", both["joke"].content)
    print("poem:", both["poem"].text.replace("\n", " / "))
    print(f"parallel: {tc * 1000:.0f} ms vs {(t1 + t2) * 1000:.0f} ms one after the other")

    topics: list[Topic] = [{"topic": "bears"}, {"topic": "cats"}]
    timed("chain1.batch", lambda: chain1.batch(topics))
    timed("chain2.batch", lambda: chain2.batch(topics))
    results, _ = timed("combined.batch", lambda: combined.batch(topics))
    print("batch keys:", [sorted(r) for r in results])

    print("stream of the pair (first 6 chunks):")
    start = time.perf_counter()
    for i, chunk in enumerate(text.stream(topic)):
        if i < 6:
            print(f"  +{(time.perf_counter() - start) * 1000:4.0f} ms {chunk!r}")
    print(f"  ... done after {(time.perf_counter() - start) * 1000:.0f} ms")
    print("PARALLEL_FASTER" if tc < t1 + t2 else "PARALLEL_NOT_FASTER")


if __name__ == "__main__":
    main()
