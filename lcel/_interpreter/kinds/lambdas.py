"""``RunnableLambda`` (a function: plain, generator, async or async generator) and
``RunnableGenerator`` (a true stream transform), sync and async.

A function's output may itself be a runnable: it then runs on the same input, one level
deeper (``recursion_limit``). A sync function called from async code runs in a worker
thread with the caller's context; an async-only function called from sync code runs in
its own event loop (refused inside a running one).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from lcel._chunks import combine
from lcel._interpreter._common import (
    acall_user,
    acombine,
    aiter_thread,
    call_user,
    closing_aiter,
    hop,
    one,
    run_coroutine,
    to_thread,
)
from lcel._interpreter._core import ainvoke, astream, invoke, stream
from lcel._interpreter._ctx import CURRENT, Ctx
from lcel._interpreter._dispatch import register
from lcel._lambda import ASYNC, ASYNC_GEN, SYNC, SYNC_GEN, RunnableGenerator, RunnableLambda
from lcel._runnable import Runnable

Lambda = RunnableLambda[Any, Any]


def _extra(wants_config: bool, ctx: Ctx) -> dict[str, Any]:
    return {"config": ctx.user_config()} if wants_config else {}


# -- lambdas: sync ----------------------------------------------------------------------------


def _call(node: Lambda, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    kind = node._kind
    if kind is SYNC:
        if node._wants_config:
            return call_user(node.func, ctx, x, config=ctx.user_config(), **kw)
        if ctx.bare:
            return node.func(x, **kw) if kw else node.func(x)
        return call_user(node.func, ctx, x, **kw)
    if kind is SYNC_GEN:
        return combine(_gen(node, x, ctx, kw))
    return run_coroutine(_ainvoke(node, x, ctx, kw), node.get_name())  # async-only function


def _gen(node: Lambda, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    """A generator function's chunks, each pulled with ``ctx`` current."""
    gen = call_user(node.func, ctx, x, **_extra(node._wants_config, ctx), **kw)
    if ctx.bare:
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


def _invoke(node: Lambda, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    # the common case first, without a call to _call
    out = node.func(x) if node._plain and ctx.bare and not kw else _call(node, x, ctx, kw)
    if isinstance(out, Runnable):
        return invoke(out, x, hop(node, out, x, ctx))
    return out


def _stream(node: Lambda, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    if node._kind is SYNC_GEN:
        yield from _gen(node, x, ctx, kw)
        return
    if node._kind in (ASYNC, ASYNC_GEN):
        yield _invoke(node, x, ctx, kw)
        return
    out = _call(node, x, ctx, kw)
    if isinstance(out, Runnable):
        yield from stream(out, x, hop(node, out, x, ctx))
    else:
        yield out


# -- lambdas: async ---------------------------------------------------------------------------


def _async_fn(node: Lambda) -> tuple[Callable[..., Any] | None, str, bool]:
    """The function async code calls (``afunc``, else an async ``func``), its kind, and
    whether it takes ``config``; ``None`` when only a sync function exists."""
    if node.afunc is not None:
        return node.afunc, node._akind, node._awants_config
    if node._kind in (ASYNC, ASYNC_GEN):
        return node.func, node._kind, node._wants_config
    return None, node._kind, node._wants_config


async def _acall(node: Lambda, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    fn, kind, wants = _async_fn(node)
    if fn is None:
        return await to_thread(ctx, _call, node, x, ctx, kw)
    if kind == ASYNC_GEN:
        return await acombine(_agen(fn, wants, x, ctx, kw))
    return await acall_user(fn, ctx, x, **_extra(wants, ctx), **kw)


async def _agen(
    fn: Callable[..., Any], wants: bool, x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    gen = call_user(fn, ctx, x, **_extra(wants, ctx), **kw)
    async with closing_aiter(gen) as it:
        async for chunk in it:
            yield chunk


async def _ainvoke(node: Lambda, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    out = await _acall(node, x, ctx, kw)
    if isinstance(out, Runnable):
        return await ainvoke(out, x, hop(node, out, x, ctx))
    return out


async def _astream(node: Lambda, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    fn, kind, wants = _async_fn(node)
    if fn is not None and kind == ASYNC_GEN:
        inner: AsyncIterator[Any] = _agen(fn, wants, x, ctx, kw)
    elif fn is None and kind is SYNC_GEN:
        inner = aiter_thread(ctx, lambda: _gen(node, x, ctx, kw))
    else:
        out = await _acall(node, x, ctx, kw)
        if not isinstance(out, Runnable):
            yield out
            return
        inner = astream(out, x, hop(node, out, x, ctx))
    async with closing_aiter(inner) as it:
        async for chunk in it:
            yield chunk


register(RunnableLambda, _invoke, _stream, _ainvoke, _astream)


# -- generators (true transforms) ---------------------------------------------------------------

Generator = RunnableGenerator[Any, Any]


def _transform_generator(
    node: Generator, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    fn = node.transform_fn
    if fn is None:
        raise TypeError(f"{node.get_name()} has only an async transform; use astream/ainvoke")
    gen = call_user(fn, ctx, chunks, **_extra(node._wants_config, ctx), **kw)
    try:
        yield from gen
    finally:
        gen.close()


async def _atransform_generator(
    node: Generator, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    fn = node.atransform_fn
    if fn is None:
        # Only a sync transform: feed it the async chunks collected, in a thread.
        items = [c async for c in chunks]
        inner = aiter_thread(ctx, lambda: _transform_generator(node, iter(items), ctx, kw))
    else:
        inner = call_user(fn, ctx, chunks, **_extra(node._awants_config, ctx), **kw)
    async with closing_aiter(inner) as it:
        async for chunk in it:
            yield chunk


async def _ainvoke_generator(node: Generator, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return await acombine(_atransform_generator(node, one(x), ctx, kw))


register(
    RunnableGenerator,
    lambda node, x, ctx, kw: combine(_transform_generator(node, iter((x,)), ctx, kw)),
    lambda node, x, ctx, kw: _transform_generator(node, iter((x,)), ctx, kw),
    _ainvoke_generator,
    lambda node, x, ctx, kw: _atransform_generator(node, one(x), ctx, kw),
    _transform_generator,
    _atransform_generator,
)
