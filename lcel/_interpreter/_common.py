"""Helpers every node kind shares, sync and async side by side: calling user code with the
run's context, iterator plumbing, thread hops, and bounded concurrency that cleans up.

Nothing here knows a node kind; the kinds (``kinds/``) and the engine (``_core``) use it.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import itertools
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from lcel._chunks import NOTHING, combine
from lcel._interpreter import _threads as threads
from lcel._interpreter._ctx import CURRENT, CancelScope, Ctx, StepsCancelled
from lcel._runnable import Runnable
from lcel.errors import InputValidationError, RecursionLimitError, shorten

__all__ = [
    "acall_user",
    "acombine",
    "afirst",
    "afirst_success",
    "afirst_success_stream",
    "aiter_thread",
    "call_user",
    "cancel_all",
    "close",
    "closing_aiter",
    "expect_mapping",
    "first_success",
    "first_success_stream",
    "first_then_rest",
    "gather_bounded",
    "hop",
    "one",
    "run_coroutine",
    "run_in_threads",
    "to_thread",
    "user_config",
]


# -- user code -------------------------------------------------------------------------------


def user_config(ctx: Ctx) -> Any:  # Any: a RunnableConfig (or {} at top level)
    """The config a component or function receives (``{}`` for a bare top-level call)."""
    return ctx.user_config() if not ctx.bare else {}


def call_user(fn: Callable[..., Any], ctx: Ctx, *args: Any, **kwargs: Any) -> Any:
    """Call user code with ``ctx`` current, so a nested ``invoke`` inside is our child."""
    if ctx.bare:
        return fn(*args, **kwargs)
    token = CURRENT.set(ctx)
    try:
        return fn(*args, **kwargs)
    finally:
        CURRENT.reset(token)


async def acall_user(fn: Callable[..., Awaitable[Any]], ctx: Ctx, *args: Any, **kwargs: Any) -> Any:
    """:func:`call_user` for a coroutine function."""
    if ctx.bare:
        return await fn(*args, **kwargs)
    token = CURRENT.set(ctx)
    try:
        return await fn(*args, **kwargs)
    finally:
        CURRENT.reset(token)


def run_coroutine(coro: Any, what: str) -> Any:  # Any: a coroutine in, its result out
    """Run async-only user code from sync code (refused inside a running loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    coro.close()
    raise RuntimeError(
        f"{what} is async-only and cannot be invoked synchronously from a running event loop; "
        "use ainvoke/astream"
    )


def hop(node: Runnable[Any, Any], result: Runnable[Any, Any], x: Any, ctx: Ctx) -> Ctx:
    """The context for running the runnable a function returned (one level deeper)."""
    if ctx.depth >= ctx.recursion_limit:
        raise RecursionLimitError(
            f"recursion limit of {ctx.recursion_limit} reached: {node.get_name()} returned "
            f"{type(result).__name__} #{ctx.depth + 1} on input {shorten(x, 80)}; raise "
            "config['recursion_limit'] if this depth is intended"
        )
    return ctx.hop()


def expect_mapping(node: Runnable[Any, Any], x: Any) -> None:
    """Refuse a non-dict input where a dict is needed (assign, pick, exception_key)."""
    if not isinstance(x, dict):
        raise InputValidationError(
            f"{node.get_name()} expects a dict input, got {type(x).__name__}: {shorten(x, 80)}"
        )


# -- iterators -------------------------------------------------------------------------------


def close(it: Any) -> None:  # Any: any iterator
    """Close a generator (or anything with ``close``); a no-op for plain iterators."""
    closer = getattr(it, "close", None)
    if closer is not None:
        closer()


@asynccontextmanager
async def closing_aiter(it: AsyncIterator[Any]) -> AsyncIterator[AsyncIterator[Any]]:
    """``async with`` an async iterator: closed (``aclose``) on the way out, however left."""
    try:
        yield it
    finally:
        aclose = getattr(it, "aclose", None)
        if aclose is not None:
            await aclose()


async def acombine(chunks: AsyncIterator[Any]) -> Any:
    """:func:`combine` for an async stream."""
    return combine([chunk async for chunk in chunks])


async def one(x: Any) -> AsyncIterator[Any]:
    """An async stream of one chunk."""
    yield x


def first_then_rest(it: Iterator[Any]) -> tuple[Any, Iterator[Any]]:
    """Pull the first chunk (errors before it surface here), then the iterator of the rest."""
    return next(it, NOTHING), it


async def afirst(it: AsyncIterator[Any]) -> Any:
    """The first chunk of ``it`` (``NOTHING`` if none); errors before it surface here."""
    try:
        return await it.__anext__()
    except StopAsyncIteration:
        return NOTHING


# -- attempts (retry, fallbacks): the first that does not fail --------------------------------

Handled = tuple[type[BaseException], ...]
"""The exception types an attempt may fail with before the next one is tried."""


def first_success(
    attempts: Iterable[Callable[[], Any]],
    handled: Handled,
    on_error: Callable[[BaseException], None],
) -> Any:
    """The result of the first attempt that does not raise a ``handled`` error. Each such
    error goes to ``on_error``, which raises to stop (after the last attempt, it must)."""
    for attempt in attempts:
        try:
            return attempt()
        except handled as exc:
            error = exc
        on_error(error)  # outside the except block: errors do not chain by accident
    raise AssertionError("on_error must raise after the last attempt")


async def afirst_success(
    attempts: Iterable[Callable[[], Awaitable[Any]]],
    handled: Handled,
    on_error: Callable[[BaseException], Awaitable[None]],
) -> Any:
    """The async twin of :func:`first_success`."""
    for attempt in attempts:
        try:
            return await attempt()
        except handled as exc:
            error = exc
        await on_error(error)
    raise AssertionError("on_error must raise after the last attempt")


def first_success_stream(
    attempts: Iterable[Callable[[], Iterator[Any]]],
    handled: Handled,
    on_error: Callable[[BaseException], None],
) -> Iterator[Any]:
    """:func:`first_success` for streams: an attempt counts as failed only if it fails
    before its first chunk; after that, its chunks (and errors) are the stream's."""
    for attempt in attempts:
        try:
            first, rest = first_then_rest(attempt())
        except handled as exc:
            error = exc
        else:
            if first is not NOTHING:
                yield first
                yield from rest
            return
        on_error(error)
    raise AssertionError("on_error must raise after the last attempt")


async def afirst_success_stream(
    attempts: Iterable[Callable[[], AsyncIterator[Any]]],
    handled: Handled,
    on_error: Callable[[BaseException], Awaitable[None]],
) -> AsyncIterator[Any]:
    """The async twin of :func:`first_success_stream`."""
    for attempt in attempts:
        async with closing_aiter(attempt()) as it:
            try:
                first = await afirst(it)
            except handled as exc:
                error = exc
            else:
                if first is not NOTHING:
                    yield first
                    async for chunk in it:
                        yield chunk
                return
        await on_error(error)
    raise AssertionError("on_error must raise after the last attempt")


# -- threads from async code -------------------------------------------------------------------


async def to_thread(ctx: Ctx, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run sync ``fn`` in the default executor with ``ctx`` current (contextvars copied)."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    if not ctx.bare:
        context.run(CURRENT.set, ctx)
    return await loop.run_in_executor(None, functools.partial(context.run, fn, *args, **kwargs))


async def aiter_thread(ctx: Ctx, make: Callable[[], Iterator[Any]]) -> AsyncIterator[Any]:
    """Iterate a sync iterator in worker threads, one ``next`` per hop; closed on exit.

    Cancelled while a worker runs ``next``, it waits for that step to return before closing
    the iterator (closing a generator that is still running raises ``ValueError`` and would
    leave it, and whatever it holds, open).
    """
    it = await to_thread(ctx, make)
    step: asyncio.Future[Any] | None = None
    try:
        while True:
            step = asyncio.ensure_future(to_thread(ctx, next, it, NOTHING))
            chunk = await asyncio.shield(step)  # a cancellation leaves the step running
            step = None
            if chunk is NOTHING:
                return
            yield chunk
    finally:
        if step is not None:
            await asyncio.wait([step])
            if not step.cancelled():
                step.exception()  # retrieved: the step's own error was not asked for
        if getattr(it, "close", None) is not None:
            await to_thread(ctx, it.close)


# -- bounded concurrency -----------------------------------------------------------------------


def run_in_threads(
    calls: Sequence[Callable[[], Any]],
    max_workers: int | None,
    *,
    return_exceptions: bool = False,
    scope: CancelScope | None = None,
    in_order: bool = False,
) -> list[Any]:
    """Run ``calls`` on a bounded thread pool, order kept; the first failure cancels the
    calls not yet started (and, with ``scope``, the further steps of the running ones),
    waits for the running ones, and is raised unchanged: the first in time, or with
    ``in_order`` (a batch) the first failing call in input order."""
    n = len(calls)
    if n == 0:
        return []
    if n == 1:
        try:
            return [calls[0]()]
        except Exception as exc:
            if return_exceptions:
                return [exc]
            raise
    results: list[Any] = [None] * n
    errors: list[tuple[int, BaseException]] = []
    stopped: list[BaseException] = []  # StepsCancelled: a consequence, not a failure
    indexes = iter(range(n))  # a C iterator: safe to share between threads
    # list.append and len() are atomic: counting calls needs no lock on the hot path.
    started: list[None] = []
    done: list[None] = []
    settled = threading.Event()

    workers = min(n, max_workers or n)
    extra = itertools.count(1)  # C-level counter: atomic between threads

    def worker() -> None:
        # Each worker pulls the next index until none is left (or a call failed): at most
        # ``max_workers`` calls at once, and one job per worker, not per call. A worker that
        # got a call starts the next worker, so threads ramp up only while calls remain:
        # quick calls finish in the caller before a second thread is even awake.
        spawned = False
        for i in indexes:
            if not spawned:
                spawned = True
                if next(extra) < workers:
                    threads.submit(worker)
            started.append(None)
            try:
                # After a failure no call starts, except, in a batch, one before the failing
                # input: it may fail too, and the first failure in input order is raised.
                if stopped or (errors and (not in_order or i > min(e[0] for e in errors))):
                    return
                results[i] = calls[i]()
            except Exception as exc:
                if not return_exceptions:
                    errors.append((i, exc))
                    if scope is not None:
                        scope.cancel()
                results[i] = exc
            except StepsCancelled as exc:
                stopped.append(exc)
            finally:
                done.append(None)
                if len(done) == n or ((errors or stopped) and len(done) == len(started)):
                    settled.set()

    # The calling thread is the first worker: it would only wait otherwise. A worker that
    # wakes after the last call was taken just returns, so we wait for calls, not threads:
    # every call finished, or one failed and those already running finished.
    worker()
    settled.wait()
    if errors:
        raise (min(errors, key=lambda e: e[0]) if in_order else errors[0])[1]
    if stopped:
        raise stopped[0]
    return results


async def gather_bounded(
    factories: Sequence[Callable[[], Awaitable[Any]]],
    limit: int | None,
    *,
    return_exceptions: bool = False,
    scope: CancelScope | None = None,
    in_order: bool = False,
) -> list[Any]:
    """Run the coroutines from ``factories`` as tasks, at most ``limit`` at once, order kept.

    A failure (unless ``return_exceptions``) starts no further call (nor, with ``scope``, a
    further step of a running one), cancels the running ones and propagates unchanged. With
    ``in_order`` (a batch), calls before the failure in input order finish first, and the
    first failing call in input order is the one raised (as the sync twin). A cancellation
    of the caller cancels every task.
    """
    n = len(factories)
    if n == 0:
        return []
    if n == 1:
        try:
            return [await factories[0]()]
        except Exception as exc:
            if return_exceptions:
                return [exc]
            raise
    results: list[Any] = [None] * n
    indexes = iter(range(n))
    failures: dict[int, BaseException] = {}
    first_in_time: list[BaseException] = []
    stopped: list[BaseException] = []  # StepsCancelled: a consequence, not a failure
    working: dict[asyncio.Future[Any], int] = {}

    async def worker() -> None:
        # Workers pull the next index until none is left: at most ``limit`` run at once,
        # and there are only ``limit`` tasks however long the batch.
        me = asyncio.current_task()
        assert me is not None
        for i in indexes:
            if stopped or (failures and (not in_order or i > min(failures))):
                return
            working[me] = i
            try:
                results[i] = await factories[i]()
            except Exception as exc:
                if return_exceptions:
                    results[i] = exc
                    continue
                failures[i] = exc
                first_in_time.append(exc)
                if scope is not None:
                    scope.cancel()
                return
            except StepsCancelled as exc:
                stopped.append(exc)
                return
        working.pop(me, None)

    tasks = [asyncio.ensure_future(worker()) for _ in range(min(n, limit or n))]
    try:
        pending = set(tasks)
        while pending:
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if failures:
                first = min(failures) if in_order else -1
                for t in pending:
                    if working.get(t, n) > first:
                        t.cancel()  # after the first failure in input order: irrelevant
        if failures:
            raise failures[min(failures)] if in_order else first_in_time[0]
        if stopped:
            raise stopped[0]
        return results
    finally:
        await cancel_all(tasks)


async def cancel_all(tasks: Sequence[asyncio.Future[Any]]) -> None:
    """Cancel unfinished tasks and wait until they are really finished."""
    pending = [t for t in tasks if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        await asyncio.wait(pending)
    for t in tasks:  # mark exceptions as retrieved
        if t.done() and not t.cancelled():
            t.exception()
