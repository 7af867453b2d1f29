"""``RunnableEach`` (``runnable.map()``): the bound runnable on every element of a list,
as a batch (order kept, the first failure raised), sync and async."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from typing import Any

from lcel._interpreter._common import gather_bounded, run_in_threads
from lcel._interpreter._core import ainvoke, invoke
from lcel._interpreter._ctx import Ctx
from lcel._interpreter._dispatch import register
from lcel._wrappers import RunnableEach
from lcel.errors import InputValidationError, shorten

Each = RunnableEach[Any, Any]


def items_of(node: Each, x: Any) -> list[Any]:
    """The elements of a list input (refusing anything else)."""
    if isinstance(x, str | bytes | dict) or not hasattr(x, "__iter__"):
        raise InputValidationError(
            f"{node.get_name()} expects a list input, got {type(x).__name__}: {shorten(x, 80)}"
        )
    return list(x)


def _ctxs(items: list[Any], ctx: Ctx) -> list[Ctx]:
    if ctx.tracer is None:
        return [ctx] * len(items)
    return [ctx.tagged(f"map:{i}") for i in range(len(items))]


def _invoke(node: Each, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    items = items_of(node, x)
    calls = [
        functools.partial(invoke, node.bound, item, c, kw)
        for item, c in zip(items, _ctxs(items, ctx), strict=True)
    ]
    return run_in_threads(calls, ctx.max_concurrency)


async def _ainvoke(node: Each, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Any:
    items = items_of(node, x)
    factories = [
        functools.partial(ainvoke, node.bound, item, c, kw)
        for item, c in zip(items, _ctxs(items, ctx), strict=True)
    ]
    return await gather_bounded(factories, ctx.max_concurrency)


def _stream(node: Each, x: Any, ctx: Ctx, kw: dict[str, Any]) -> Iterator[Any]:
    yield _invoke(node, x, ctx, kw)


async def _astream(node: Each, x: Any, ctx: Ctx, kw: dict[str, Any]) -> AsyncIterator[Any]:
    yield await _ainvoke(node, x, ctx, kw)


register(RunnableEach, _invoke, _stream, _ainvoke, _astream)
