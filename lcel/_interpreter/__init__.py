"""The interpreter: the one place that executes a runnable tree, in every mode.

``Runnable`` methods call the functions here (through the one seam in ``lcel._runnable``).
Node execution lives in ``kinds/``, one module per node kind holding its sync and async
handlers side by side; ``_core`` holds the entry points the kinds call for their children
(and the tracing around them), ``_common`` the helpers they share. Batching, ``Result``
wrapping and the top-level context set-up live here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import functools
import sys
import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from returns.result import Failure, Result, Success

from lcel import _runnable
from lcel._interpreter import _core as C
from lcel._interpreter import _threads as threads
from lcel._interpreter import kinds  # noqa: F401  # imported for its effect: registers every kind
from lcel._interpreter._common import (
    cancel_all,
    close,
    closing_aiter,
    gather_bounded,
    run_in_threads,
)
from lcel._interpreter._ctx import CURRENT, DEFAULT_CTX, Ctx, make_ctx
from lcel._interpreter._dispatch import INVOKE, NO_KW
from lcel._interpreter._trace import Tracer
from lcel._runnable import Runnable
from lcel._types import T
from lcel._wrappers import RunnableBinding

__all__ = [
    "abatch",
    "abatch_as_completed",
    "ainvoke",
    "astream",
    "astream_traced",
    "atransform",
    "atry_batch",
    "atry_invoke",
    "batch",
    "batch_as_completed",
    "invoke",
    "stream",
    "transform",
    "try_batch",
    "try_invoke",
]

def invoke(node: Runnable[Any, T], x: Any, config: Mapping[str, Any] | None) -> T:
    ctx = (CURRENT.get() or DEFAULT_CTX) if config is None else make_ctx(config)
    if ctx.tracer is None and ctx.cancel is None:
        return INVOKE[type(node)](node, x, ctx, NO_KW)  # type: ignore[no-any-return]
    return C.invoke(node, x, ctx)  # type: ignore[no-any-return]


async def ainvoke(node: Runnable[Any, T], x: Any, config: Mapping[str, Any] | None) -> T:
    return await C.ainvoke(node, x, make_ctx(config))  # type: ignore[no-any-return]


def stream(node: Any, x: Any, config: Mapping[str, Any] | None) -> Iterator[Any]:
    ctx = make_ctx(config)
    return _closing_iter(C.stream(node, x, ctx))


def transform(node: Any, chunks: Iterator[Any], config: Mapping[str, Any] | None) -> Iterator[Any]:
    ctx = make_ctx(config)
    return _closing_iter(C.transform(node, iter(chunks), ctx))


def _closing_iter(it: Iterator[Any]) -> Iterator[Any]:
    try:
        yield from it
    finally:
        close(it)


def astream(node: Any, x: Any, config: Mapping[str, Any] | None) -> AsyncIterator[Any]:
    ctx = make_ctx(config)
    return _closing_aiter(lambda: C.astream(node, x, ctx))


def atransform(
    node: Any, chunks: AsyncIterator[Any], config: Mapping[str, Any] | None
) -> AsyncIterator[Any]:
    ctx = make_ctx(config)
    return _closing_aiter(lambda: C.atransform(node, chunks, ctx))


def astream_traced(
    node: Any, x: Any, config: Mapping[str, Any] | None, tracer: Tracer
) -> AsyncIterator[Any]:
    """:func:`astream` with ``tracer`` told about every run (added to any tracer the
    caller's context already has): what ``astream_events`` and ``astream_log`` run."""
    ctx = make_ctx(config).traced_by(tracer)
    return _closing_aiter(lambda: C.astream(node, x, ctx))


async def _closing_aiter(make: Any) -> AsyncIterator[Any]:
    async with closing_aiter(make()) as it:
        async for chunk in it:
            yield chunk


# -- batch ---------------------------------------------------------------------------------------


def _contexts(inputs: Sequence[Any], config: Any) -> list[Ctx]:
    if not isinstance(inputs, Sequence) or isinstance(inputs, str | bytes):
        raise TypeError(f"batch() takes a list of inputs, got {type(inputs).__name__}")
    n = len(inputs)
    if isinstance(config, Sequence) and not isinstance(config, Mapping):
        if len(config) != n:
            raise ValueError(
                f"batch() got {len(config)} configs for {n} inputs; pass one config, "
                "or exactly one per input"
            )
        return [make_ctx(c) for c in config]
    ctx = make_ctx(config)
    return [ctx] * n


def _limit(ctxs: list[Ctx], node: Any) -> int | None:
    """The batch's bound: the caller's ``max_concurrency``, else one bound with
    ``with_config`` (the same merge, caller's value first, as for any other key)."""
    limit = ctxs[0].max_concurrency if ctxs else None
    if limit is None and isinstance(node, RunnableBinding):
        limit = node.config.get("max_concurrency")
    return limit


def batch(node: Any, inputs: Sequence[Any], config: Any, *, return_exceptions: bool) -> list[Any]:
    ctxs = _contexts(inputs, config)
    if not ctxs:
        return []
    calls = [functools.partial(C.invoke, node, x, c) for x, c in zip(inputs, ctxs, strict=True)]
    return run_in_threads(
        calls,
        _limit(ctxs, node) or min(32, len(calls)),
        return_exceptions=return_exceptions,
        in_order=True,
    )


async def abatch(
    node: Any, inputs: Sequence[Any], config: Any, *, return_exceptions: bool
) -> list[Any]:
    ctxs = _contexts(inputs, config)
    if not ctxs:
        return []
    factories = [
        functools.partial(C.ainvoke, node, x, c) for x, c in zip(inputs, ctxs, strict=True)
    ]
    return await gather_bounded(
        factories, _limit(ctxs, node), return_exceptions=return_exceptions, in_order=True
    )


def batch_as_completed(
    node: Any, inputs: Sequence[Any], config: Any, *, return_exceptions: bool
) -> Iterator[tuple[int, Any]]:
    ctxs = _contexts(inputs, config)  # validate now, not at first next()
    return _batch_as_completed(node, inputs, ctxs, return_exceptions)


def _batch_as_completed(
    node: Any, inputs: Sequence[Any], ctxs: list[Ctx], return_exceptions: bool
) -> Iterator[tuple[int, Any]]:
    if not ctxs:
        return
    limit = threading.BoundedSemaphore(_limit(ctxs, node) or min(32, len(ctxs)))
    cancelled = threading.Event()

    def bounded(x: Any, c: Ctx) -> Any:
        with limit:
            if cancelled.is_set():
                raise cf.CancelledError
            return C.invoke(node, x, c)

    futures = {
        threads.submit(bounded, x, c): i for i, (x, c) in enumerate(zip(inputs, ctxs, strict=True))
    }
    try:
        for fut in cf.as_completed(futures):
            yield _outcome(futures[fut], fut, return_exceptions)
    finally:
        cancelled.set()  # calls not started yet give up; running ones finish
        cf.wait(futures)


def _outcome(
    index: int, done: cf.Future[Any] | asyncio.Future[Any], return_exceptions: bool
) -> tuple[int, Any]:
    """``(index, output)`` of a finished call, or ``(index, error)``; the error is raised
    instead unless errors are collected."""
    exc = done.exception()
    if exc is None:
        return index, done.result()
    if not return_exceptions:
        raise exc
    return index, exc


def abatch_as_completed(
    node: Any, inputs: Sequence[Any], config: Any, *, return_exceptions: bool
) -> AsyncIterator[tuple[int, Any]]:
    ctxs = _contexts(inputs, config)
    return _abatch_as_completed(node, inputs, ctxs, return_exceptions)


async def _abatch_as_completed(
    node: Any, inputs: Sequence[Any], ctxs: list[Ctx], return_exceptions: bool
) -> AsyncIterator[tuple[int, Any]]:
    if not ctxs:
        return
    limit = _limit(ctxs, node)
    sem = asyncio.Semaphore(limit) if limit else None

    async def run(x: Any, c: Ctx) -> Any:
        if sem is None:
            return await C.ainvoke(node, x, c)
        async with sem:
            return await C.ainvoke(node, x, c)

    tasks = {
        asyncio.ensure_future(run(x, c)): i
        for i, (x, c) in enumerate(zip(inputs, ctxs, strict=True))
    }
    try:
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for t in sorted(done, key=lambda t: tasks[t]):
                yield _outcome(tasks[t], t, return_exceptions)
    finally:
        await cancel_all(list(tasks))


# -- Result --------------------------------------------------------------------------------------


def try_invoke(node: Any, x: Any, config: Mapping[str, Any] | None) -> Result[Any, Exception]:
    try:
        return Success(invoke(node, x, config))
    except Exception as exc:
        return Failure(exc)


async def atry_invoke(
    node: Any, x: Any, config: Mapping[str, Any] | None
) -> Result[Any, Exception]:
    try:
        return Success(await ainvoke(node, x, config))
    except Exception as exc:
        return Failure(exc)


def _results(outs: list[Any]) -> list[Result[Any, Exception]]:
    return [Failure(o) if isinstance(o, Exception) else Success(o) for o in outs]


def try_batch(node: Any, inputs: Sequence[Any], config: Any) -> list[Result[Any, Exception]]:
    return _results(batch(node, inputs, config, return_exceptions=True))


async def atry_batch(node: Any, inputs: Sequence[Any], config: Any) -> list[Result[Any, Exception]]:
    return _results(await abatch(node, inputs, config, return_exceptions=True))


_runnable.install_engine(sys.modules[__name__])  # the one seam: Runnable's methods run here
