from collections.abc import AsyncIterator, Iterator
from typing import reveal_type

from lcel import RunnableConfig, RunnableGenerator, RunnableLambda, chain


async def afn(x: int) -> str:
    return str(x)


def with_cfg(x: int, config: RunnableConfig) -> str:
    return str(x)


async def awith_cfg(x: int, config: RunnableConfig) -> str:
    return str(x)


def gen(x: str) -> Iterator[str]:
    yield x


async def agen(x: str) -> AsyncIterator[str]:
    yield x


def tr(it: Iterator[str]) -> Iterator[int]:
    for s in it:
        yield len(s)


async def atr(it: AsyncIterator[str]) -> AsyncIterator[int]:
    async for s in it:
        yield len(s)


reveal_type(RunnableLambda(afn))  # R: lcel._lambda.RunnableLambda[int, str]
reveal_type(RunnableLambda(with_cfg))  # R: lcel._lambda.RunnableLambda[int, str]
reveal_type(RunnableLambda(awith_cfg))  # R: lcel._lambda.RunnableLambda[int, str]
reveal_type(RunnableLambda(gen))  # R: lcel._lambda.RunnableLambda[str, str]
reveal_type(RunnableLambda(agen))  # R: lcel._lambda.RunnableLambda[str, str]
reveal_type(RunnableLambda(gen, agen))  # R: lcel._lambda.RunnableLambda[str, str]
reveal_type(RunnableLambda(lambda x: x, afunc=None))  # R: lcel._lambda.RunnableLambda[Any, Any]
reveal_type(RunnableGenerator(tr))  # R: lcel._lambda.RunnableGenerator[str, int]
reveal_type(RunnableGenerator(atr))  # R: lcel._lambda.RunnableGenerator[str, int]
reveal_type(RunnableGenerator(tr, atr))  # R: lcel._lambda.RunnableGenerator[str, int]
reveal_type(chain(afn))  # R: lcel._lambda.RunnableLambda[int, str]
reveal_type(chain(with_cfg))  # R: lcel._lambda.RunnableLambda[int, str]
reveal_type(chain(gen))  # R: lcel._lambda.RunnableLambda[str, str]
reveal_type(chain(agen))  # R: lcel._lambda.RunnableLambda[str, str]


def sync_plus_async(x: int) -> str:
    return ""


reveal_type(RunnableLambda(sync_plus_async, afn))  # R: lcel._lambda.RunnableLambda[int, str]
reveal_type(RunnableLambda(with_cfg, awith_cfg))  # R: lcel._lambda.RunnableLambda[int, str]

g = RunnableGenerator(tr)
s = RunnableLambda(gen) | g
reveal_type(s)  # R: lcel._runnable.Runnable[str, int]
for chunk in s.stream("x"):
    reveal_type(chunk)  # R: int


async def main() -> None:
    async for c in RunnableLambda(afn).astream(1):
        reveal_type(c)  # R: str
    r = await RunnableLambda(afn).ainvoke(1)
    reveal_type(r)  # R: str
    async for c2 in RunnableLambda(afn).atransform(_ait()):
        reveal_type(c2)  # R: str


async def _ait() -> AsyncIterator[int]:
    yield 1


# lambda returning a runnable
inner = RunnableLambda(afn)


def route(x: int) -> RunnableLambda[int, str]:
    return inner


reveal_type(RunnableLambda(route))  # R: lcel._lambda.RunnableLambda[int, lcel._lambda.RunnableLambda[int, str]]
