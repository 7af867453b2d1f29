"""Sync execution: ``invoke`` and streaming (``stream`` / ``transform``) of every node kind.

Three entry points, each with a traced twin used only when a tracer listens:

* ``invoke(node, x, ctx, kw)``: whole input, whole output.
* ``stream(node, x, ctx, kw)``: whole input, output chunks.
* ``transform(node, chunks, ctx, kw)``: input chunks, output chunks; nodes that cannot
  consume a stream combine it first.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import functools
import itertools
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from lcel._branch import RunnableBranch
from lcel._interpreter import _threads as threads
from lcel._interpreter._combine import NOTHING, add, combine, last, stream_add
from lcel._interpreter._ctx import CURRENT, DEFAULT_CTX, CancelScope, Ctx, StepsCancelled
from lcel._interpreter._dispatch import Table, capabilities
from lcel._interpreter._trace import new_run
from lcel._lambda import ASYNC, ASYNC_GEN, SYNC, SYNC_GEN, RunnableGenerator, RunnableLambda
from lcel._leaf import Component
from lcel._parallel import RunnableParallel
from lcel._passthrough import RunnableAssign, RunnablePassthrough, RunnablePick
from lcel._runnable import Runnable
from lcel._sequence import RunnableSequence
from lcel._wrappers import RunnableBinding, RunnableEach, RunnableRetry, RunnableWithFallbacks
from lcel.errors import InputValidationError, RecursionLimitError, shorten

INVOKE = Table("invoke")
STREAM = Table("stream")
TRANSFORM = Table("transform")  # only nodes that consume a stream natively
NO_KW: dict[str, Any] = {}


# -- entry points ---------------------------------------------------------------------------


def invoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> Any:
    if ctx.cancel is not None:
        ctx.cancel.check()
    if ctx.tracer is None:
        return INVOKE[type(node)](node, x, ctx, kw)
    return traced_invoke(node, x, ctx, kw)


def stream(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> Iterator[Any]:
    if ctx.cancel is not None:
        ctx.cancel.check()
    if ctx.tracer is None or type(node) in _RUNLESS_STREAM:
        return STREAM[type(node)](node, x, ctx, kw)  # type: ignore[no-any-return]
    if ctx.parent is not None and starts_on_first_chunk(node):
        return traced_transform(node, iter((x,)), ctx, kw)
    return traced_stream(node, x, ctx, kw)


def transform(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any] = NO_KW
) -> Iterator[Any]:
    if ctx.cancel is not None:
        ctx.cancel.check()
    if ctx.tracer is None:
        if not consumes_stream(node):
            return _buffer_then_stream(node, chunks, ctx, kw)
        return TRANSFORM[type(node)](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    if type(node) is RunnableBinding:
        return TRANSFORM[RunnableBinding](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    if starts_on_first_chunk(node):
        return traced_transform(node, chunks, ctx, kw)
    return _buffer_then_stream(node, chunks, ctx, kw)


def _buffer_then_stream(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    x = combine(chunks)
    yield from stream(node, x, ctx, kw)


def _untraced_transform(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    """The node's own transform, or its stream of the combined chunks (no run of its own:
    the caller traces it)."""
    if consumes_stream(node) or isinstance(node, RunnableSequence):
        return TRANSFORM[type(node)](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    return _buffer_stream_handler(node, chunks, ctx, kw)


def _buffer_stream_handler(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    yield from STREAM[type(node)](node, combine(chunks), ctx, kw)


# -- what streams -----------------------------------------------------------------------------


def consumes_stream(node: Any) -> bool:
    """Whether ``node`` turns input chunks into output chunks as they come."""
    cls = type(node)
    if cls in (
        RunnablePassthrough,
        RunnableGenerator,
        RunnablePick,
        RunnableParallel,
        RunnableAssign,
    ):
        return True
    if cls is RunnableLambda:
        return False
    if cls is RunnableSequence:
        return consumes_stream(node.steps[0])
    if cls is RunnableBinding or cls is RunnableRetry:
        return consumes_stream(node.bound)
    if isinstance(node, Component):
        return "_transform" in capabilities(cls)
    return False


_RUNLESS_STREAM = (RunnableBinding, RunnableRetry)
"""Kinds with no run of their own while streaming: their bound runnable's runs report (a
retry's attempts each start one), as in LangChain."""

_LAZY_KINDS = (
    RunnableLambda,
    RunnableGenerator,
    RunnablePassthrough,
    RunnablePick,
    RunnableAssign,
    RunnableParallel,
    RunnableSequence,
)


def starts_on_first_chunk(node: Any) -> bool:
    """Whether a traced streaming run of ``node`` starts when its first input chunk arrives
    and learns its input at its end (LangChain's transform-capable kinds), rather than
    starting with its whole input."""
    if isinstance(node, _LAZY_KINDS):
        return True
    if isinstance(node, Component):
        return "_transform" in capabilities(type(node))
    return False


# -- tracing wrappers ---------------------------------------------------------------------------


def traced_invoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if type(node) is RunnableBinding:
        return INVOKE[RunnableBinding](node, x, ctx, kw)
    tracer = ctx.tracer
    assert tracer is not None
    run = new_run(node, ctx, x)
    child = ctx.child_of(run)
    tracer.on_start(run)
    try:
        if (
            tracer.stream_leaves
            and isinstance(node, Component)
            and "_stream" in capabilities(type(node))
        ):
            out: Any = NOTHING
            for chunk in node._stream(x, child.user_config(), **kw):
                tracer.on_stream(run, chunk)
                out = add(out, chunk)
            out = node._finalize(None if out is NOTHING else out)
        else:
            out = INVOKE[type(node)](node, x, child, kw)
    except BaseException as exc:
        run.error = exc
        tracer.on_error(run)
        raise
    run.output = out
    tracer.on_end(run)
    return out


def traced_stream(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    tracer = ctx.tracer
    assert tracer is not None
    run = new_run(node, ctx, x)
    child = ctx.child_of(run)
    tracer.on_start(run)
    yield from _traced_body(run, STREAM[type(node)](node, x, child, kw), ctx)


def traced_transform(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    tracer = ctx.tracer
    assert tracer is not None
    run = new_run(node, ctx, NOTHING)
    child = ctx.child_of(run)
    seen: list[Any] = []
    start = lazy_start(tracer, run)

    def tee() -> Iterator[Any]:
        # The run starts when its first input chunk arrives (after its upstream started),
        # as LangChain reports it.
        for c in chunks:
            start()
            seen.append(c)
            yield c
        start()

    inner = _untraced_transform(node, tee(), child, kw)
    yield from _traced_body(run, inner, ctx, seen, start)


def lazy_start(tracer: Any, run: Any) -> Callable[[], None]:
    """``on_start`` for ``run`` on the first call only, stamping the real start time."""
    started: list[bool] = []

    def start() -> None:
        if not started:
            started.append(True)
            run.start_time = datetime.now(UTC)
            tracer.on_start(run)

    return start


def _traced_body(
    run: Any,
    inner: Iterator[Any],
    ctx: Ctx,
    seen: list[Any] | None = None,
    start: Callable[[], None] | None = None,
) -> Iterator[Any]:
    tracer = ctx.tracer
    assert tracer is not None
    on_stream = tracer.on_stream
    cumulative = stream_add(run.node) is last
    chunks: list[Any] = []  # added up once at the end, not one intermediate sum per chunk
    try:
        for chunk in inner:
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
    finally:
        close = getattr(inner, "close", None)
        if close is not None:
            close()
    if start is not None:
        start()
    if seen is not None:
        run.input = combine(seen)
    run.output = (chunks[-1] if chunks else None) if cumulative else combine(chunks)
    tracer.on_end(run)


# -- user code ---------------------------------------------------------------------------------


def call_user(fn: Callable[..., Any], ctx: Ctx, *args: Any, **kwargs: Any) -> Any:
    """Call user code with ``ctx`` current, so a nested ``invoke`` inside is our child."""
    if ctx is DEFAULT_CTX:
        return fn(*args, **kwargs)
    token = CURRENT.set(ctx)
    try:
        return fn(*args, **kwargs)
    finally:
        CURRENT.reset(token)


def run_coroutine(coro: Any, what: str) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    coro.close()
    raise RuntimeError(
        f"{what} is async-only and cannot be invoked synchronously from a running event loop; "
        "use ainvoke/astream"
    )


def _hop(node: Any, result: Runnable[Any, Any], x: Any, ctx: Ctx) -> Ctx:
    if ctx.depth >= ctx.recursion_limit:
        raise RecursionLimitError(
            f"recursion limit of {ctx.recursion_limit} reached: {node.get_name()} returned "
            f"{type(result).__name__} #{ctx.depth + 1} on input {shorten(x, 80)}; raise "
            "config['recursion_limit'] if this depth is intended"
        )
    return ctx.hop()


# -- lambdas -----------------------------------------------------------------------------------


def _lambda_call(node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    kind = node._kind
    if kind is SYNC:
        if node._wants_config:
            return call_user(node.func, ctx, x, config=ctx.user_config(), **kw)
        if ctx is DEFAULT_CTX:
            return node.func(x, **kw) if kw else node.func(x)
        return call_user(node.func, ctx, x, **kw)
    if kind is SYNC_GEN:
        return combine(_lambda_gen(node, x, ctx, kw))
    # async-only function
    return run_coroutine(_async_call(node, x, ctx, kw), node.get_name())


async def _async_call(node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    from lcel._interpreter._async import ainvoke

    return await ainvoke(node, x, ctx, kw)


def _lambda_gen(
    node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    if node._wants_config:
        gen = call_user(node.func, ctx, x, config=ctx.user_config(), **kw)
    else:
        gen = call_user(node.func, ctx, x, **kw)
    if ctx is DEFAULT_CTX:
        yield from gen
        return
    try:
        while True:
            token = CURRENT.set(ctx)
            try:
                chunk = next(gen)
            except StopIteration:
                return
            finally:
                CURRENT.reset(token)
            yield chunk
    finally:
        gen.close()


def _invoke_lambda(node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if node._plain and ctx is DEFAULT_CTX and not kw:
        out = node.func(x)  # the common case, without a call to _lambda_call
    else:
        out = _lambda_call(node, x, ctx, kw)
    if isinstance(out, Runnable):
        return invoke(out, x, _hop(node, out, x, ctx))
    return out


def _stream_lambda(
    node: RunnableLambda[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    if node._kind is SYNC_GEN:
        yield from _lambda_gen(node, x, ctx, kw)
        return
    if node._kind in (ASYNC, ASYNC_GEN):
        yield _invoke_lambda(node, x, ctx, kw)
        return
    out = _lambda_call(node, x, ctx, kw)
    if isinstance(out, Runnable):
        yield from stream(out, x, _hop(node, out, x, ctx))
    else:
        yield out


INVOKE[RunnableLambda] = _invoke_lambda
STREAM[RunnableLambda] = _stream_lambda


# -- generators (true transforms) ---------------------------------------------------------------


def _transform_generator(
    node: RunnableGenerator[Any, Any], chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    fn = node.transform_fn
    if fn is None:
        raise TypeError(f"{node.get_name()} has only an async transform; use astream/ainvoke")
    if node._wants_config:
        gen = call_user(fn, ctx, chunks, config=ctx.user_config(), **kw)
    else:
        gen = call_user(fn, ctx, chunks, **kw)
    try:
        yield from gen
    finally:
        gen.close()


INVOKE[RunnableGenerator] = lambda node, x, ctx, kw: combine(
    _transform_generator(node, iter((x,)), ctx, kw)
)
STREAM[RunnableGenerator] = lambda node, x, ctx, kw: _transform_generator(node, iter((x,)), ctx, kw)
TRANSFORM[RunnableGenerator] = _transform_generator


# -- components --------------------------------------------------------------------------------


def _invoke_component(node: Component[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if ctx is DEFAULT_CTX:
        return node._invoke(x, {}, **kw)
    # A component may run other runnables inside (a validator, an agent): make them children.
    return call_user(node._invoke, ctx, x, ctx.user_config(), **kw)


def _stream_component(
    node: Component[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    caps = capabilities(type(node))
    cfg = ctx.user_config() if ctx is not DEFAULT_CTX else {}
    if "_stream" in caps:
        yield from node._stream(x, cfg, **kw)
    elif "_transform" in caps:
        yield from node._transform(iter((x,)), cfg, **kw)
    else:
        yield node._invoke(x, cfg, **kw)


def _transform_component(
    node: Component[Any, Any], chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    cfg = ctx.user_config() if ctx is not DEFAULT_CTX else {}
    yield from node._transform(chunks, cfg, **kw)


INVOKE[Component] = _invoke_component
STREAM[Component] = _stream_component
TRANSFORM[Component] = _transform_component


# -- sequences ---------------------------------------------------------------------------------


def _invoke_sequence(node: RunnableSequence[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if ctx.tracer is None:
        if ctx.cancel is None:
            for step in node.steps:
                x = INVOKE[type(step)](step, x, ctx, NO_KW)
            return x
        for step in node.steps:
            x = invoke(step, x, ctx)
        return x
    for i, step in enumerate(node.steps, 1):
        x = invoke(step, x, ctx.tagged(f"seq:step:{i}"))
    return x


def _pipeline(
    node: RunnableSequence[Any, Any], x: Any, chunks: Iterator[Any] | None, ctx: Ctx
) -> Iterator[Any]:
    """Stream through the steps: a step runs as a plain ``invoke`` when the next one would
    only buffer its output anyway, so only real streaming stages nest generators."""
    steps = node.steps
    last = len(steps) - 1
    value = x
    it = chunks
    traced = ctx.tracer is not None
    for i, step in enumerate(steps):
        if traced:
            # Someone listens: every step streams, so each reports its chunks (LangChain's
            # order: a step starts on its first input chunk, before its upstream ends).
            if value is not NOTHING:
                it, value = iter((value,)), NOTHING
            assert it is not None
            it = transform(step, it, ctx.tagged(f"seq:step:{i + 1}"))
            continue
        if i < last and not consumes_stream(steps[i + 1]):
            if value is NOTHING:
                assert it is not None
                value = combine(it)
                it = None
            value = invoke(step, value, ctx)
            continue
        if type(step) is RunnablePassthrough and step.func is None:
            if value is not NOTHING:
                it, value = iter((value,)), NOTHING
            continue
        if value is not NOTHING:
            it = stream(step, value, ctx)
            value = NOTHING
        else:
            assert it is not None
            it = transform(step, it, ctx)
    if value is not NOTHING:
        yield value
        return
    assert it is not None
    yield from it


STREAM[RunnableSequence] = lambda node, x, ctx, kw: _pipeline(node, x, None, ctx)
TRANSFORM[RunnableSequence] = lambda node, chunks, ctx, kw: _pipeline(node, NOTHING, chunks, ctx)
INVOKE[RunnableSequence] = _invoke_sequence


# -- parallels ---------------------------------------------------------------------------------


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
                if errors or stopped:
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


def _invoke_parallel(node: RunnableParallel[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    traced = ctx.tracer is not None
    bctx, scope = ctx.cancellable()
    calls = [
        functools.partial(invoke, step, x, bctx.tagged(f"map:key:{key}") if traced else bctx)
        for key, step in node.branches
    ]
    outs = run_in_threads(calls, ctx.max_concurrency, scope=scope)
    return {key: out for (key, _), out in zip(node.branches, outs, strict=True)}


_DONE: Any = object()


def _stream_parallel(
    node: RunnableParallel[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    """Each branch streams in its own thread; chunks come out as ``{key: chunk}`` in arrival
    order. Closing the stream stops the branches at their next chunk and waits for them."""
    return _fan_out(node, ctx, lambda i, step, bctx: stream(step, x, bctx))


def _transform_parallel(
    node: RunnableParallel[Any, Any], chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
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
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
            for q in feeds:
                q.put(_Ended(error))

    def drain(q: queue.SimpleQueue[Any]) -> Iterator[Any]:
        while True:
            item = q.get()
            if isinstance(item, _Ended):
                if item.error is not None:
                    raise item.error
                return
            yield item

    feeder = threads.submit(feed)
    try:
        yield from _fan_out(
            node, ctx, lambda i, step, bctx: transform(step, drain(feeds[i]), bctx)
        )
    finally:
        stop.set()
        cf.wait([feeder])


class _Ended:
    """End of a branch's input feed (with the upstream error, if it failed)."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def _fan_out(
    node: RunnableParallel[Any, Any],
    ctx: Ctx,
    open_branch: Callable[[int, Any, Ctx], Iterator[Any]],
) -> Iterator[Any]:
    """Run ``open_branch(i, step, ctx)`` for every branch in threads, yielding
    ``{key: chunk}`` as chunks arrive; the first error stops everything and is raised."""
    traced = ctx.tracer is not None
    chunks: queue.SimpleQueue[tuple[str, Any, BaseException | None]] = queue.SimpleQueue()
    stop = threading.Event()
    ctx, scope = ctx.cancellable()

    def pump(index: int, key: str, step: Any) -> None:
        try:
            it = open_branch(index, step, ctx.tagged(f"map:key:{key}") if traced else ctx)
            try:
                for chunk in it:
                    if stop.is_set():
                        return
                    chunks.put((key, chunk, None))
            finally:
                close = getattr(it, "close", None)
                if close is not None:
                    close()
        except BaseException as exc:
            chunks.put((key, _DONE, exc))
            scope.cancel()  # after the put: the consumer sees this error before any other
            return
        chunks.put((key, _DONE, None))

    n = len(node.branches)
    limit = threading.BoundedSemaphore(ctx.max_concurrency or max(n, 1))

    def bounded_pump(index: int, key: str, step: Any) -> None:
        with limit:
            pump(index, key, step)

    futures = [
        threads.submit(bounded_pump, i, key, step) for i, (key, step) in enumerate(node.branches)
    ]
    try:
        remaining = n
        while remaining:
            key, chunk, error = chunks.get()
            if error is not None:
                raise error
            if chunk is _DONE:
                remaining -= 1
                continue
            yield {key: chunk}
    finally:
        stop.set()
        cf.wait(futures)


INVOKE[RunnableParallel] = _invoke_parallel
STREAM[RunnableParallel] = _stream_parallel
TRANSFORM[RunnableParallel] = _transform_parallel


# -- passthrough, assign, pick -------------------------------------------------------------------


def _invoke_passthrough(node: RunnablePassthrough, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if node.func is not None:
        if node.afunc is None and asyncio.iscoroutinefunction(node.func):
            run_coroutine(node.func(x), "RunnablePassthrough(func)")
        else:
            call_user(node.func, ctx, x)
    return x


def _transform_passthrough(
    node: RunnablePassthrough, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    if node.func is None:
        yield from chunks
        return
    acc: Any = NOTHING
    for chunk in chunks:
        acc = add(acc, chunk)
        yield chunk
    _invoke_passthrough(node, None if acc is NOTHING else acc, ctx, kw)


INVOKE[RunnablePassthrough] = _invoke_passthrough
STREAM[RunnablePassthrough] = lambda node, x, ctx, kw: _transform_passthrough(
    node, iter((x,)), ctx, kw
)
TRANSFORM[RunnablePassthrough] = _transform_passthrough


def expect_mapping(node: Any, x: Any) -> None:
    if not isinstance(x, dict):
        raise InputValidationError(
            f"{node.get_name()} expects a dict input, got {type(x).__name__}: {shorten(x, 80)}"
        )


def _invoke_assign(node: RunnableAssign[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    expect_mapping(node, x)
    return {**x, **invoke(node.mapper, x, ctx)}


def pick(node: RunnablePick[Any, Any], x: Any) -> Any:
    expect_mapping(node, x)
    if isinstance(node.keys, str):
        return x.get(node.keys)
    return {k: x[k] for k in node.keys if k in x}


def assign_passed_keys(node: RunnableAssign[Any, Any], x: Any) -> dict[str, Any]:
    """The input keys an assign passes through untouched: its first stream chunk."""
    expect_mapping(node, x)
    added = {k for k, _ in node.mapper.branches}
    return {k: v for k, v in x.items() if k not in added}


def _stream_assign(
    node: RunnableAssign[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    """The input's keys first, then each added key's chunks as its step streams them."""
    passed = assign_passed_keys(node, x)
    if passed:
        yield passed
    yield from stream(node.mapper, x, ctx)


def pick_chunk(node: RunnablePick[Any, Any], chunk: Any) -> Any:
    """The picked part of one dict chunk, or ``NOTHING`` when it has none of the keys."""
    expect_mapping(node, chunk)
    if isinstance(node.keys, str):
        return chunk.get(node.keys, NOTHING)
    picked = {k: chunk[k] for k in node.keys if k in chunk}
    return picked if picked else NOTHING


def _transform_pick(
    node: RunnablePick[Any, Any], chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    for chunk in chunks:
        part = pick_chunk(node, chunk)
        if part is not NOTHING:
            yield part


def _transform_assign(
    node: RunnableAssign[Any, Any], chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    """Fed a stream: every chunk's passed-through keys as it comes, then the added keys'
    chunks, computed from the whole input (LangChain's order)."""
    seen: list[Any] = []
    for chunk in chunks:
        seen.append(chunk)
        passed = assign_passed_keys(node, chunk)
        if passed:
            yield passed
    yield from stream(node.mapper, combine(seen), ctx)


INVOKE[RunnableAssign] = _invoke_assign
STREAM[RunnableAssign] = _stream_assign
TRANSFORM[RunnableAssign] = _transform_assign
INVOKE[RunnablePick] = lambda node, x, ctx, kw: pick(node, x)
STREAM[RunnablePick] = lambda node, x, ctx, kw: _transform_pick(node, iter((x,)), ctx, kw)
TRANSFORM[RunnablePick] = _transform_pick


# -- branch ------------------------------------------------------------------------------------


def choose_branch(node: RunnableBranch[Any, Any], x: Any, ctx: Ctx) -> tuple[Any, Ctx]:
    traced = ctx.tracer is not None
    for i, (cond, runnable) in enumerate(node.branches, 1):
        if invoke(cond, x, ctx.tagged(f"condition:{i}") if traced else ctx):
            return runnable, (ctx.tagged(f"branch:{i}") if traced else ctx)
    return node.default, (ctx.tagged("branch:default") if traced else ctx)


def _invoke_branch(node: RunnableBranch[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    runnable, rctx = choose_branch(node, x, ctx)
    return invoke(runnable, x, rctx)


def _stream_branch(
    node: RunnableBranch[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    runnable, rctx = choose_branch(node, x, ctx)
    yield from stream(runnable, x, rctx)


INVOKE[RunnableBranch] = _invoke_branch
STREAM[RunnableBranch] = _stream_branch


# -- binding -----------------------------------------------------------------------------------


def _bind(
    node: RunnableBinding[Any, Any], ctx: Ctx, kw: dict[str, Any]
) -> tuple[Ctx, dict[str, Any]]:
    bctx = ctx.with_config(node.config) if node.config else ctx
    if node.kwargs:
        kw = {**node.kwargs, **kw} if kw else node.kwargs
    return bctx, kw


def _invoke_binding(node: RunnableBinding[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    bctx, kw = _bind(node, ctx, kw)
    return invoke(node.bound, x, bctx, kw)


def _stream_binding(
    node: RunnableBinding[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    bctx, kw = _bind(node, ctx, kw)
    return stream(node.bound, x, bctx, kw)


def _transform_binding(
    node: RunnableBinding[Any, Any], chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    bctx, kw = _bind(node, ctx, kw)
    return transform(node.bound, chunks, bctx, kw)


INVOKE[RunnableBinding] = _invoke_binding
STREAM[RunnableBinding] = _stream_binding
TRANSFORM[RunnableBinding] = _transform_binding


# -- retry -------------------------------------------------------------------------------------


def _sleep(node: RunnableRetry[Any, Any], attempt: int) -> None:
    import time

    delay = node.delay(attempt)
    (node.sleep or time.sleep)(delay)


def _invoke_retry(node: RunnableRetry[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    traced = ctx.tracer is not None
    for attempt in range(1, node.max_attempts + 1):
        actx = ctx.tagged(f"retry:attempt:{attempt}") if traced and attempt > 1 else ctx
        try:
            return invoke(node.bound, x, actx, kw)
        except node.retry_exception_types:
            if attempt == node.max_attempts:
                raise
            _sleep(node, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def first_then_rest(it: Iterator[Any]) -> tuple[Any, Iterator[Any]]:
    """Pull the first chunk (errors before it surface here), then the iterator of the rest."""
    first = next(it, NOTHING)
    return first, it


def _stream_retry(
    node: RunnableRetry[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    for attempt in range(1, node.max_attempts + 1):
        it = stream(node.bound, x, ctx, kw)
        try:
            first, rest = first_then_rest(it)
        except node.retry_exception_types:
            if attempt == node.max_attempts:
                raise
            _sleep(node, attempt)
            continue
        if first is not NOTHING:
            yield first
            yield from rest
        return


def _transform_retry(
    node: RunnableRetry[Any, Any], chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    # A stream cannot be replayed: fed one, the retried step runs once on it (as LangChain's
    # retry does); retries apply when it has its whole input (invoke, stream).
    return transform(node.bound, chunks, ctx, kw)


INVOKE[RunnableRetry] = _invoke_retry
STREAM[RunnableRetry] = _stream_retry
TRANSFORM[RunnableRetry] = _transform_retry


# -- fallbacks ---------------------------------------------------------------------------------


def fallback_input(node: RunnableWithFallbacks[Any, Any], x: Any, exc: BaseException) -> Any:
    if node.exception_key is None:
        return x
    expect_mapping(node, x)
    return {**x, node.exception_key: exc}


def all_failed(node: RunnableWithFallbacks[Any, Any], errors: list[BaseException]) -> BaseException:
    """The error to raise when every runnable failed: the primary's, with each fallback's
    kept, chained in order through ``__context__`` (where free) and listed in a note."""
    primary = errors[0]
    names = [r.get_name() for r in node.runnables]
    for i, (err, nxt) in enumerate(itertools.pairwise(errors)):
        if err.__context__ is None and not _in_chain(nxt, err):
            err.__context__ = nxt
        primary.add_note(
            f"fallback {i + 1} of {len(errors) - 1} ({names[i + 1]}) failed too: "
            f"{type(nxt).__name__}: {shorten(str(nxt), 200)}"
        )
    return primary


def _in_chain(err: BaseException, target: BaseException) -> bool:
    seen: set[int] = set()
    e: BaseException | None = err
    while e is not None and id(e) not in seen:
        if e is target:
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


def _invoke_fallbacks(
    node: RunnableWithFallbacks[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    errors: list[BaseException] = []
    current = x
    for runnable in node.runnables:
        try:
            return invoke(runnable, current, ctx, kw)
        except node.exceptions_to_handle as exc:
            errors.append(exc)
        # the next runnable runs outside the except block: its error does not chain to this
        current = fallback_input(node, x, errors[-1])
    raise all_failed(node, errors)


def _stream_fallbacks(
    node: RunnableWithFallbacks[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    errors: list[BaseException] = []
    current = x
    for runnable in node.runnables:
        it = stream(runnable, current, ctx, kw)
        try:
            first, rest = first_then_rest(it)
        except node.exceptions_to_handle as exc:
            errors.append(exc)
            current = fallback_input(node, x, exc)
            continue
        if first is not NOTHING:
            yield first
            yield from rest
        return
    raise all_failed(node, errors)


INVOKE[RunnableWithFallbacks] = _invoke_fallbacks
STREAM[RunnableWithFallbacks] = _stream_fallbacks


# -- each --------------------------------------------------------------------------------------


def _invoke_each(node: RunnableEach[Any, Any], x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if isinstance(x, str | bytes | dict) or not hasattr(x, "__iter__"):
        raise InputValidationError(
            f"{node.get_name()} expects a list input, got {type(x).__name__}: {shorten(x, 80)}"
        )
    items = list(x)
    if not items:
        return []
    traced = ctx.tracer is not None
    calls = [
        functools.partial(invoke, node.bound, item, ctx.tagged(f"map:{i}") if traced else ctx, kw)
        for i, item in enumerate(items)
    ]
    return run_in_threads(calls, ctx.max_concurrency)


INVOKE[RunnableEach] = _invoke_each
STREAM[RunnableEach] = lambda node, x, ctx, kw: iter((_invoke_each(node, x, ctx, kw),))
