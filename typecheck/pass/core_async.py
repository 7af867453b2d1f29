"""Async functions and generators as lambdas; ainvoke/astream types."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import reveal_type

from lcel import RunnableGenerator, RunnableLambda, chain


async def fetch(url: str) -> bytes:
    return url.encode()


def words(text: str) -> Iterator[str]:
    yield from text.split()


async def agen(text: str) -> AsyncIterator[str]:
    yield text


def upper(chunks: Iterator[str]) -> Iterator[str]:
    for c in chunks:
        yield c.upper()


@chain
def size(data: bytes) -> int:
    return len(data)


a = RunnableLambda(fetch)
reveal_type(a)  # R: lcel._lambda.RunnableLambda[str, bytes]
reveal_type(RunnableLambda(words))  # R: lcel._lambda.RunnableLambda[str, str]
reveal_type(RunnableLambda(agen))  # R: lcel._lambda.RunnableLambda[str, str]
reveal_type(RunnableGenerator(upper))  # R: lcel._lambda.RunnableGenerator[str, str]
reveal_type(size)  # R: lcel._lambda.RunnableLambda[bytes, int]
pipeline = a | size


async def main() -> None:
    n = await pipeline.ainvoke("x")
    reveal_type(n)  # R: int
    async for chunk in pipeline.astream("x"):
        reveal_type(chunk)  # R: int


asyncio.run(main())
