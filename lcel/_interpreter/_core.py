"""The engine: the entry points every node kind calls for its children, in both modes.

``invoke`` / ``stream`` / ``transform`` and their async twins look the node's handler up in
the dispatch tables (``_dispatch``) and, only when a tracer listens, wrap it in a run. What a
node needs is read from the node itself (``Runnable._consumes_stream``, ``_traced_run``,
``_traced_stream_run``, ``_starts_on_first_chunk``), so a subclass or a new kind fits in.

* ``invoke(node, x, ctx, kw)``: whole input, whole output.
* ``stream(node, x, ctx, kw)``: whole input, output chunks.
* ``transform(node, chunks, ctx, kw)``: input chunks, output chunks; nodes that cannot
  consume a stream combine it first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from lcel._chunks import NOTHING, combine
from lcel._interpreter._common import acombine, close, closing_aiter, one
from lcel._interpreter._ctx import Ctx, StepsCancelled
from lcel._interpreter._dispatch import (
    AINVOKE,
    ASTREAM,
    ATRANSFORM,
    INVOKE,
    NO_KW,
    STREAM,
    TRANSFORM,
    Handler,
)
from lcel._interpreter._trace import Pending, Run, Tracer, new_run, settle

__all__ = ["ainvoke", "astream", "atransform", "invoke", "stream", "transform"]


# -- routes: how a node runs under a context (the same answer in both modes) ------------------

_PLAIN = 0  # its handler, no run of its own
_TRACED = 1  # a run, started with the whole input
_LAZY = 2  # a run fed a stream, started at its first chunk
_BUFFER = 3  # combine the input stream, then stream the node


def _stream_route(node: Any, ctx: Ctx) -> int:
    if ctx.cancel is not None and ctx.cancel.is_set:
        raise StepsCancelled
    if ctx.tracer is None or not node._traced_stream_run:
        return _PLAIN
    return _LAZY if ctx.parent is not None and node._starts_on_first_chunk() else _TRACED


def _transform_route(node: Any, ctx: Ctx) -> int:
    if ctx.cancel is not None and ctx.cancel.is_set:
        raise StepsCancelled
    if ctx.tracer is None:
        return _PLAIN if node._consumes_stream() else _BUFFER
    if not node._traced_run:
        return _PLAIN
    return _LAZY if node._starts_on_first_chunk() else _BUFFER


# -- sync entry points -------------------------------------------------------------------------


def invoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> Any:
    if ctx.cancel is not None and ctx.cancel.is_set:
        raise StepsCancelled
    if ctx.tracer is None or not node._traced_run:
        return INVOKE[type(node)](node, x, ctx, kw)
    return _traced_invoke(node, x, ctx, kw)


def stream(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> Iterator[Any]:
    return _STREAM_BY_ROUTE[_stream_route(node, ctx)](node, x, ctx, kw)  # type: ignore[no-any-return]


def transform(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any] = NO_KW
) -> Iterator[Any]:
    return _TRANSFORM_BY_ROUTE[_transform_route(node, ctx)](node, chunks, ctx, kw)  # type: ignore[no-any-return]


def _buffer_then_stream(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    yield from stream(node, combine(chunks), ctx, kw)


def _own_transform(node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    """The node's own transform, or its stream of the combined chunks, without a run of its
    own (the caller traces it). A sequence always passes the stream on to its first step."""
    if node._consumes_stream() or TRANSFORM.has(type(node)):
        return TRANSFORM[type(node)](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    return _stream_combined(node, chunks, ctx, kw)


def _stream_combined(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    yield from STREAM[type(node)](node, combine(chunks), ctx, kw)


# -- async entry points ------------------------------------------------------------------------


async def ainvoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> Any:
    if ctx.cancel is not None and ctx.cancel.is_set:
        raise StepsCancelled
    if ctx.tracer is None or not node._traced_run:
        return await AINVOKE[type(node)](node, x, ctx, kw)
    return await _traced_ainvoke(node, x, ctx, kw)


def astream(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any] = NO_KW) -> AsyncIterator[Any]:
    return _ASTREAM_BY_ROUTE[_stream_route(node, ctx)](node, x, ctx, kw)  # type: ignore[no-any-return]


def atransform(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any] = NO_KW
) -> AsyncIterator[Any]:
    return _ATRANSFORM_BY_ROUTE[_transform_route(node, ctx)](node, chunks, ctx, kw)  # type: ignore[no-any-return]


async def _abuffer_then_stream(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    x = await acombine(chunks)
    async with closing_aiter(astream(node, x, ctx, kw)) as it:
        async for chunk in it:
            yield chunk


def _own_atransform(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    """The async twin of :func:`_own_transform`."""
    if node._consumes_stream() or ATRANSFORM.has(type(node)):
        return ATRANSFORM[type(node)](node, chunks, ctx, kw)  # type: ignore[no-any-return]
    return _astream_combined(node, chunks, ctx, kw)


async def _astream_combined(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    x = await acombine(chunks)
    async with closing_aiter(ASTREAM[type(node)](node, x, ctx, kw)) as it:
        async for chunk in it:
            yield chunk


# -- traced runs: the same record for both modes ----------------------------------------------


def _start(node: Any, x: Any, ctx: Ctx) -> tuple[Tracer, Run, Ctx]:
    tracer = ctx.tracer
    assert tracer is not None
    run = new_run(node, ctx, x)
    return tracer, run, ctx.child_of(run)


def _failed(tracer: Tracer, run: Run, exc: BaseException) -> Pending:
    run.error = exc
    run.end_time = datetime.now(UTC)
    return tracer.on_error(run)


def _ended(tracer: Tracer, run: Run, out: Any) -> Pending:
    run.output = out
    run.end_time = datetime.now(UTC)
    return tracer.on_end(run)


def lazy_start(tracer: Tracer, run: Run) -> Callable[[], Pending]:
    """``on_start`` for ``run`` on the first call only, stamping the real start time."""
    started: list[bool] = []

    def start() -> Pending:
        if not started:
            started.append(True)
            run.start_time = datetime.now(UTC)
            return tracer.on_start(run)
        return None

    return start


class _StreamRecord:
    """What a traced stream collects: its chunks, and for a transform its input chunks and
    the deferred start (a run fed a stream starts at its first input chunk)."""

    __slots__ = ("chunks", "run", "seen", "start", "tracer")

    def __init__(self, tracer: Tracer, run: Run, transform: bool) -> None:
        self.tracer = tracer
        self.run = run
        self.chunks: list[Any] = []  # added up once at the end, not one sum per chunk
        self.seen: list[Any] | None = [] if transform else None
        self.start: Callable[[], Pending] | None = lazy_start(tracer, run) if transform else None

    def _settle_input(self) -> Pending:
        started = None if self.start is None else self.start()
        if self.seen is not None:
            self.run.input = combine(self.seen)
        return started

    def failed(self, exc: BaseException) -> tuple[Pending, Pending]:
        """What is left to await of the (late) start and of the error, in that order."""
        return self._settle_input(), _failed(self.tracer, self.run, exc)

    def ended(self) -> tuple[Pending, Pending]:
        """What is left to await of the (late) start and of the end, in that order."""
        started = self._settle_input()
        chunks = self.chunks
        out = (chunks[-1] if chunks else None) if self.run.cumulative else combine(chunks)
        return started, _ended(self.tracer, self.run, out)


async def _await(pending: Pending) -> None:
    if pending is not None:
        await pending


def _traced_invoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    tracer, run, child = _start(node, x, ctx)
    settle(tracer.on_start(run))
    try:
        out = INVOKE[type(node)](node, x, child, kw)
    except BaseException as exc:
        settle(_failed(tracer, run, exc))
        raise
    settle(_ended(tracer, run, out))
    return out


async def _traced_ainvoke(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    tracer, run, child = _start(node, x, ctx)
    await _await(tracer.on_start(run))
    try:
        out = await AINVOKE[type(node)](node, x, child, kw)
    except BaseException as exc:
        await _await(_failed(tracer, run, exc))
        raise
    await _await(_ended(tracer, run, out))
    return out


def _traced_stream(node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    tracer, run, child = _start(node, x, ctx)
    settle(tracer.on_start(run))
    record = _StreamRecord(tracer, run, False)
    yield from _traced_body(record, STREAM[type(node)](node, x, child, kw))


def _traced_transform(
    node: Any, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    tracer, run, child = _start(node, NOTHING, ctx)
    record = _StreamRecord(tracer, run, True)
    assert record.start is not None
    assert record.seen is not None
    start, seen = record.start, record.seen

    def tee() -> Iterator[Any]:
        # The run starts when its first input chunk arrives (after its upstream started),
        # as LangChain reports it.
        for c in chunks:
            settle(start())
            seen.append(c)
            yield c
        settle(start())

    yield from _traced_body(record, _own_transform(node, tee(), child, kw))


def _traced_body(record: _StreamRecord, inner: Iterator[Any]) -> Iterator[Any]:
    on_stream, run, chunks = record.tracer.on_stream, record.run, record.chunks
    try:
        for chunk in inner:
            pending = on_stream(run, chunk)
            if pending is not None:
                settle(pending)
            chunks.append(chunk)
            yield chunk
    except BaseException as exc:
        for pending in record.failed(exc):
            settle(pending)
        raise
    finally:
        close(inner)
    for pending in record.ended():
        settle(pending)


async def _traced_astream(
    node: Any, x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    tracer, run, child = _start(node, x, ctx)
    await _await(tracer.on_start(run))
    record = _StreamRecord(tracer, run, False)
    async with closing_aiter(_atraced_body(record, ASTREAM[type(node)](node, x, child, kw))) as it:
        async for chunk in it:
            yield chunk


async def _traced_atransform(
    node: Any, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    tracer, run, child = _start(node, NOTHING, ctx)
    record = _StreamRecord(tracer, run, True)
    assert record.start is not None
    assert record.seen is not None
    start, seen = record.start, record.seen

    async def tee() -> AsyncIterator[Any]:
        # The run starts when its first input chunk arrives (after its upstream started).
        async for c in chunks:
            await _await(start())
            seen.append(c)
            yield c
        await _await(start())

    body = _atraced_body(record, _own_atransform(node, tee(), child, kw))
    async with closing_aiter(body) as it:
        async for chunk in it:
            yield chunk


async def _atraced_body(record: _StreamRecord, inner: AsyncIterator[Any]) -> AsyncIterator[Any]:
    on_stream, run, chunks = record.tracer.on_stream, record.run, record.chunks
    try:
        async with closing_aiter(inner) as it:
            async for chunk in it:
                await _await(on_stream(run, chunk))
                chunks.append(chunk)
                yield chunk
    except BaseException as exc:
        for pending in record.failed(exc):
            await _await(pending)
        raise
    for pending in record.ended():
        await _await(pending)


# -- what each route runs, per mode (indexed by the route numbers above) -----------------------

_STREAM_BY_ROUTE: tuple[Handler, ...] = (
    lambda node, x, ctx, kw: STREAM[type(node)](node, x, ctx, kw),
    _traced_stream,
    lambda node, x, ctx, kw: _traced_transform(node, iter((x,)), ctx, kw),
)
_TRANSFORM_BY_ROUTE: tuple[Handler, ...] = (
    lambda node, chunks, ctx, kw: TRANSFORM[type(node)](node, chunks, ctx, kw),
    _traced_stream,  # never: a node fed a stream is traced lazily or after buffering
    _traced_transform,
    _buffer_then_stream,
)
_ASTREAM_BY_ROUTE: tuple[Handler, ...] = (
    lambda node, x, ctx, kw: ASTREAM[type(node)](node, x, ctx, kw),
    _traced_astream,
    lambda node, x, ctx, kw: _traced_atransform(node, one(x), ctx, kw),
)
_ATRANSFORM_BY_ROUTE: tuple[Handler, ...] = (
    lambda node, chunks, ctx, kw: ATRANSFORM[type(node)](node, chunks, ctx, kw),
    _traced_astream,  # never, as above
    _traced_atransform,
    _abuffer_then_stream,
)
