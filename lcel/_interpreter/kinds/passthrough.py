"""``RunnablePassthrough`` (identity, maybe watching), ``RunnableAssign`` (add keys) and
``RunnablePick`` (keep keys), sync and async.

The dict logic (which keys pass, which are picked) is written once, as pure functions
both modes use; the handlers only move values and chunks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._chunks import NOTHING, add, combine
from lcel._interpreter._common import (
    acall_user,
    call_user,
    closing_aiter,
    expect_mapping,
    one,
    run_coroutine,
)
from lcel._interpreter._core import ainvoke, astream, invoke, stream
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._passthrough import RunnableAssign, RunnablePassthrough, RunnablePick

Assign = RunnableAssign[Any, Any]
Pick = RunnablePick[Any, Any]


# -- the pure parts ---------------------------------------------------------------------------


def passed_keys(node: Assign, x: Any) -> dict[str, Any]:
    """The input keys an assign passes through untouched."""
    expect_mapping(node, x)
    added = {k for k, _ in node.mapper.branches}
    return {k: v for k, v in x.items() if k not in added}


def picked(node: Pick, x: Any) -> Any:
    """The picked value (one key) or smaller dict (several keys) of a whole input."""
    expect_mapping(node, x)
    if isinstance(node.keys, str):
        return x.get(node.keys)
    return {k: x[k] for k in node.keys if k in x}


def picked_chunk(node: Pick, chunk: Any) -> Any:
    """The picked part of one dict chunk, or ``NOTHING`` when it has none of the keys."""
    expect_mapping(node, chunk)
    if isinstance(node.keys, str):
        return chunk.get(node.keys, NOTHING)
    part = {k: chunk[k] for k in node.keys if k in chunk}
    return part if part else NOTHING


# -- passthrough -------------------------------------------------------------------------------


def _invoke_passthrough(node: RunnablePassthrough, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    if node.func is not None:
        if node.afunc is None and asyncio.iscoroutinefunction(node.func):
            run_coroutine(node.func(x), "RunnablePassthrough(func)")
        else:
            call_user(node.func, ctx, x)
    return x


async def _ainvoke_passthrough(
    node: RunnablePassthrough, x: Any, ctx: Ctx, kw: dict[str, Any]
) -> Any:
    if node.afunc is not None:
        await acall_user(node.afunc, ctx, x)
    elif node.func is not None:
        if asyncio.iscoroutinefunction(node.func):
            await acall_user(node.func, ctx, x)
        else:
            call_user(node.func, ctx, x)
    return x


def _watches(node: RunnablePassthrough) -> bool:
    return node.func is not None or node.afunc is not None


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


async def _atransform_passthrough(
    node: RunnablePassthrough, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    acc: Any = NOTHING
    async for chunk in chunks:
        if _watches(node):
            acc = add(acc, chunk)
        yield chunk
    if _watches(node):
        await _ainvoke_passthrough(node, None if acc is NOTHING else acc, ctx, kw)


register(
    RunnablePassthrough,
    _invoke_passthrough,
    lambda node, x, ctx, kw: _transform_passthrough(node, iter((x,)), ctx, kw),
    _ainvoke_passthrough,
    lambda node, x, ctx, kw: _atransform_passthrough(node, one(x), ctx, kw),
    _transform_passthrough,
    _atransform_passthrough,
)


# -- assign ------------------------------------------------------------------------------------


def _invoke_assign(node: Assign, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    expect_mapping(node, x)
    return {**x, **invoke(node.mapper, x, ctx)}


async def _ainvoke_assign(node: Assign, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    expect_mapping(node, x)
    return {**x, **await ainvoke(node.mapper, x, ctx)}


def _stream_assign(node: Assign, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    """The input's keys first, then each added key's chunks as its step streams them."""
    passed = passed_keys(node, x)
    if passed:
        yield passed
    yield from stream(node.mapper, x, ctx)


async def _astream_assign(
    node: Assign, x: Any, ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    passed = passed_keys(node, x)
    if passed:
        yield passed
    async with closing_aiter(astream(node.mapper, x, ctx)) as it:
        async for chunk in it:
            yield chunk


def _transform_assign(
    node: Assign, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    """Fed a stream: every chunk's passed-through keys as it comes, then the added keys'
    chunks, computed from the whole input (LangChain's order)."""
    seen: list[Any] = []
    for chunk in chunks:
        seen.append(chunk)
        passed = passed_keys(node, chunk)
        if passed:
            yield passed
    yield from stream(node.mapper, combine(seen), ctx)


async def _atransform_assign(
    node: Assign, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    seen: list[Any] = []
    async for chunk in chunks:
        seen.append(chunk)
        passed = passed_keys(node, chunk)
        if passed:
            yield passed
    async with closing_aiter(astream(node.mapper, combine(seen), ctx)) as it:
        async for out in it:
            yield out


register(
    RunnableAssign, _invoke_assign, _stream_assign, _ainvoke_assign, _astream_assign,
    _transform_assign, _atransform_assign,
)


# -- pick --------------------------------------------------------------------------------------


def _transform_pick(
    node: Pick, chunks: Iterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> Iterator[Any]:
    for chunk in chunks:
        part = picked_chunk(node, chunk)
        if part is not NOTHING:
            yield part


async def _atransform_pick(
    node: Pick, chunks: AsyncIterator[Any], ctx: Ctx, kw: dict[str, Any]
) -> AsyncIterator[Any]:
    async for chunk in chunks:
        part = picked_chunk(node, chunk)
        if part is not NOTHING:
            yield part


async def _ainvoke_pick(node: Pick, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    return picked(node, x)


register(
    RunnablePick,
    lambda node, x, ctx, kw: picked(node, x),
    lambda node, x, ctx, kw: _transform_pick(node, iter((x,)), ctx, kw),
    _ainvoke_pick,
    lambda node, x, ctx, kw: _atransform_pick(node, one(x), ctx, kw),
    _transform_pick,
    _atransform_pick,
)
