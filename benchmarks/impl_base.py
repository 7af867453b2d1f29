"""What every implementation provides to the workloads, and the functions they share.

An implementation builds *subjects*: objects with the Runnable methods a workload calls
(``invoke``, ``ainvoke``, ``batch``, ``abatch``, ``stream``, ``astream``, and for W6/W7
``astream_events`` / ``astream_log``). lcel and langchain-core return real runnables; plain
Python returns small hand-written objects with the same methods, written the way a careful
programmer would without any framework.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Protocol

from benchmarks.harness import ConcurrencyTracker

__all__ = [
    "TEMPLATE",
    "Impl",
    "Store",
    "Subject",
    "add_one",
    "async_sleeper_fn",
    "sleeper_fn",
    "tokens",
]

TEMPLATE = "tell me a joke about {topic}"
"""W2's prompt template (one variable, ``topic``)."""

Subject = Any
"""A runnable, or plain Python's stand-in with the same methods (duck-typed on purpose:
the three implementations share no base class)."""


class Store(Protocol):
    """A vector store built from texts, searched by text (W12)."""

    def search(self, query: str, k: int) -> list[str]:
        """The ``k`` stored texts most similar to ``query``, best first."""
        ...


class Impl(Protocol):
    """The builders each implementation module exposes (see the module docstring)."""

    name: str

    def add_one(self) -> Subject:
        """One lambda ``x + 1`` (int → int)."""
        ...

    def lambda_chain(self, steps: int) -> Subject:
        """A sequence of ``steps`` lambdas ``x + 1`` (for ``steps == 1``, the lambda alone)."""
        ...

    def joke_chain(self, answer: str, chunk_delay: float = 0.0) -> Subject:
        """``prompt | fake chat model | StrOutputParser()``: ``{"topic": ...}`` → ``answer``."""
        ...

    def joke_model(self, answer: str, chunk_delay: float = 0.0) -> tuple[Subject, object]:
        """The chain's fake chat model alone, and the input the prompt would hand it."""
        ...

    def sleeper(self, delay: float, tracker: ConcurrencyTracker) -> Subject:
        """A sync lambda that sleeps ``delay`` s and returns its input, tracked."""
        ...

    def async_sleeper(self, delay: float, tracker: ConcurrencyTracker) -> Subject:
        """An async lambda that awaits ``delay`` s and returns its input, tracked."""
        ...

    def parallel_sleepers(self, branches: int, delay: float, *, use_async: bool) -> Subject:
        """A parallel of ``branches`` branches ``b0..bN`` each sleeping ``delay`` s."""
        ...

    def token_stream(self) -> Subject:
        """``passthrough | generator lambda``: ``n`` → ``n`` chunks ``"tok "``."""
        ...

    def embed(self, texts: list[str]) -> object:
        """The store's embedding of ``texts`` alone (to separate it from the store's cost)."""
        ...

    def vector_store(self, texts: list[str]) -> Store:
        """An in-memory vector store holding ``texts`` (384-dimensional vectors)."""
        ...


def add_one(x: int) -> int:
    """The step of W1, W10 and W11."""
    return x + 1


def tokens(n: int) -> Iterator[str]:
    """W9's generator: ``n`` chunks ``"tok "``."""
    for _ in range(n):
        yield "tok "


def sleeper_fn(delay: float, tracker: ConcurrencyTracker) -> Callable[[int], int]:
    """A function that sleeps ``delay`` s, counted by ``tracker``, and returns its input."""

    def nap(x: int) -> int:
        tracker.enter()
        try:
            time.sleep(delay)
        finally:
            tracker.exit()
        return x

    return nap


def async_sleeper_fn(delay: float, tracker: ConcurrencyTracker) -> Callable[[int], Awaitable[int]]:
    """A coroutine function that awaits ``delay`` s, counted by ``tracker``."""

    async def anap(x: int) -> int:
        tracker.enter()
        try:
            await asyncio.sleep(delay)
        finally:
            tracker.exit()
        return x

    return anap
