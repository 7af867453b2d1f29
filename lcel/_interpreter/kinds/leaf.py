"""Components (``lcel.Component``): the leaf protocol's fallbacks, sync and async.

A component implements ``_invoke`` and, optionally, ``_ainvoke``, ``_stream``,
``_astream``, ``_transform``, ``_atransform`` (see :mod:`lcel._leaf`). What it lacks comes
from what it has: async from sync in a worker thread (inline when ``blocking = False``),
streams of one chunk from ``_invoke``. Under a tracer that wants tokens
(``stream_leaves``), a component that streams is streamed even when invoked, its chunks
reported on its own run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._chunks import NOTHING, add
from lcel._interpreter._common import (
    acall_user,
    aiter_thread,
    call_user,
    closing_aiter,
    one,
    to_thread,
    user_config,
)
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._interpreter._trace import settle
from lcel._leaf import Component, capabilities

Leaf = Component[Any, Any]


def _reports_tokens(node: Leaf, ctx: Ctx, method: str) -> bool:
    """Whether this call is the component's own traced run, and its tracer wants tokens."""
    tracer = ctx.tracer
    return (
        tracer is not None
        and tracer.stream_leaves
        and ctx.parent is not None
        and ctx.parent.node is node
        and method in capabilities(type(node))
    )


# -- sync ---------------------------------------------------------------------------------------


def _invoke(node: Leaf, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if ctx.bare:
        return node._invoke(x, {}, **kw)
    if ctx.tracer is not None and _reports_tokens(node, ctx, "_stream"):
        return _streamed_invoke(node, x, ctx, kw)
    # A component may run other runnables inside (a validator, an agent): make them children.
    return call_user(node._invoke, ctx, x, ctx.user_config(), **kw)


def _streamed_invoke(node: Leaf, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    assert ctx.tracer is not None
    assert ctx.parent is not None
    out: Any = NOTHING
    for chunk in node._stream(x, ctx.user_config(), **kw):
        settle(ctx.tracer.on_stream(ctx.parent, chunk))
        out = add(out, chunk)
    return node._finalize(None if out is NOTHING else out)


def _stream(node: Leaf, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    caps = capabilities(type(node))
    cfg = user_config(ctx)
    if "_stream" in caps:
        yield from node._stream(x, cfg, **kw)
    elif "_transform" in caps:
        yield from node._transform(iter((x,)), cfg, **kw)
    else:
        yield node._invoke(x, cfg, **kw)


def _transform(node: Leaf, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    yield from node._transform(chunks, user_config(ctx), **kw)


# -- async --------------------------------------------------------------------------------------


async def _ainvoke(node: Leaf, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if ctx.tracer is not None and (
        _reports_tokens(node, ctx, "_astream") or _reports_tokens(node, ctx, "_stream")
    ):
        assert ctx.tracer is not None
        assert ctx.parent is not None
        out: Any = NOTHING
        async with closing_aiter(_astream(node, x, ctx, kw)) as it:
            async for chunk in it:
                pending = ctx.tracer.on_stream(ctx.parent, chunk)
                if pending is not None:
                    await pending
                out = add(out, chunk)
        return node._finalize(None if out is NOTHING else out)
    if "_ainvoke" in capabilities(type(node)):
        return await acall_user(node._ainvoke, ctx, x, user_config(ctx), **kw)
    if not node.blocking:
        return call_user(node._invoke, ctx, x, user_config(ctx), **kw)
    return await to_thread(ctx, node._invoke, x, user_config(ctx), **kw)


async def _astream(node: Leaf, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    caps = capabilities(type(node))
    if "_astream" in caps:
        inner: AsyncIterator[Any] = node._astream(x, user_config(ctx), **kw)
    elif "_atransform" in caps:
        inner = node._atransform(one(x), user_config(ctx), **kw)
    elif ("_stream" in caps or "_transform" in caps) and node.blocking:
        inner = aiter_thread(ctx, lambda: _stream(node, x, ctx, kw))
    elif "_stream" in caps or "_transform" in caps:
        for chunk in _stream(node, x, ctx, kw):  # quick CPU work: inline
            yield chunk
        return
    else:
        yield await _ainvoke(node, x, ctx, kw)
        return
    async with closing_aiter(inner) as it:
        async for chunk in it:
            yield chunk


async def _atransform(
    node: Leaf, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    if "_atransform" in capabilities(type(node)):
        inner: AsyncIterator[Any] = node._atransform(chunks, user_config(ctx), **kw)
    else:
        # Only a sync transform: collect the chunks, then run it (correct, not incremental;
        # components that stream in async implement ``_atransform``), off the event loop
        # unless it is quick CPU work.
        items = [c async for c in chunks]
        if not node.blocking:
            for chunk in node._transform(iter(items), user_config(ctx), **kw):
                yield chunk
            return
        inner = aiter_thread(ctx, lambda: node._transform(iter(items), user_config(ctx), **kw))
    async with closing_aiter(inner) as it:
        async for chunk in it:
            yield chunk


register(Component, _invoke, _stream, _ainvoke, _astream, _transform, _atransform)
