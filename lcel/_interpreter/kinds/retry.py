"""``RunnableRetry``: the bound runnable again after a listed exception, sync and async.

Streaming, an attempt may be retried only until its first chunk; fed a stream (which cannot
be replayed) the bound runnable runs once on it, as LangChain's retry does. Attempts after
the first are tagged ``retry:attempt:<n>`` when traced. The attempt loop is the one
fallbacks use (``_common.first_success``); here is only what happens between attempts.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._interpreter._common import (
    afirst_success,
    afirst_success_stream,
    first_success,
    first_success_stream,
)
from lcel._interpreter._core import ainvoke, astream, atransform, invoke, stream, transform
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._wrappers import RunnableRetry

Retry = RunnableRetry[Any, Any]


class _Between:
    """Between two attempts: wait (or, after the last one, raise its error)."""

    __slots__ = ("failed", "node")

    def __init__(self, node: Retry) -> None:
        self.node = node
        self.failed = 0

    def _last(self, error: BaseException) -> int:
        self.failed += 1
        if self.failed >= self.node.max_attempts:
            raise error
        return self.failed

    def wait(self, error: BaseException) -> None:
        attempt = self._last(error)
        (self.node.sleep or time.sleep)(self.node.delay(attempt))

    async def await_(self, error: BaseException) -> None:
        delay = self.node.delay(self._last(error))
        if self.node.asleep is not None:
            await self.node.asleep(delay)
        elif self.node.sleep is not None:
            self.node.sleep(delay)
        else:
            await asyncio.sleep(delay)


def _ctxs(node: Retry, ctx: Ctx) -> list[Ctx]:
    if ctx.tracer is None:
        return [ctx] * node.max_attempts
    return [ctx, *(ctx.tagged(f"retry:attempt:{n}") for n in range(2, node.max_attempts + 1))]


def _invoke(node: Retry, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    calls = (functools.partial(invoke, node.bound, x, c, kw) for c in _ctxs(node, ctx))
    return first_success(calls, node.retry_exception_types, _Between(node).wait)


async def _ainvoke(node: Retry, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    calls = (functools.partial(ainvoke, node.bound, x, c, kw) for c in _ctxs(node, ctx))
    return await afirst_success(calls, node.retry_exception_types, _Between(node).await_)


def _stream(node: Retry, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    opens = [functools.partial(stream, node.bound, x, ctx, kw)] * node.max_attempts
    return first_success_stream(opens, node.retry_exception_types, _Between(node).wait)


def _astream(node: Retry, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    opens = [functools.partial(astream, node.bound, x, ctx, kw)] * node.max_attempts
    return afirst_success_stream(opens, node.retry_exception_types, _Between(node).await_)


register(
    RunnableRetry,
    _invoke,
    _stream,
    _ainvoke,
    _astream,
    lambda node, chunks, ctx, kw: transform(node.bound, chunks, ctx, kw),
    lambda node, chunks, ctx, kw: atransform(node.bound, chunks, ctx, kw),
)
