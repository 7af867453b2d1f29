"""``RunnableParallel``: every branch on the same input at once, sync (threads) and async
(tasks).

Invoked, the outputs form a dict in branch order. Streamed, each branch's chunks come out
as ``{key: chunk}`` in arrival order; fed a stream, each branch gets every input chunk as it
comes. The first failure stops everything: branches not started never start, running
branches start no further step (a cancel scope), and the failure is raised unchanged.
Leaving a stream early stops the branches and waits for them: nothing outlives the call.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import functools
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from lcel._interpreter import _threads as threads
from lcel._interpreter._common import (
    cancel_all,
    close,
    closing_aiter,
    gather_bounded,
    run_in_threads,
)
from lcel._interpreter._core import ainvoke, astream, atransform, invoke, stream, transform
from lcel._interpreter._ctx import CancelScope, Ctx
from lcel._interpreter._dispatch import register
from lcel._parallel import RunnableParallel

Parallel = RunnableParallel[Any, Any]


def _branch_ctxs(node: Parallel, ctx: Ctx) -> list[tuple[str, Any, Ctx]]:
    """Each branch with its context (tagged ``map:key:<key>`` when traced)."""
    if ctx.tracer is None:
        return [(key, step, ctx) for key, step in node.branches]
    return [(key, step, ctx.tagged(f"map:key:{key}")) for key, step in node.branches]


class _Ended:
    """End of a branch's input feed, or of its output (with the error, if it failed)."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def _ended(item: Any) -> bool:
    """Whether ``item`` ends a feed or a branch (raising its error if it failed)."""
    if isinstance(item, _Ended):
        if item.error is not None:
            raise item.error
        return True
    return False


def _finish(
    put: Callable[[tuple[str, Any]], None],
    key: str,
    scope: CancelScope,
    error: BaseException | None,
) -> None:
    """A branch's end on the output queue; a failure also stops its siblings' further steps
    (after the put: the consumer sees this error before any other)."""
    put((key, _Ended(error)))
    if error is not None:
        scope.cancel()


def _keyed(outs: list[Any], node: Parallel) -> dict[str, Any]:
    return {key: out for (key, _), out in zip(node.branches, outs, strict=True)}


# -- invoke -------------------------------------------------------------------------------------


def _invoke(node: Parallel, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    bctx, scope = ctx.cancellable()
    calls = [functools.partial(invoke, step, x, c) for _, step, c in _branch_ctxs(node, bctx)]
    return _keyed(run_in_threads(calls, ctx.max_concurrency, scope=scope), node)


async def _ainvoke(node: Parallel, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    bctx, scope = ctx.cancellable()
    factories = [
        functools.partial(ainvoke, step, x, c) for _, step, c in _branch_ctxs(node, bctx)
    ]
    return _keyed(await gather_bounded(factories, ctx.max_concurrency, scope=scope), node)


# -- streams, sync: a thread per branch ---------------------------------------------------------


def _fan_out(
    node: Parallel, ctx: Ctx, open_branch: Callable[[int, Any, Ctx], Iterator[Any]]
) -> Iterator[Any]:
    """Run ``open_branch(i, step, ctx)`` for every branch in threads, yielding
    ``{key: chunk}`` as chunks arrive; the first error stops everything and is raised."""
    out: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    stop = threading.Event()
    bctx, scope = ctx.cancellable()
    limit = threading.BoundedSemaphore(ctx.max_concurrency or max(len(node.branches), 1))

    def pump(index: int, key: str, step: Any, c: Ctx) -> None:
        error: BaseException | None = None
        with limit:
            try:
                it = open_branch(index, step, c)
                try:
                    for chunk in it:
                        if stop.is_set():
                            return
                        out.put((key, chunk))
                finally:
                    close(it)
            except BaseException as exc:
                error = exc
            _finish(out.put, key, scope, error)

    futures = [
        threads.submit(pump, i, key, step, c)
        for i, (key, step, c) in enumerate(_branch_ctxs(node, bctx))
    ]
    try:
        remaining = len(futures)
        while remaining:
            key, chunk = out.get()
            if _ended(chunk):
                remaining -= 1
            else:
                yield {key: chunk}
    finally:
        stop.set()
        cf.wait(futures)


def _stream(node: Parallel, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    return _fan_out(node, ctx, lambda i, step, c: stream(step, x, c))


def _transform(
    node: Parallel, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    """Fed a stream, every branch gets each input chunk as it comes (a feeder thread copies
    them into one queue per branch), so a parser branch streams behind a model."""
    feeds: list[queue.SimpleQueue[Any]] = [queue.SimpleQueue() for _ in node.branches]
    stop = threading.Event()

    def feed() -> None:
        error: BaseException | None = None
        try:
            for chunk in chunks:
                if stop.is_set():
                    break
                for q in feeds:
                    q.put(chunk)
        except BaseException as exc:  # handed to every branch, which re-raises it
            error = exc
        finally:
            close(chunks)
            for q in feeds:
                q.put(_Ended(error))

    def drain(q: queue.SimpleQueue[Any]) -> Iterator[Any]:
        while not _ended(item := q.get()):
            yield item

    feeder = threads.submit(feed)
    try:
        yield from _fan_out(node, ctx, lambda i, step, c: transform(step, drain(feeds[i]), c))
    finally:
        stop.set()
        cf.wait([feeder])


# -- streams, async: a task per branch ------------------------------------------------------------


async def _afan_out(
    node: Parallel, ctx: Ctx, open_branch: Callable[[int, Any, Ctx], AsyncIterator[Any]]
) -> AsyncIterator[Any]:
    """The async twin of :func:`_fan_out`: tasks instead of threads; the first error cancels
    the other branches (and waits for them) before it is raised."""
    out: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    bctx, scope = ctx.cancellable()
    limit = asyncio.Semaphore(ctx.max_concurrency) if ctx.max_concurrency else None

    async def pump(index: int, key: str, step: Any, c: Ctx) -> None:
        error: BaseException | None = None
        try:
            bounded = limit or contextlib.nullcontext()
            async with bounded, closing_aiter(open_branch(index, step, c)) as it:
                async for chunk in it:
                    out.put_nowait((key, chunk))
        except BaseException as exc:
            error = exc
        _finish(out.put_nowait, key, scope, error)

    tasks = [
        asyncio.ensure_future(pump(i, key, step, c))
        for i, (key, step, c) in enumerate(_branch_ctxs(node, bctx))
    ]
    try:
        remaining = len(tasks)
        while remaining:
            key, chunk = await out.get()
            if _ended(chunk):
                remaining -= 1
            else:
                yield {key: chunk}
    finally:
        await cancel_all(tasks)


def _astream(node: Parallel, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    return _afan_out(node, ctx, lambda i, step, c: astream(step, x, c))


async def _atransform(
    node: Parallel, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    """Fed a stream, every branch gets each input chunk as it comes (a feeder task copies
    them into one queue per branch)."""
    feeds: list[asyncio.Queue[Any]] = [asyncio.Queue() for _ in node.branches]

    async def feed() -> None:
        error: BaseException | None = None
        try:
            async with closing_aiter(chunks) as upstream:
                async for chunk in upstream:
                    for q in feeds:
                        q.put_nowait(chunk)
        except BaseException as exc:  # handed to every branch, which re-raises it
            error = exc
            if isinstance(exc, asyncio.CancelledError):
                raise  # the feeder itself was cancelled: the branches are being cancelled too
        finally:
            for q in feeds:
                q.put_nowait(_Ended(error))

    async def drain(q: asyncio.Queue[Any]) -> AsyncIterator[Any]:
        while not _ended(item := await q.get()):
            yield item

    feeder = asyncio.ensure_future(feed())
    try:
        branches = _afan_out(node, ctx, lambda i, step, c: atransform(step, drain(feeds[i]), c))
        async with closing_aiter(branches) as it:
            async for chunk in it:
                yield chunk
    finally:
        await cancel_all([feeder])


register(RunnableParallel, _invoke, _stream, _ainvoke, _astream, _transform, _atransform)
