"""Async execution: ``ainvoke`` and async streaming of every node kind.

Mirrors :mod:`._sync` node for node. Sync user code and sync-only components run in a
worker thread (with the caller's context), except components that declare
``blocking = False``, which run inline. Concurrency uses tasks; a failure or a cancellation
cancels every task started here and waits for it, so no task outlives its caller.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from lcel._branch import RunnableBranch
from lcel._interpreter import _sync as S
from lcel._interpreter._combine import NOTHING, add, combine, last, stream_add
from lcel._interpreter._ctx import CURRENT, DEFAULT_CTX, CancelScope, Ctx, StepsCancelled
from lcel._interpreter._dispatch import Table, capabilities
from lcel._interpreter._trace import new_run
from lcel._lambda import ASYNC, ASYNC_GEN, SYNC_GEN, RunnableGenerator, RunnableLambda
from lcel._leaf import Component
from lcel._parallel import RunnableParallel
from lcel._passthrough import RunnableAssign, RunnablePassthrough, RunnablePick
from lcel._runnable import Runnable
from lcel._sequence import RunnableSequence
from lcel._wrappers import RunnableBinding, RunnableEach, RunnableRetry, RunnableWithFallbacks

AINVOKE = Table("ainvoke")
ASTREAM = Table("astream")
ATRANSFORM = Table("atransform")
NO_KW = S.NO_KW


# -- entry points ---------------------------------------------------------------------------


async def ainvoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> Any:
    if ctx.cancel is not None:
        ctx.cancel.check()
    if ctx.tracer is None:
        return await AINVOKE[type(node)](node, x, ctx, kw)
    return await traced_ainvoke(node, x, ctx, kw)


def astream(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> AsyncIterator[Any]:
    if ctx.cancel is not None:
        ctx.cancel.check()
    if ctx.tracer is None or type(node) in S._RUNLESS_STREAM:
        return ASTREAM[type(node)](node, x, ctx, kw)  # type: ignore[no-any-return]
    if ctx.parent is not None and S.starts_on_first_chunk(node):
        return traced_atransform(node, _one(x), ctx, kw)
    return traced_astream(node, x, ctx, kw)


def atransform(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any] = NO_KW
) -> AsyncIterator[Any]:
    if ctx.cancel is not None:
        ctx.cancel.check()
    if ctx.tracer is None:
        if not S.consumes_stream(node):
            return _buffer_then_stream(node, chunks, ctx, kw)
        return ATRANSFORM[type(node)](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    if type(node) is RunnableBinding:
        return ATRANSFORM[RunnableBinding](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    if S.starts_on_first_chunk(node):
        return traced_atransform(node, chunks, ctx, kw)
    return _buffer_then_stream(node, chunks, ctx, kw)


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


async def _buffer_then_stream(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    x = await acombine(chunks)
    async with closing_aiter(astream(node, x, ctx, kw)) as it:
        async for chunk in it:
            yield chunk


def _untraced_atransform(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    """The node's own transform, or its stream of the combined chunks (no run of its own:
    the caller traces it)."""
    if S.consumes_stream(node) or isinstance(node, RunnableSequence):
        return ATRANSFORM[type(node)](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    return _buffer_stream_handler(node, chunks, ctx, kw)


async def _buffer_stream_handler(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    x = await acombine(chunks)
    async with closing_aiter(ASTREAM[type(node)](node, x, ctx, kw)) as it:
        async for chunk in it:
            yield chunk


async def to_thread(ctx: Ctx, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run sync ``fn`` in the default executor with ``ctx`` current (contextvars copied)."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    if ctx is not DEFAULT_CTX:
        context.run(CURRENT.set, ctx)
    return await loop.run_in_executor(None, functools.partial(context.run, fn, *args, **kwargs))


async def aiter_thread(ctx: Ctx, make: Callable[[], Iterator[Any]]) -> AsyncIterator[Any]:
    """Iterate a sync iterator in worker threads, one ``next`` per hop; closed on exit."""
    it = await to_thread(ctx, make)
    try:
        while True:
            chunk = await to_thread(ctx, next, it, NOTHING)
            if chunk is NOTHING:
                return
            yield chunk
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            await to_thread(ctx, close)


# -- tracing wrappers ---------------------------------------------------------------------------


async def traced_ainvoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if type(node) is RunnableBinding:
        return await AINVOKE[RunnableBinding](node, x, ctx, kw)
    tracer = ctx.tracer
    assert tracer is not None
    run = new_run(node, ctx, x)
    child = ctx.child_of(run)
    tracer.on_start(run)
    try:
        caps = capabilities(type(node)) if isinstance(node, Component) else frozenset()
        if tracer.stream_leaves and ("_astream" in caps or "_stream" in caps):
            out: Any = NOTHING
            async with closing_aiter(_component_astream(node, x, child, kw)) as it:
                async for chunk in it:
                    tracer.on_stream(run, chunk)
                    out = add(out, chunk)
            out = node._finalize(None if out is NOTHING else out)
        else:
            out = await AINVOKE[type(node)](node, x, child, kw)
    except BaseException as exc:
        run.error = exc
        tracer.on_error(run)
        raise
    run.output = out
    tracer.on_end(run)
    return out


async def traced_astream(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    tracer = ctx.tracer
    assert tracer is not None
    run = new_run(node, ctx, x)
    child = ctx.child_of(run)
    tracer.on_start(run)
    async with closing_aiter(_traced_body(run, ASTREAM[type(node)](node, x, child, kw), ctx)) as it:
        async for chunk in it:
            yield chunk


async def traced_atransform(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    tracer = ctx.tracer
    assert tracer is not None
    run = new_run(node, ctx, NOTHING)
    child = ctx.child_of(run)
    seen: list[Any] = []
    start = S.lazy_start(tracer, run)

    async def tee() -> AsyncIterator[Any]:
        # The run starts when its first input chunk arrives (after its upstream started).
        async for c in chunks:
            start()
            seen.append(c)
            yield c
        start()

    body = _traced_body(run, _untraced_atransform(node, tee(), child, kw), ctx, seen, start)
    async with closing_aiter(body) as it:
        async for chunk in it:
            yield chunk


async def _traced_body(
    run: Any,
    inner: AsyncIterator[Any],
    ctx: Ctx,
    seen: list[Any] | None = None,
    start: Callable[[], None] | None = None,
) -> AsyncIterator[Any]:
    tracer = ctx.tracer
    assert tracer is not None
    on_stream = tracer.on_stream
    cumulative = stream_add(run.node) is last
    chunks: list[Any] = []  # added up once at the end, not one intermediate sum per chunk
    try:
        async with closing_aiter(inner) as it:
            async for chunk in it:
                on_stream(run, chunk)
                chunks.append(chunk)
                yield chunk
    except BaseException as exc:
        if start is not None:
            start()
        if seen is not None:
            run.input = combine(seen)
        run.error = exc
        tracer.on_error(run)
        raise
    if start is not None:
        start()
    if seen is not None:
        run.input = combine(seen)
    run.output = (chunks[-1] if chunks else None) if cumulative else combine(chunks)
    tracer.on_end(run)


# -- lambdas -----------------------------------------------------------------------------------


async def _call_async_user(
    fn: Callable[..., Awaitable[Any]], ctx: Ctx, *args: Any, **kwargs: Any
) -> Any:
    if ctx is DEFAULT_CTX:
        return await fn(*args, **kwargs)
    token = CURRENT.set(ctx)
    try:
        return await fn(*args, **kwargs)
    finally:
        CURRENT.reset(token)


async def _lambda_acall(
    node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    fn = node.afunc
    if fn is not None:
        if node._akind == ASYNC_GEN:
            return await acombine(_lambda_agen(node, fn, x, ctx, kw))
        if node._awants_config:
            return await _call_async_user(fn, ctx, x, config=ctx.user_config(), **kw)
        return await _call_async_user(fn, ctx, x, **kw)
    kind = node._kind
    if kind is ASYNC:
        if node._wants_config:
            return await _call_async_user(node.func, ctx, x, config=ctx.user_config(), **kw)
        return await _call_async_user(node.func, ctx, x, **kw)
    if kind is ASYNC_GEN:
        return await acombine(_lambda_agen(node, node.func, x, ctx, kw))
    return await to_thread(ctx, S._lambda_call, node, x, ctx, kw)


async def _lambda_agen(
    node: RunnableLambda[Any, Any], fn: Callable[..., Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    wants = node._awants_config if fn is node.afunc else node._wants_config
    extra = {"config": ctx.user_config()} if wants else {}
    gen = S.call_user(fn, ctx, x, **extra, **kw)
    async with closing_aiter(gen) as it:
        async for chunk in it:
            yield chunk


async def _ainvoke_lambda(
    node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    out = await _lambda_acall(node, x, ctx, kw)
    if isinstance(out, Runnable):
        return await ainvoke(out, x, S._hop(node, out, x, ctx))
    return out


async def _astream_lambda(
    node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    fn = node.afunc
    if fn is not None and node._akind == ASYNC_GEN:
        async for chunk in _lambda_agen(node, fn, x, ctx, kw):
            yield chunk
        return
    if fn is None and node._kind is ASYNC_GEN:
        async for chunk in _lambda_agen(node, node.func, x, ctx, kw):
            yield chunk
        return
    if fn is None and node._kind is SYNC_GEN:
        async for chunk in aiter_thread(ctx, lambda: S._lambda_gen(node, x, ctx, kw)):
            yield chunk
        return
    out = await _lambda_acall(node, x, ctx, kw)
    if isinstance(out, Runnable):
        async with closing_aiter(astream(out, x, S._hop(node, out, x, ctx))) as it:
            async for chunk in it:
                yield chunk
    else:
        yield out


AINVOKE[RunnableLambda] = _ainvoke_lambda
ASTREAM[RunnableLambda] = _astream_lambda


# -- generators --------------------------------------------------------------------------------


async def _atransform_generator(
    node: RunnableGenerator[Any, Any], chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    fn = node.atransform_fn
    if fn is None:
        # Only a sync transform: feed it the async chunks collected, in a thread.
        items = [c async for c in chunks]
        async for chunk in aiter_thread(
            ctx, lambda: S._transform_generator(node, iter(items), ctx, kw)
        ):
            yield chunk
        return
    extra = {"config": ctx.user_config()} if node._awants_config else {}
    gen = S.call_user(fn, ctx, chunks, **extra, **kw)
    async with closing_aiter(gen) as it:
        async for chunk in it:
            yield chunk


async def _one(x: Any) -> AsyncIterator[Any]:
    yield x


async def _ainvoke_generator(
    node: RunnableGenerator[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    return await acombine(_atransform_generator(node, _one(x), ctx, kw))


AINVOKE[RunnableGenerator] = _ainvoke_generator
ASTREAM[RunnableGenerator] = lambda node, x, ctx, kw: _atransform_generator(node, _one(x), ctx, kw)
ATRANSFORM[RunnableGenerator] = _atransform_generator


# -- components --------------------------------------------------------------------------------


def _cfg(ctx: Ctx) -> Any:
    return ctx.user_config() if ctx is not DEFAULT_CTX else {}


async def _ainvoke_component(
    node: Component[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    if "_ainvoke" in capabilities(type(node)):
        return await _call_async_user(node._ainvoke, ctx, x, _cfg(ctx), **kw)
    if not node.blocking:
        return S.call_user(node._invoke, ctx, x, _cfg(ctx), **kw)
    return await to_thread(ctx, node._invoke, x, _cfg(ctx), **kw)


async def _component_astream(
    node: Component[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    caps = capabilities(type(node))
    if "_astream" in caps:
        async with closing_aiter(node._astream(x, _cfg(ctx), **kw)) as it:
            async for chunk in it:
                yield chunk
    elif "_atransform" in caps:
        async with closing_aiter(node._atransform(_one(x), _cfg(ctx), **kw)) as it:
            async for chunk in it:
                yield chunk
    elif "_stream" in caps or "_transform" in caps:
        if not node.blocking:
            for chunk in S._stream_component(node, x, ctx, kw):
                yield chunk
        else:
            async for chunk in aiter_thread(ctx, lambda: S._stream_component(node, x, ctx, kw)):
                yield chunk
    else:
        yield await _ainvoke_component(node, x, ctx, kw)


async def _atransform_component(
    node: Component[Any, Any], chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    caps = capabilities(type(node))
    if "_atransform" in caps:
        async with closing_aiter(node._atransform(chunks, _cfg(ctx), **kw)) as it:
            async for chunk in it:
                yield chunk
        return
    # Only a sync transform: collect the chunks, then run it (correct, not incremental;
    # components that stream in async implement ``_atransform``).
    items = [c async for c in chunks]
    for chunk in node._transform(iter(items), _cfg(ctx), **kw):
        yield chunk


AINVOKE[Component] = _ainvoke_component
ASTREAM[Component] = _component_astream
ATRANSFORM[Component] = _atransform_component


# -- sequences ---------------------------------------------------------------------------------


async def _ainvoke_sequence(
    node: RunnableSequence[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    if ctx.tracer is None:
        if ctx.cancel is None:
            for step in node.steps:
                x = await AINVOKE[type(step)](step, x, ctx, NO_KW)
            return x
        for step in node.steps:
            x = await ainvoke(step, x, ctx)
        return x
    for i, step in enumerate(node.steps, 1):
        x = await ainvoke(step, x, ctx.tagged(f"seq:step:{i}"))
    return x


async def _apipeline(
    node: RunnableSequence[Any, Any], x: Any, chunks: AsyncIterator[Any] | None, ctx: Ctx
) -> AsyncIterator[Any]:
    steps = node.steps
    last = len(steps) - 1
    value = x
    it = chunks
    traced = ctx.tracer is not None
    for i, step in enumerate(steps):
        if traced:
            # Someone listens: every step streams, so each reports its chunks (see _sync).
            if value is not NOTHING:
                it, value = _one(value), NOTHING
            assert it is not None
            it = atransform(step, it, ctx.tagged(f"seq:step:{i + 1}"))
            continue
        if i < last and not S.consumes_stream(steps[i + 1]):
            if value is NOTHING:
                assert it is not None
                value = await acombine(it)
                it = None
            value = await ainvoke(step, value, ctx)
            continue
        if type(step) is RunnablePassthrough and step.func is None:
            if value is not NOTHING:
                it, value = _one(value), NOTHING
            continue
        if value is not NOTHING:
            it = astream(step, value, ctx)
            value = NOTHING
        else:
            assert it is not None
            it = atransform(step, it, ctx)
    if value is not NOTHING:
        yield value
        return
    assert it is not None
    async with closing_aiter(it) as stream_:
        async for chunk in stream_:
            yield chunk


AINVOKE[RunnableSequence] = _ainvoke_sequence
ASTREAM[RunnableSequence] = lambda node, x, ctx, kw: _apipeline(node, x, None, ctx)
ATRANSFORM[RunnableSequence] = lambda node, chunks, ctx, kw: _apipeline(node, NOTHING, chunks, ctx)


# -- concurrency -------------------------------------------------------------------------------


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
        me = asyncio.current_task()
        assert me is not None
        # Workers pull the next index until none is left: at most ``limit`` run at once,
        # and there are only ``limit`` tasks however long the batch.
        for i in indexes:
            if failures or stopped:
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


# -- parallels ---------------------------------------------------------------------------------


async def _ainvoke_parallel(
    node: RunnableParallel[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    traced = ctx.tracer is not None
    bctx, scope = ctx.cancellable()
    factories = [
        functools.partial(ainvoke, step, x, bctx.tagged(f"map:key:{key}") if traced else bctx)
        for key, step in node.branches
    ]
    outs = await gather_bounded(factories, ctx.max_concurrency, scope=scope)
    return {key: out for (key, _), out in zip(node.branches, outs, strict=True)}


def _astream_parallel(
    node: RunnableParallel[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    """Each branch streams; chunks come out as ``{key: chunk}`` in arrival order."""
    return _afan_out(node, ctx, lambda i, step, bctx: astream(step, x, bctx))


async def _atransform_parallel(
    node: RunnableParallel[Any, Any], chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
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
        except Exception as exc:  # handed to every branch, which re-raises it
            error = exc
        for q in feeds:
            q.put_nowait(S._Ended(error))

    async def drain(q: asyncio.Queue[Any]) -> AsyncIterator[Any]:
        while True:
            item = await q.get()
            if isinstance(item, S._Ended):
                if item.error is not None:
                    raise item.error
                return
            yield item

    feeder = asyncio.ensure_future(feed())
    try:
        async with closing_aiter(
            _afan_out(node, ctx, lambda i, step, bctx: atransform(step, drain(feeds[i]), bctx))
        ) as it:
            async for chunk in it:
                yield chunk
    finally:
        await cancel_all([feeder])


async def _afan_out(
    node: RunnableParallel[Any, Any],
    ctx: Ctx,
    open_branch: Callable[[int, Any, Ctx], AsyncIterator[Any]],
) -> AsyncIterator[Any]:
    """Run ``open_branch(i, step, ctx)`` for every branch as tasks, yielding ``{key: chunk}``
    as chunks arrive; the first error cancels the others and is raised."""
    traced = ctx.tracer is not None
    queue: asyncio.Queue[tuple[str, Any, BaseException | None]] = asyncio.Queue()
    sentinel = object()
    ctx, scope = ctx.cancellable()
    limit = asyncio.Semaphore(ctx.max_concurrency) if ctx.max_concurrency else None

    async def pump(index: int, key: str, step: Any) -> None:
        try:
            if limit is not None:
                await limit.acquire()
            try:
                bctx = ctx.tagged(f"map:key:{key}") if traced else ctx
                async with closing_aiter(open_branch(index, step, bctx)) as it:
                    async for chunk in it:
                        await queue.put((key, chunk, None))
            finally:
                if limit is not None:
                    limit.release()
        except BaseException as exc:
            queue.put_nowait((key, sentinel, exc))
            scope.cancel()  # after the put: the consumer sees this error before any other
            return
        await queue.put((key, sentinel, None))

    tasks = [
        asyncio.ensure_future(pump(i, k, s)) for i, (k, s) in enumerate(node.branches)
    ]
    try:
        remaining = len(tasks)
        while remaining:
            key, chunk, exc = await queue.get()
            if exc is not None:
                raise exc
            if chunk is sentinel:
                remaining -= 1
                continue
            yield {key: chunk}
    finally:
        await cancel_all(tasks)


AINVOKE[RunnableParallel] = _ainvoke_parallel
ASTREAM[RunnableParallel] = _astream_parallel
ATRANSFORM[RunnableParallel] = _atransform_parallel


# -- passthrough, assign, pick ---------------------------------------------------------------------


async def _ainvoke_passthrough(
    node: RunnablePassthrough, x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    if node.afunc is not None:
        await _call_async_user(node.afunc, ctx, x)
    elif node.func is not None:
        if asyncio.iscoroutinefunction(node.func):
            await _call_async_user(node.func, ctx, x)
        else:
            S.call_user(node.func, ctx, x)
    return x


async def _atransform_passthrough(
    node: RunnablePassthrough, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    acc: Any = NOTHING
    async for chunk in chunks:
        if node.func is not None or node.afunc is not None:
            acc = add(acc, chunk)
        yield chunk
    if node.func is not None or node.afunc is not None:
        await _ainvoke_passthrough(node, None if acc is NOTHING else acc, ctx, kw)


AINVOKE[RunnablePassthrough] = _ainvoke_passthrough
ASTREAM[RunnablePassthrough] = lambda node, x, ctx, kw: _atransform_passthrough(
    node, _one(x), ctx, kw
)
ATRANSFORM[RunnablePassthrough] = _atransform_passthrough


async def _ainvoke_assign(
    node: RunnableAssign[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    S.expect_mapping(node, x)
    return {**x, **await ainvoke(node.mapper, x, ctx)}


async def _ainvoke_pick(node: RunnablePick[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return S.pick(node, x)


async def _astream_via_ainvoke(
    node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    yield await AINVOKE[type(node)](node, x, ctx, kw)


async def _astream_assign(
    node: RunnableAssign[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    passed = S.assign_passed_keys(node, x)
    if passed:
        yield passed
    async with closing_aiter(astream(node.mapper, x, ctx)) as it:
        async for chunk in it:
            yield chunk


async def _atransform_pick(
    node: RunnablePick[Any, Any], chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    async for chunk in chunks:
        part = S.pick_chunk(node, chunk)
        if part is not NOTHING:
            yield part


async def _atransform_assign(
    node: RunnableAssign[Any, Any], chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    seen: list[Any] = []
    async for chunk in chunks:
        seen.append(chunk)
        passed = S.assign_passed_keys(node, chunk)
        if passed:
            yield passed
    async with closing_aiter(astream(node.mapper, combine(seen), ctx)) as it:
        async for out in it:
            yield out


AINVOKE[RunnableAssign] = _ainvoke_assign
ASTREAM[RunnableAssign] = _astream_assign
ATRANSFORM[RunnableAssign] = _atransform_assign
AINVOKE[RunnablePick] = _ainvoke_pick
ASTREAM[RunnablePick] = lambda node, x, ctx, kw: _atransform_pick(node, _one(x), ctx, kw)
ATRANSFORM[RunnablePick] = _atransform_pick


# -- branch ------------------------------------------------------------------------------------


async def _achoose(node: RunnableBranch[Any, Any], x: Any, ctx: Ctx) -> tuple[Any, Ctx]:
    traced = ctx.tracer is not None
    for i, (cond, runnable) in enumerate(node.branches, 1):
        if await ainvoke(cond, x, ctx.tagged(f"condition:{i}") if traced else ctx):
            return runnable, (ctx.tagged(f"branch:{i}") if traced else ctx)
    return node.default, (ctx.tagged("branch:default") if traced else ctx)


async def _ainvoke_branch(
    node: RunnableBranch[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    runnable, rctx = await _achoose(node, x, ctx)
    return await ainvoke(runnable, x, rctx)


async def _astream_branch(
    node: RunnableBranch[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    runnable, rctx = await _achoose(node, x, ctx)
    async with closing_aiter(astream(runnable, x, rctx)) as it:
        async for chunk in it:
            yield chunk


AINVOKE[RunnableBranch] = _ainvoke_branch
ASTREAM[RunnableBranch] = _astream_branch


# -- binding -----------------------------------------------------------------------------------


async def _ainvoke_binding(
    node: RunnableBinding[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    bctx, kw = S._bind(node, ctx, kw)
    return await ainvoke(node.bound, x, bctx, kw)


def _astream_binding(
    node: RunnableBinding[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    bctx, kw = S._bind(node, ctx, kw)
    return astream(node.bound, x, bctx, kw)


def _atransform_binding(
    node: RunnableBinding[Any, Any], chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    bctx, kw = S._bind(node, ctx, kw)
    return atransform(node.bound, chunks, bctx, kw)


AINVOKE[RunnableBinding] = _ainvoke_binding
ASTREAM[RunnableBinding] = _astream_binding
ATRANSFORM[RunnableBinding] = _atransform_binding


# -- retry -------------------------------------------------------------------------------------


async def _asleep(node: RunnableRetry[Any, Any], attempt: int) -> None:
    delay = node.delay(attempt)
    if node.asleep is not None:
        await node.asleep(delay)
    elif node.sleep is not None:
        node.sleep(delay)
    else:
        await asyncio.sleep(delay)


async def _ainvoke_retry(
    node: RunnableRetry[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    traced = ctx.tracer is not None
    for attempt in range(1, node.max_attempts + 1):
        actx = ctx.tagged(f"retry:attempt:{attempt}") if traced and attempt > 1 else ctx
        try:
            return await ainvoke(node.bound, x, actx, kw)
        except node.retry_exception_types:
            if attempt == node.max_attempts:
                raise
            await _asleep(node, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


async def _afirst(it: AsyncIterator[Any]) -> Any:
    try:
        return await it.__anext__()
    except StopAsyncIteration:
        return NOTHING


async def _astream_retry(
    node: RunnableRetry[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    for attempt in range(1, node.max_attempts + 1):
        async with closing_aiter(astream(node.bound, x, ctx, kw)) as it:
            try:
                first = await _afirst(it)
            except node.retry_exception_types:
                if attempt == node.max_attempts:
                    raise
                await _asleep(node, attempt)
                continue
            if first is not NOTHING:
                yield first
                async for chunk in it:
                    yield chunk
            return


AINVOKE[RunnableRetry] = _ainvoke_retry
ASTREAM[RunnableRetry] = _astream_retry
ATRANSFORM[RunnableRetry] = lambda node, chunks, ctx, kw: atransform(node.bound, chunks, ctx, kw)


# -- fallbacks ---------------------------------------------------------------------------------


async def _ainvoke_fallbacks(
    node: RunnableWithFallbacks[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    errors: list[BaseException] = []
    current = x
    for runnable in node.runnables:
        try:
            return await ainvoke(runnable, current, ctx, kw)
        except node.exceptions_to_handle as exc:
            errors.append(exc)
        current = S.fallback_input(node, x, errors[-1])
    raise S.all_failed(node, errors)


async def _astream_fallbacks(
    node: RunnableWithFallbacks[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    errors: list[BaseException] = []
    current = x
    for runnable in node.runnables:
        async with closing_aiter(astream(runnable, current, ctx, kw)) as it:
            try:
                first = await _afirst(it)
            except node.exceptions_to_handle as exc:
                errors.append(exc)
                current = S.fallback_input(node, x, exc)
                continue
            if first is not NOTHING:
                yield first
                async for chunk in it:
                    yield chunk
            return
    raise S.all_failed(node, errors)


AINVOKE[RunnableWithFallbacks] = _ainvoke_fallbacks
ASTREAM[RunnableWithFallbacks] = _astream_fallbacks


# -- each --------------------------------------------------------------------------------------


async def _ainvoke_each(node: RunnableEach[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if isinstance(x, str | bytes | dict) or not hasattr(x, "__iter__"):
        S._invoke_each(node, x, ctx, kw)  # raises the input error
    items = list(x)
    traced = ctx.tracer is not None
    factories = [
        functools.partial(ainvoke, node.bound, item, ctx.tagged(f"map:{i}") if traced else ctx, kw)
        for i, item in enumerate(items)
    ]
    return await gather_bounded(factories, ctx.max_concurrency) if factories else []


AINVOKE[RunnableEach] = _ainvoke_each
ASTREAM[RunnableEach] = _astream_via_ainvoke
