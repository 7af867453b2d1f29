"""Plain Python: each workload written by hand, without a framework, as the floor to beat.

The objects below offer only the methods the workloads call. They do what a careful
programmer would write: a loop over functions, a ``ThreadPoolExecutor`` bounded by
``max_concurrency``, an ``asyncio.Semaphore``, generators that stop when closed, and a numpy
matrix searched with ``argpartition``.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from benchmarks.harness import ConcurrencyTracker
from benchmarks.impl_base import TEMPLATE, add_one, async_sleeper_fn, sleeper_fn, tokens

__all__ = ["PlainImpl"]

Config = Mapping[str, Any] | None


def _max_workers(config: Config) -> int | None:
    return None if config is None else config.get("max_concurrency")


@attrs.frozen
class Fn:
    """A sync function with the Runnable methods, run the plain way."""

    fn: Callable[[Any], Any]

    def invoke(self, x: Any, config: Config = None) -> Any:
        return self.fn(x)

    async def ainvoke(self, x: Any, config: Config = None) -> Any:
        return self.fn(x)

    def batch(self, xs: list[Any], config: Config = None) -> list[Any]:
        with ThreadPoolExecutor(max_workers=_max_workers(config)) as pool:
            return list(pool.map(self.fn, xs))

    async def abatch(self, xs: list[Any], config: Config = None) -> list[Any]:
        return [self.fn(x) for x in xs]

    def stream(self, x: Any, config: Config = None) -> Iterator[Any]:
        yield self.fn(x)

    async def astream(self, x: Any, config: Config = None) -> AsyncIterator[Any]:
        yield self.fn(x)


@attrs.frozen
class AsyncFn:
    """A coroutine function with ``ainvoke`` / ``abatch`` (bounded by a semaphore)."""

    fn: Callable[[Any], Awaitable[Any]]

    async def ainvoke(self, x: Any, config: Config = None) -> Any:
        return await self.fn(x)

    async def abatch(self, xs: list[Any], config: Config = None) -> list[Any]:
        limit = _max_workers(config)
        if limit is None:
            return list(await asyncio.gather(*(self.fn(x) for x in xs)))
        semaphore = asyncio.Semaphore(limit)

        async def bounded(x: Any) -> Any:
            async with semaphore:
                return await self.fn(x)

        return list(await asyncio.gather(*(bounded(x) for x in xs)))


def _chain(steps: int) -> Callable[[int], int]:
    functions = (add_one,) * steps

    def run(x: int) -> int:
        for function in functions:
            x = function(x)
        return x

    return run


@attrs.frozen
class Message:
    """A chat message: role and text."""

    role: str
    content: str


@attrs.frozen
class FakeChatModel:
    """Answers every call with ``answer``; streams it one character per chunk."""

    answer: str
    chunk_delay: float = 0.0

    def invoke(self, messages: list[Message], config: Config = None) -> Message:
        return Message("ai", self.answer)

    def stream(self, messages: list[Message], config: Config = None) -> Iterator[Message]:
        for char in self.answer:
            if self.chunk_delay:
                time.sleep(self.chunk_delay)
            yield Message("ai", char)

    async def astream(
        self, messages: list[Message], config: Config = None
    ) -> AsyncIterator[Message]:
        for char in self.answer:
            if self.chunk_delay:
                await asyncio.sleep(self.chunk_delay)
            yield Message("ai", char)


@attrs.frozen
class JokeChain:
    """Format the prompt, call the model, keep the text."""

    model: FakeChatModel

    @staticmethod
    def prompt(inputs: Mapping[str, str]) -> list[Message]:
        return [Message("human", TEMPLATE.format(topic=inputs["topic"]))]

    def invoke(self, inputs: Mapping[str, str], config: Config = None) -> str:
        return self.model.invoke(self.prompt(inputs)).content

    async def ainvoke(self, inputs: Mapping[str, str], config: Config = None) -> str:
        return self.model.invoke(self.prompt(inputs)).content

    def stream(self, inputs: Mapping[str, str], config: Config = None) -> Iterator[str]:
        for chunk in self.model.stream(self.prompt(inputs)):
            yield chunk.content

    async def astream(self, inputs: Mapping[str, str], config: Config = None) -> AsyncIterator[str]:
        async for chunk in self.model.astream(self.prompt(inputs)):
            yield chunk.content


@attrs.frozen
class Parallel:
    """Branches run at once: threads for ``invoke``, tasks for ``ainvoke``."""

    branches: tuple[tuple[str, Callable[[Any], Any]], ...]

    def invoke(self, x: Any, config: Config = None) -> dict[str, Any]:
        with ThreadPoolExecutor(max_workers=len(self.branches)) as pool:
            futures = [(key, pool.submit(fn, x)) for key, fn in self.branches]
            return {key: future.result() for key, future in futures}

    async def ainvoke(self, x: Any, config: Config = None) -> dict[str, Any]:
        results = await asyncio.gather(*(fn(x) for _, fn in self.branches))
        return {key: result for (key, _), result in zip(self.branches, results, strict=True)}


@attrs.frozen
class TokenStream:
    """W9 by hand: a passthrough is no code at all, the generator streams."""

    def stream(self, n: int, config: Config = None) -> Iterator[str]:
        yield from tokens(n)


DIMENSION = 384


def hashing_embed(texts: list[str]) -> npt.NDArray[np.float32]:
    """Signed feature hashing of the words of each text into 384 buckets, rows normalised."""
    rows: list[int] = []
    cols: list[int] = []
    signs: list[float] = []
    for row, text in enumerate(texts):
        for word in text.split():
            digest = zlib.crc32(word.encode())
            rows.append(row)
            cols.append(digest % DIMENSION)
            signs.append(1.0 if digest & 0x8000_0000 else -1.0)
    matrix = np.zeros((len(texts), DIMENSION), dtype=np.float32)
    np.add.at(matrix, (np.asarray(rows), np.asarray(cols)), np.asarray(signs, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: npt.NDArray[np.float32] = matrix / norms
    return normalised


@attrs.frozen
class MatrixStore:
    """Texts and their normalised embeddings as one matrix; cosine = a matrix-vector product."""

    texts: tuple[str, ...]
    matrix: npt.NDArray[np.float32]

    @classmethod
    def from_texts(cls, texts: list[str]) -> MatrixStore:
        return cls(tuple(texts), hashing_embed(texts))

    def search(self, query: str, k: int) -> list[str]:
        scores = self.matrix @ hashing_embed([query])[0]
        top = np.argpartition(-scores, k)[:k]
        best_first = top[np.argsort(-scores[top])]
        return [self.texts[i] for i in best_first]


class PlainImpl:
    """Plain Python builders (see :class:`benchmarks.impl_base.Impl`)."""

    name = "plain"

    def add_one(self) -> Fn:
        return Fn(add_one)

    def lambda_chain(self, steps: int) -> Fn:
        return Fn(_chain(steps))

    def joke_chain(self, answer: str, chunk_delay: float = 0.0) -> JokeChain:
        return JokeChain(FakeChatModel(answer, chunk_delay))

    def joke_model(self, answer: str, chunk_delay: float = 0.0) -> tuple[FakeChatModel, object]:
        return FakeChatModel(answer, chunk_delay), JokeChain.prompt({"topic": "bears"})

    def sleeper(self, delay: float, tracker: ConcurrencyTracker) -> Fn:
        return Fn(sleeper_fn(delay, tracker))

    def async_sleeper(self, delay: float, tracker: ConcurrencyTracker) -> AsyncFn:
        return AsyncFn(async_sleeper_fn(delay, tracker))

    def parallel_sleepers(self, branches: int, delay: float, *, use_async: bool) -> Parallel:
        if use_async:

            async def anap(x: int) -> int:
                await asyncio.sleep(delay)
                return x

            return Parallel(tuple((f"b{i}", anap) for i in range(branches)))

        def nap(x: int) -> int:
            time.sleep(delay)
            return x

        return Parallel(tuple((f"b{i}", nap) for i in range(branches)))

    def token_stream(self) -> TokenStream:
        return TokenStream()

    def embed(self, texts: list[str]) -> object:
        return hashing_embed(texts)

    def vector_store(self, texts: list[str]) -> MatrixStore:
        return MatrixStore.from_texts(texts)
